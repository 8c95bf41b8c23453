import { MODEL_FILES_PATHS } from '../runtime/remote/model-files-protocol.js';

/** What a request asks for, from its method and path; or the error status to answer. */
export type Route =
  | { readonly kind: 'live' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'server' }
  | { readonly kind: 'index' }
  | { readonly kind: 'model' | 'model-ready' | 'infer'; readonly model: string; readonly version?: string }
  | { readonly kind: 'files-index' }
  | { readonly kind: 'model-file'; readonly modelId: string; readonly fileName: string }
  | { readonly kind: 'error'; readonly status: number; readonly error: string; readonly headers?: Record<string, string> };

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(ready|infer))?\/?$/;
/** Tessera's model files (model-files-protocol.ts): a file name may have folders, `tokenizer/vocab.json`. */
const MODEL_FILE_PATH = /^\/tessera\/v1\/models\/([^/]+)\/files\/(.+)$/;

/** The Open Inference Protocol's REST paths, plus Triton's repository index and Tessera's model files. */
export function route(method: string, url: string): Route {
  let path: string;
  try {
    path = new URL(url, 'http://server').pathname;
  } catch {
    return { kind: 'error', status: 400, error: 'the request path is not a URL path' };
  }
  const fixed: Record<string, { kind: 'live' | 'ready' | 'server' | 'index'; method: string }> = {
    '/v2/health/live': { kind: 'live', method: 'GET' },
    '/v2/health/ready': { kind: 'ready', method: 'GET' },
    '/v2': { kind: 'server', method: 'GET' },
    '/v2/': { kind: 'server', method: 'GET' },
    '/v2/repository/index': { kind: 'index', method: 'POST' },
  };
  const known = Object.hasOwn(fixed, path) ? fixed[path] : undefined;
  if (known) return allowed(method, known.method) ?? ({ kind: known.kind } as Route);
  if (path === MODEL_FILES_PATHS.index) return allowed(method, 'GET') ?? { kind: 'files-index' };
  const file = path.match(MODEL_FILE_PATH);
  if (file) {
    // Only compared with manifest names, never joined into a path; the URL parser has already
    // resolved dot segments (plain and %2e-encoded), so `..` cannot climb out of the route.
    const modelId = decodeSegment(file[1]);
    const fileName = file[2].split('/').map(decodeSegment);
    if (modelId === null || fileName.includes(null)) return { kind: 'error', status: 400, error: 'the file path is not valid percent-encoding' };
    return allowed(method, 'GET') ?? { kind: 'model-file', modelId, fileName: fileName.join('/') };
  }
  const match = path.match(MODEL_PATH);
  if (!match) return { kind: 'error', status: 404, error: `no such endpoint: ${path.slice(0, 100)} (see /v2 and /v2/models/{name})` };
  let model: string;
  let version: string | undefined;
  try {
    model = decodeURIComponent(match[1]);
    version = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  } catch {
    return { kind: 'error', status: 400, error: 'the model name in the path is not valid percent-encoding' };
  }
  const kind = match[3] === 'infer' ? 'infer' : match[3] === 'ready' ? 'model-ready' : 'model';
  return allowed(method, kind === 'infer' ? 'POST' : 'GET') ?? { kind, model, ...(version === undefined ? {} : { version }) };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null; // malformed %-escape: the caller answers 400
  }
}

function allowed(method: string, expected: string): Route | null {
  if (method === expected || (method === 'HEAD' && expected === 'GET')) return null;
  return { kind: 'error', status: 405, error: `${method.slice(0, 10)} is not allowed here; use ${expected}`, headers: { allow: `${expected}, OPTIONS` } };
}
