import { TesseraError } from '../../core/errors.js';
import { INFERENCE_HEADER_CONTENT_LENGTH, PROTOCOL_PATHS, type ModelMetadata, type RepositoryModel, type ServerMetadata } from './inference-protocol.js';
import { readErrorBody, readModelMetadata, readRepositoryIndex, readServerMetadata } from './model-metadata.js';
import { connectionFailure, httpStatusError, timeoutError, unreadableResponse } from './remote-errors.js';
import { WireFormatError, type EncodedBody } from './wire-body.js';
import { abortableSleep } from '../abortable-sleep.js';

/** `fetch` as the client uses it: the platform's (browsers, UXP, Node) or a test's. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer>; signal: AbortSignal },
) => Promise<ResponseLike>;

export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface InferenceClientOptions {
  /** The server's base URL: `http://127.0.0.1:8765`, or with a path prefix behind a proxy. */
  readonly url: string;
  /** Sent as `Authorization: Bearer …` on every request. */
  readonly token?: string;
  readonly fetch?: FetchLike;
  /** Health and metadata requests, ms (default 15 s). */
  readonly timeoutMs?: number;
  /** One inference, ms, from sending to the last byte of the answer (default 10 min: a first CPU run of a real UNet is slow). */
  readonly inferTimeoutMs?: number;
  /** Further tries after a connection failure where a retry is safe (default 3). */
  readonly retries?: number;
  /** The first backoff, doubled for each further try (default 250 ms). */
  readonly retryDelayMs?: number;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: Uint8Array;
}

