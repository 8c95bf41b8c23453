import { TesseraError } from '../../core/errors.js';

/**
 * Photopea's Live Messaging protocol, typed and made safe (photopea.com/api/live; quirks in
 * shared/reference/hosts.md §1.1). Photopea runs each posted string as a script and answers with
 * any ArrayBuffers (`saveToOE`) and strings (`echoToOE`) the script sends, then a bare "done". The
 * protocol has no request ids and no error channel, "done" also comes unasked (at start-up, after
 * third-party `MSFAPI#…#ping` noise), so this client:
 * - keeps one script in flight (a FIFO queue), each with a timeout and an AbortSignal;
 * - wraps every script in an ES5 try/catch that ends with a sentinel, `TESSERA#<id>#ok` or
 *   `TESSERA#<id>#error#<message>`, sent with `echoToOE`: the id tells our replies from stale ones,
 *   the error form is Photopea's missing error channel;
 * - finishes a request at the first "done" after its own sentinel, so any "done" before that
 *   (early, stray, left over from a timed-out or cancelled script) is ignored;
 * - drops what arrived before another request's sentinel: it belonged to that older script, since
 *   Photopea answers messages in order.
 */

/** Where scripts go: Photopea's window (`window.parent` in the plugin iframe). */
export interface PhotopeaWindow {
  postMessage(message: string, targetOrigin: string): void;
}

/** A received message; `source` must be the Photopea window for it to count. */
export interface PhotopeaMessage {
  readonly data: unknown;
  readonly source: unknown;
}

/** Where Photopea's answers arrive: the plugin's own `window`. */
export interface MessageInbox {
  addEventListener(type: 'message', listener: (event: PhotopeaMessage) => void): void;
  removeEventListener(type: 'message', listener: (event: PhotopeaMessage) => void): void;
}

export interface PhotopeaClientOptions {
  readonly parent: PhotopeaWindow;
  readonly inbox: MessageInbox;
  /** Per request, unless the request says otherwise; 15 s by default. */
  readonly timeoutMs?: number;
  /** `postMessage` target origin; "*" as Photopea's docs use, since the plugin may be served anywhere. */
  readonly targetOrigin?: string;
}

/** What a script sends back besides the sentinel: nothing, strings (`echoToOE`) or files (`saveToOE`). */
export interface ScriptResults {
  none: void;
  string: string[];
  arraybuffer: ArrayBuffer[];
}
export type ExpectedResult = keyof ScriptResults;

export interface ScriptOptions<E extends ExpectedResult> {
  readonly expect: E;
  /** What the script does, for messages: "export the layer" → "Photopea could not export the layer: …". */
  readonly step: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
const SENTINEL = 'TESSERA#';
const NOISE = 'MSFAPI#';

interface Request {
  readonly id: number;
  readonly options: ScriptOptions<ExpectedResult>;
  /** What arrived since the script was sent (noise and sentinels excluded). */
  results: (string | ArrayBuffer)[];
  /** Set by our sentinel: `error` null = the script ran to the end, else Photopea's message. */
  outcome?: { readonly error: string | null };
  /** Posts the script and starts the timeout. */
  start(): void;
  /** Resolves or rejects the caller's promise, once; later calls do nothing. */
  settle(error: TesseraError | null, results?: readonly (string | ArrayBuffer)[]): void;
}

export class PhotopeaClient {
  private readonly queue: Request[] = [];
  private current: Request | null = null;
  private nextId = 1;
  private readonly listener = (event: PhotopeaMessage) => this.receive(event);

  constructor(private readonly options: PhotopeaClientOptions) {
    options.inbox.addEventListener('message', this.listener);
  }

