import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { assert, TesseraError } from '../core/errors.js';
import { BINARY_TENSOR_DATA_EXTENSION, EXECUTION_PROVIDER_PARAMETER, EXECUTION_PROVIDER_REASON_PARAMETER, type RepositoryModel } from '../runtime/remote/inference-protocol.js';
import { modelMetadataOf } from '../runtime/remote/model-metadata.js';
import { checkOrigin, corsHeaders, defaultAllowedOrigins, hostAllowed, isAuthorized, isLoopbackHost, preflightHeaders, type AccessPolicy } from './access-policy.js';
import { handleInfer, type InferLimits } from './infer-handler.js';
import { ModelQueue } from './model-queue.js';
import { handleFilesIndex, handleModelFile, type ServedFiles } from './model-files.js';
import { formatRequestLog } from './request-log.js';
import { send, sendError, type ResponseNote } from './respond.js';
import { route } from './routes.js';
import type { ServedModel } from './served-model.js';

/** `tessera serve`'s port unless told otherwise; the panels look for a local server here. */
export { DEFAULT_SERVE_PORT } from '../runtime/remote/default-server.js';

export interface InferenceServerOptions {
  readonly models: readonly ServedModel[];
  /** The served models' other files (tokenizers), given out read-only under /tessera/v1/models; without it those endpoints answer 404. */
  readonly files?: ServedFiles;
  /** Default 127.0.0.1. Any address that is not loopback needs a token. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly token?: string | null;
  /** Browser origins allowed to call the server; default Tessera's own pages (defaultAllowedOrigins). */
  readonly allowedOrigins?: readonly string[];
  /** The largest request body accepted (default 64 MiB). */
  readonly maxRequestBytes?: number;
  /** Requests that may wait per model while one runs; more get 503 (default 16). */
  readonly maxQueuePerModel?: number;
  /** One line per request, and the server's own notes. */
  readonly log?: (line: string) => void;
  readonly version?: string;
  /** How long close() waits for requests in flight before cutting connections (default 30 s). */
  readonly shutdownGraceMs?: number;
}

export interface InferenceServer {
  /** `http://127.0.0.1:8765`, as clients reach it. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets requests in flight finish (up to the grace time), then releases every model. Idempotent. */
  close(): Promise<void>;
}

export interface ServerState {
  readonly models: ReadonlyMap<string, ServedModel & { readonly queue: ModelQueue }>;
  readonly version: string;
  readonly limits: InferLimits;
  stopping: boolean;
}

/**
 * Serves models over the Open Inference Protocol (KServe v2) on HTTP: health, server and model
 * metadata, readiness, Triton's repository index, and inference with JSON or binary tensor data.
 * One queue per model; request bodies are size-limited; every failure is answered
 * `{"error": "…"}` and logged, and the server keeps serving.
 *
 * onnxruntime-node computes synchronously (its run is native work inside a setImmediate), so a
 * model run on this thread would stop the server answering anything, health checks included, for
 * the whole inference. `tessera serve` therefore loads each model in a worker thread of its own
 * (createWorkerRunnerFactory), behind its queue here: health, metadata and other models answer
 * while one computes.
 */
