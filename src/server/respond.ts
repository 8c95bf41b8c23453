import type { ServerResponse } from 'node:http';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '../runtime/remote/inference-protocol.js';
import type { EncodedBody } from '../runtime/remote/wire-body.js';

/** What the request log records of an answer; never tensor contents, only sizes. */
export interface ResponseNote {
  status: number;
  bytesOut: number;
  error?: string;
}

/** Sends a JSON value, or an encoded inference body (with Inference-Header-Content-Length when it carries binary data). */
export function send(res: ServerResponse, note: ResponseNote, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const encoded = isEncodedBody(body) ? body : { bytes: new TextEncoder().encode(JSON.stringify(body)), headerLength: null, contentType: 'application/json' };
  note.status = status;
  note.bytesOut = encoded.bytes.length;
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...headers,
    'content-type': encoded.contentType,
    'content-length': String(encoded.bytes.length),
    ...(encoded.headerLength === null ? {} : { [INFERENCE_HEADER_CONTENT_LENGTH.toLowerCase()]: String(encoded.headerLength) }),
  });
  res.end(encoded.bytes);
}

/** `{"error": "…"}` with the status, as every failed request is answered; the text goes to the log too. */
export function sendError(res: ServerResponse, note: ResponseNote, status: number, error: string, headers: Record<string, string> = {}): void {
  note.error = error;
  send(res, note, status, { error }, headers);
}

function isEncodedBody(v: unknown): v is EncodedBody {
  return typeof v === 'object' && v !== null && (v as EncodedBody).bytes instanceof Uint8Array && typeof (v as EncodedBody).contentType === 'string';
}