  /** Runs `script` (ES5) in Photopea and resolves with what it sent back; see the class comment. */
  runScript<E extends ExpectedResult>(script: string, options: ScriptOptions<E>): Promise<ScriptResults[E]> {
    return new Promise<ScriptResults[E]>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(cancelled(signal.reason));
        return;
      }
      const id = this.nextId++;
      const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      // A cancelled request leaves the queue at once; one in flight is let go, and whatever it
      // still sends is told apart by its id.
      const onAbort = () => this.drop(request, cancelled(signal?.reason));
      const request: Request = {
        id,
        options,
        results: [],
        start: () => {
          timer = setTimeout(() => this.drop(request, timedOut(options.step, timeoutMs)), timeoutMs);
          this.options.parent.postMessage(wrapScript(id, script), this.options.targetOrigin ?? '*');
        },
        settle: (error, results = []) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else {
            try {
              resolve(pickResults(options, results));
            } catch (e) {
              reject(e);
            }
          }
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(request);
      if (!this.current) this.next();
    });
  }

  /** Stops listening; requests still queued or in flight fail as cancelled. */
  dispose(): void {
    this.options.inbox.removeEventListener('message', this.listener);
    for (const request of [...this.queue.splice(0), ...(this.current ? [this.current] : [])]) request.settle(cancelled(undefined));
    this.current = null;
  }

  private next(): void {
    const request = this.queue.shift() ?? null;
    this.current = request;
    request?.start();
  }

  /** Fails a request that is queued or in flight; the queue moves on. */
  private drop(request: Request, error: TesseraError): void {
    const queued = this.queue.indexOf(request);
    if (queued >= 0) this.queue.splice(queued, 1);
    request.settle(error);
    if (this.current === request) this.next();
  }

  private receive(event: PhotopeaMessage): void {
    if (event.source !== this.options.parent) return;
    const { data } = event;
    const request = this.current;
    if (typeof data === 'string') {
      if (data.includes(NOISE)) return;
      if (data === 'done') {
        if (request?.outcome) this.finish(request);
        return;
      }
      if (data.startsWith(SENTINEL)) {
        const [, id, status, ...message] = data.split('#');
        if (!request) return;
        if (Number(id) !== request.id) request.results = []; // an older script's answer ends here
        else request.outcome = { error: status === 'ok' ? null : message.join('#') };
        return;
      }
    } else if (!isArrayBuffer(data)) {
      return;
    }
    request?.results.push(data);
  }

  private finish(request: Request): void {
    const { outcome, options } = request;
    const error = outcome?.error ?? null;
    request.settle(
      error === null
        ? null
        : new TesseraError('host-failed', `Photopea could not ${options.step}: ${error || 'the script failed'}. Try again; if it keeps failing, save your work and reload Photopea.`, {
            message: `Photopea script failed (${options.step}): ${error}`,
            details: { step: options.step, photopeaMessage: error },
          }),
      request.results,
    );
    this.next();
  }
}

/**
 * The script inside a function (so it may `return` early) inside try/catch, ending with our
 * sentinel either way. ES5, like everything Photopea runs.
 */
export function wrapScript(id: number, script: string): string {
  const ok = JSON.stringify(`${SENTINEL}${id}#ok`);
  const failed = JSON.stringify(`${SENTINEL}${id}#error#`);
  return `try{(function(){\n${script}\n})();app.echoToOE(${ok});}catch(e){app.echoToOE(${failed}+String(e&&e.message?e.message:e));}`;
}

function timedOut(step: string, timeoutMs: number): TesseraError {
  return new TesseraError(
    'host-failed',
    `Photopea did not answer while trying to ${step} (waited ${Math.round(timeoutMs / 1000)} s). Wait until Photopea is idle, then try again; if it keeps happening, reload the page.`,
    { details: { step, timeoutMs } },
  );
}

function pickResults<E extends ExpectedResult>(options: ScriptOptions<E>, results: ReadonlyArray<string | ArrayBuffer>): ScriptResults[E] {
  if (options.expect === 'none') return undefined as ScriptResults[E];
  const picked = options.expect === 'string' ? results.filter((r) => typeof r === 'string') : results.filter(isArrayBuffer);
  if (picked.length === 0) {
    throw new TesseraError('host-failed', `Photopea sent nothing back while trying to ${options.step}. Try again; if it keeps happening, reload Photopea.`, {
      details: { step: options.step, expected: options.expect, received: results.length },
    });
  }
  return picked as ScriptResults[E];
}

/** Also true for an ArrayBuffer made in another realm (the Photopea window). */
function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

function cancelled(reason: unknown): TesseraError {
  return new TesseraError('cancelled', 'Cancelled.', { cause: reason });
}
