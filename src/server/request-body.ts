import type { IncomingMessage } from 'node:http';

/** A body longer than the server takes: answered 413 before more of it is read. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number, readonly declared: number | null) {
    super(declared === null ? `the body is larger than ${limit} bytes` : `the body is ${declared} bytes, more than ${limit}`);
  }
}

/**
 * Reads a request body into one buffer, refusing more than `limit` bytes: a declared
 * Content-Length over it fails before any byte is read, a body that runs past it fails as soon
 * as it does. Rejects if the client goes away first.
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
  if (declared !== null && declared > limit) return Promise.reject(new BodyTooLargeError(limit, declared));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        cleanup();
        req.pause();
        reject(new BodyTooLargeError(limit, null));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const body = Buffer.concat(chunks, length);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.length));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the client closed the connection before sending the whole body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