interface RequestPlan {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: EncodedBody;
  /** The served model the request is about, for messages. */
  readonly model?: string;
  /**
   * Whether a retry after a lost connection is safe: true for health, metadata and the
   * repository index, which change nothing. An inference is retried only when the connection was
   * refused (the server never saw it) or the server answered 503 (it did not run it); after a
   * connection lost mid-request the server may still be running it, so it is not sent twice.
   */
  readonly idempotent: boolean;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * A client for the Open Inference Protocol over HTTP: health, metadata, repository index and
 * inference, each with a timeout, retries with exponential backoff where safe, cancellation by
 * AbortSignal (the caller's abort rethrows its AbortError), and TesseraErrors that name the server
 * and the model. Uses only `fetch`, so it runs in browsers, UXP and Node.
 */
export class InferenceClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly fetch: FetchLike;
  private readonly timeoutMs: number;
  private readonly inferTimeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;

  constructor(options: InferenceClientOptions) {
    this.url = normaliseServerUrl(options.url);
    this.token = options.token === '' ? undefined : options.token;
    this.fetch = options.fetch ?? defaultFetch();
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.inferTimeoutMs = options.inferTimeoutMs ?? 600_000;
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 250;
  }

  /** GET /v2/health/ready: true on 200, false on any other answer (starting, stopping). */
  async serverReady(signal?: AbortSignal): Promise<boolean> {
    const r = await this.request({ method: 'GET', path: PROTOCOL_PATHS.ready, idempotent: true, timeoutMs: this.timeoutMs, signal });
    this.throwIfUnauthorized(r);
    return r.status === 200;
  }

  async serverMetadata(signal?: AbortSignal): Promise<ServerMetadata> {
    const r = this.ok(await this.request({ method: 'GET', path: PROTOCOL_PATHS.server, idempotent: true, timeoutMs: this.timeoutMs, signal }));
    return this.parse(r, 'server metadata', readServerMetadata);
  }

  /** GET /v2/models/{name}/ready: true on 200, false when the server has no such model or it is not ready. */
  async modelReady(model: string, signal?: AbortSignal): Promise<boolean> {
    const r = await this.request({ method: 'GET', path: PROTOCOL_PATHS.modelReady(model), model, idempotent: true, timeoutMs: this.timeoutMs, signal });
    this.throwIfUnauthorized(r, model);
    if (r.status >= 500 && r.status !== 503) throw httpStatusError(this.url, r, model);
    return r.status === 200;
  }

  async modelMetadata(model: string, signal?: AbortSignal): Promise<ModelMetadata> {
    const r = this.ok(await this.request({ method: 'GET', path: PROTOCOL_PATHS.model(model), model, idempotent: true, timeoutMs: this.timeoutMs, signal }), model);
    return this.parse(r, `metadata of model "${model}"`, readModelMetadata);
  }

  /** Triton's model repository index, or null where the server has no such endpoint (plain KServe). */
  async repositoryIndex(signal?: AbortSignal): Promise<RepositoryModel[] | null> {
    const body: EncodedBody = { bytes: new TextEncoder().encode('{}'), headerLength: null, contentType: 'application/json' };
    const r = await this.request({ method: 'POST', path: PROTOCOL_PATHS.repositoryIndex, body, idempotent: true, timeoutMs: this.timeoutMs, signal });
    this.throwIfUnauthorized(r);
    if (r.status === 404 || r.status === 405 || r.status === 400 || r.status === 501) return null;
    return this.parse(this.ok(r), 'repository index', readRepositoryIndex);
  }

  /** POST /v2/models/{name}/infer; the raw answer, for the codec. */
  async infer(model: string, body: EncodedBody, signal?: AbortSignal): Promise<{ body: Uint8Array; headerLength: string | null }> {
    const r = this.ok(await this.request({ method: 'POST', path: PROTOCOL_PATHS.infer(model), body, model, idempotent: false, timeoutMs: this.inferTimeoutMs, signal }), model);
    return { body: r.body, headerLength: r.headers.get(INFERENCE_HEADER_CONTENT_LENGTH) };
  }

  /**
   * GET of a path beside the protocol (Tessera's model files, model-files-protocol.ts), with the
   * same timeout (or `timeoutMs`), retries and connection errors as metadata; the answer whatever
   * its status, for the caller to read.
   */
  async get(path: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<HttpResult> {
    return this.request({ method: 'GET', path, idempotent: true, timeoutMs: options.timeoutMs ?? this.timeoutMs, signal: options.signal });
  }

  /** A response the codec could not read, as a TesseraError naming this server and the model. */
  unreadable(what: string, e: WireFormatError, model?: string): TesseraError {
    return unreadableResponse(this.url, what, e, model);
  }

  private ok(r: HttpResult, model?: string): HttpResult {
    if (r.status >= 200 && r.status < 300) return r;
    throw httpStatusError(this.url, r, model);
  }

  private throwIfUnauthorized(r: HttpResult, model?: string): void {
    if (r.status === 401 || r.status === 403) throw httpStatusError(this.url, r, model);
  }

  private parse<T>(r: HttpResult, what: string, read: (json: unknown) => T): T {
    try {
      return read(JSON.parse(new TextDecoder().decode(r.body)));
    } catch (e) {
      if (e instanceof WireFormatError) throw this.unreadable(what, e);
      if (e instanceof SyntaxError) throw this.unreadable(what, new WireFormatError('it is not JSON'));
      throw e;
    }
  }

  private async request(plan: RequestPlan): Promise<HttpResult> {
    for (let attempt = 0; ; attempt++) {
      plan.signal?.throwIfAborted();
      const deadline = new Deadline(plan.timeoutMs, plan.signal);
      let failure: unknown;
      try {
        const response = await this.fetch(this.url + plan.path, {
          method: plan.method,
          headers: this.headers(plan.body),
          ...(plan.body ? { body: plan.body.bytes } : {}),
          signal: deadline.signal,
        });
        const body = new Uint8Array(await response.arrayBuffer());
        const result: HttpResult = { status: response.status, headers: response.headers, body };
        // 503: the server is starting, stopping or its queue is full; it did not run anything.
        if (result.status !== 503 || attempt >= this.retries) return result;
      } catch (e) {
        failure = e;
      } finally {
        deadline.clear();
      }
      if (failure !== undefined) {
        if (plan.signal?.aborted) throw plan.signal.reason;
        if (deadline.expired) throw timeoutError(this.url, plan.timeoutMs, plan.model);
        const lost = connectionFailure(this.url, failure, plan.model);
        const retryable = plan.idempotent || lost.details?.reason === 'refused';
        if (!retryable || attempt >= this.retries) throw lost;
      }
      await abortableSleep(this.retryDelayMs * 2 ** attempt, plan.signal);
    }
  }

  private headers(body: EncodedBody | undefined): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json, application/octet-stream' };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (body) {
      headers['content-type'] = body.contentType;
      if (body.headerLength !== null) headers[INFERENCE_HEADER_CONTENT_LENGTH.toLowerCase()] = String(body.headerLength);
    }
    return headers;
  }
}

/** `http(s)://host[:port][/prefix]` without a trailing slash; `invalid-input` for anything else. */
export function normaliseServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch (e) {
    throw new TesseraError('invalid-input', `"${text}" is not a server address. Give one like http://127.0.0.1:8765.`, { cause: e });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TesseraError('invalid-input', `The server address must start with http:// or https://, not "${url.protocol}".`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TesseraError('invalid-input', `The server address "${text}" must not carry a user name, password, query or #fragment: pass the token on its own.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function defaultFetch(): FetchLike {
  const f = (globalThis as { fetch?: FetchLike }).fetch;
  if (!f) throw new TesseraError('internal', 'This environment has no fetch, so it cannot talk to an inference server.');
  return (url, init) => f(url, init);
}

/** The caller's signal plus a timeout, as one signal; `expired` tells the two apart afterwards. */
class Deadline {
  readonly signal: AbortSignal;
  expired = false;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onAbort: () => void;

  constructor(
    timeoutMs: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    this.signal = this.controller.signal;
    this.onAbort = () => this.controller.abort(outer?.reason);
    outer?.addEventListener('abort', this.onAbort, { once: true });
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error('timeout'));
    }, timeoutMs);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onAbort);
  }
}


export { readErrorBody };