export async function startInferenceServer(options: InferenceServerOptions): Promise<InferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token === undefined || options.token === '' ? null : options.token;
  const loopback = isLoopbackHost(host);
  if (!loopback && token === null) {
    throw new TesseraError('invalid-input', `Serving on ${host} makes the models reachable from other machines: give a token (--token, or TESSERA_TOKEN) that clients must send.`, {
      details: { host },
    });
  }
  const log = options.log ?? (() => {});
  const maxQueue = options.maxQueuePerModel ?? 16;
  const models = new Map<string, ServedModel & { queue: ModelQueue }>();
  for (const m of options.models) {
    assert(!models.has(m.name), `two served models are named ${m.name}`);
    models.set(m.name, { ...m, queue: new ModelQueue(maxQueue) });
  }
  const state: ServerState = { models, version: options.version ?? 'dev', limits: { maxRequestBytes: options.maxRequestBytes ?? 64 * 1024 * 1024 }, stopping: false };
  const allowedOrigins = new Set(options.allowedOrigins ?? defaultAllowedOrigins());
  // Set once the port is known, before any request can arrive.
  let policy: AccessPolicy = { token, allowedOrigins, loopbackPort: null };
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const server = createServer((req, res) => {
    inFlight++;
    const started = performance.now();
    const note: ResponseNote & { model?: string } = { status: 0, bytesOut: 0 };
    let bytesIn = 0;
    req.on('data', (chunk: Buffer) => void (bytesIn += chunk.length));
    res.on('close', () => {
      inFlight--;
      log(formatRequestLog({ method: req.method ?? '?', path: req.url ?? '?', status: note.status, ms: performance.now() - started, bytesIn, bytesOut: note.bytesOut, model: note.model, error: note.error, aborted: !res.writableFinished }));
      if (inFlight === 0) drained?.();
    });
    handle(req, res, note).catch((e: unknown) => {
      // A bug of ours: answered and logged, and the server goes on.
      sendError(res, note, 500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, note: ResponseNote & { model?: string }): Promise<void> {
    if (state.stopping) res.setHeader('connection', 'close');
    if (!hostAllowed(req, policy)) return sendError(res, note, 403, 'this server answers only to its loopback address (the Host header names another)');
    const origin = checkOrigin(req, policy);
    if (origin.kind === 'refused') return sendError(res, note, 403, `requests from the web page at ${origin.origin.slice(0, 100)} are not allowed (tessera serve --allow-origin adds an origin)`);
    const cors = origin.kind === 'allowed' ? corsHeaders(origin.origin) : {};
    for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
    if (req.method === 'OPTIONS') {
      if (origin.kind !== 'allowed') return sendError(res, note, 400, 'a preflight needs an Origin');
      note.status = 204;
      res.writeHead(204, preflightHeaders(origin.origin, req)).end();
      return;
    }
    const target = route(req.method ?? '', req.url ?? '');
    if (target.kind === 'error') return sendError(res, note, target.status, target.error, target.headers);
    if (target.kind === 'live') return send(res, note, 200, { live: true });
    if (target.kind === 'ready') return state.stopping ? sendError(res, note, 503, 'the server is stopping') : send(res, note, 200, { ready: true });
    if (!isAuthorized(req, policy)) return sendError(res, note, 401, 'a valid token is required: send "Authorization: Bearer <token>"', { 'www-authenticate': 'Bearer' });
    if (target.kind === 'server') return send(res, note, 200, { name: 'tessera', version: state.version, extensions: [BINARY_TENSOR_DATA_EXTENSION] });
    if (target.kind === 'index') return send(res, note, 200, [...models.values()].map((m): RepositoryModel => ({ name: m.name, version: '1', state: 'READY' })));
    if (target.kind === 'files-index' || target.kind === 'model-file') {
      if (!options.files) return sendError(res, note, 404, 'this server gives out no model files');
      if (target.kind === 'files-index') return handleFilesIndex(res, note, options.files);
      note.model = target.modelId;
      return handleModelFile(req, res, note, options.files, target.modelId, target.fileName);
    }
    note.model = target.model;
    const model = models.get(target.model);
    if (!model || (target.version !== undefined && target.version !== '1')) {
      return sendError(res, note, 404, `unknown model "${target.model.slice(0, 100)}"${target.version === undefined ? '' : ` version ${target.version.slice(0, 20)}`}; this server has ${[...models.keys()].join(', ')}`);
    }
    if (target.kind === 'model-ready') return send(res, note, 200, { name: model.name, ready: true });
    if (target.kind === 'model') {
      return send(res, note, 200, modelMetadataOf(model.name, model.spec, { [EXECUTION_PROVIDER_PARAMETER]: model.runner.backend, [EXECUTION_PROVIDER_REASON_PARAMETER]: model.runner.backendReason }));
    }
    return handleInfer(req, res, note, model, state);
  }

  server.headersTimeout = 30_000;
  server.requestTimeout = 300_000;
  server.maxConnections = 512;
  // Malformed HTTP never reaches the handler: answer it in the protocol's shape and drop the socket.
  server.on('clientError', (e: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && e.code !== 'ECONNRESET') {
      const body = JSON.stringify({ error: `malformed HTTP request (${e.code ?? 'parse error'})` });
      socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    } else {
      socket.destroy();
    }
    log(formatRequestLog({ method: '-', path: '-', status: 400, ms: 0, bytesIn: 0, bytesOut: 0, error: `malformed HTTP: ${e.code ?? e.message}` }));
  });

  await listen(server, options.port, host);
  const port = (server.address() as AddressInfo).port;
  policy = { token, allowedOrigins, loopbackPort: loopback ? port : null };
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      state.stopping = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        const grace = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.shutdownGraceMs ?? 30_000);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        await grace;
      }
      server.closeAllConnections();
      await stopped;
      for (const m of [...models.values()].reverse()) await m.runner.release();
    })();
    return closing;
  };
  return { url: `http://${urlHost}:${port}`, port, close };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'EADDRINUSE' ? `port ${port} is in use: stop what uses it, or choose another with --port` :
        e.code === 'EACCES' ? `port ${port} needs more privileges: use a port above 1024` :
        e.code === 'EADDRNOTAVAIL' ? `${host} is not an address of this machine` :
        e.message;
      reject(new TesseraError('io', `Cannot serve on ${host}:${port}: ${why}.`, { cause: e, details: { host, port, code: e.code ?? null } }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
