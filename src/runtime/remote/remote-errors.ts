import { TesseraError } from '../../core/errors.js';
import { readErrorBody } from './model-metadata.js';
import type { WireFormatError } from './wire-body.js';

/**
 * The errors of talking to an inference server, each naming the server and, where there is one,
 * the model, and saying what to do. `details.reason` tells them apart for code (never the text).
 */

const onModel = (model: string | undefined) => (model === undefined ? '' : ` (model "${model}")`);

type ConnectionReason = 'refused' | 'lost' | 'unresolved' | 'unreachable';

/** A fetch that failed before a whole answer came back. */
export function connectionFailure(server: string, e: unknown, model?: string): TesseraError {
  const reason = connectionReason(e);
  const text = {
    refused: `nothing answers at ${server} (connection refused). Start the server ("tessera serve"), or check the address and port`,
    lost:
      model === undefined
        ? `the connection to ${server} was lost. Check that the server is still running, then try again`
        : `the connection to ${server} was lost while model "${model}" was running (did the server stop?). Check the server, then try again`,
    unresolved: `the host of ${server} cannot be found. Check the address`,
    unreachable: `${server} cannot be reached (${errorText(e)}). Check the address and that the server is running`,
  }[reason];
  return new TesseraError('network', `Cannot use the inference server${onModel(model)}: ${text}.`, {
    cause: e,
    details: { server, model: model ?? null, reason },
  });
}

function connectionReason(e: unknown): ConnectionReason {
  const codes = errorCodes(e);
  if (codes.includes('ECONNREFUSED')) return 'refused';
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) return 'unresolved';
  if (codes.some((c) => ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED'].includes(c))) return 'lost';
  return 'unreachable';
}

/** Error codes on the error, its cause, and an AggregateError's members (localhost tried as ::1 and 127.0.0.1). */
function errorCodes(e: unknown, depth = 0): string[] {
  if (typeof e !== 'object' || e === null || depth > 3) return [];
  const codes: string[] = [];
  const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.push(code);
  codes.push(...errorCodes(cause, depth + 1));
  if (Array.isArray(errors)) for (const member of errors) codes.push(...errorCodes(member, depth + 1));
  return codes;
}

export function timeoutError(server: string, timeoutMs: number, model?: string): TesseraError {
  const seconds = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 100) / 10} s` : `${timeoutMs} ms`;
  return new TesseraError(
    'network',
    `The inference server at ${server} did not answer within ${seconds}${model === undefined ? '' : ` while running model "${model}"`}. ` +
      'It may be busy or stuck: try again later, or allow a longer timeout.',
    { details: { server, model: model ?? null, reason: 'timeout', timeoutMs } },
  );
}

/** An answer with an error status, with the server's own `{"error": …}` text where it sent one. */
export function httpStatusError(server: string, r: { status: number; body: Uint8Array }, model?: string): TesseraError {
  const said = readErrorBody(r.body);
  const saying = said === null ? '' : ` It says: ${said.length > 300 ? `${said.slice(0, 297)}…` : said}`;
  const details = { server, model: model ?? null, status: r.status, serverError: said };
  if (r.status === 401 || r.status === 403) {
    return new TesseraError('network', `The inference server at ${server} refused the request (${r.status}: wrong or missing token). Give it the server's token (--token, or the token field in the panel's Compute settings).${saying}`, {
      details: { ...details, reason: 'unauthorized' },
    });
  }
  if (r.status === 404 && model !== undefined) {
    return new TesseraError('model-missing', `The inference server at ${server} has no model "${model}". Serve it ("tessera serve --models …") or deploy it (docs/triton.md).${saying}`, {
      details: { ...details, reason: 'unknown-model' },
    });
  }
  if (r.status === 413) {
    return new TesseraError('invalid-input', `The request${onModel(model)} is larger than the inference server at ${server} accepts. Use a smaller image, or raise the server's limit (tessera serve --max-request-mb).${saying}`, {
      details: { ...details, reason: 'too-large' },
    });
  }
  if (r.status === 503) {
    return new TesseraError('network', `The inference server at ${server} is busy or stopping and did not take the request${onModel(model)}. Try again in a moment.${saying}`, {
      details: { ...details, reason: 'unavailable' },
    });
  }
  if (r.status >= 400 && r.status < 500) {
    // Our feeds were checked against the spec before sending: the server's model disagrees with it.
    return new TesseraError('model-mismatch', `The inference server at ${server} refused the request${onModel(model)} (${r.status}).${saying || ' It gave no reason.'}`, {
      details: { ...details, reason: 'refused' },
    });
  }
  return new TesseraError('internal', `The inference server at ${server} failed${onModel(model)} (${r.status}).${saying || ' It gave no reason.'} Check the server's log.`, {
    details: { ...details, reason: 'server-error' },
  });
}

export function unreadableResponse(server: string, what: string, e: WireFormatError, model?: string): TesseraError {
  return new TesseraError('network', `The inference server at ${server} sent a ${what}${onModel(model)} that Tessera cannot read: ${e.message}. Is it an Open Inference Protocol (KServe v2) server?`, {
    cause: e,
    details: { server, model: model ?? null, reason: 'bad-response' },
  });
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message;
  return String(e);
}
