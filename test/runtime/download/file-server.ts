import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the loopback test server serves one path. */
export interface ServedFile {
  bytes: Uint8Array;
  /** ETag header to send (quoted), or none. */
  etag?: string;
  headers?: Record<string, string>;
  /** Honour `Range` (default true); false always answers 200 with the whole file. */
  ranges?: boolean;
  /** For the first `times` (default 1) GETs, send `afterBytes` of the body, then destroy the socket. */
  cut?: { afterBytes: number; times?: number };
  /** Send this many bytes of the body, then never finish (until the client goes away). */
  stallAfter?: number;
  /** Answer with this status and no body, the first `times` (default: always) GETs. */
  fail?: { status: number; times?: number };
  /** Redirect (302) to another served path, with these extra headers on the redirect. */
  redirectTo?: { path: string; headers?: Record<string, string> };
}

export interface RecordedRequest {
  readonly path: string;
  readonly range: string | null;
  readonly ifRange: string | null;
}

export interface FileServer {
  readonly files: Record<string, ServedFile>;
  readonly requests: RecordedRequest[];
  url(path: string): string;
  close(): Promise<void>;
}

const CHUNK = 16 * 1024;

/**
 * A real HTTP server on 127.0.0.1 (never another interface) with the failure modes a download
 * must survive: dropped connections, no Range support, stalls, error statuses, redirects.
 */
export async function startFileServer(files: Record<string, ServedFile>): Promise<FileServer> {
  const requests: RecordedRequest[] = [];
  const served = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ path, range: header(req, 'range'), ifRange: header(req, 'if-range') });
    const file = files[path];
    if (!file) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    const n = (served.get(path) ?? 0) + 1;
    served.set(path, n);
    if (file.fail && n <= (file.fail.times ?? Infinity)) {
      res.writeHead(file.fail.status).end();
      return;
    }
    if (file.redirectTo) {
      res.writeHead(302, { location: file.redirectTo.path, ...file.redirectTo.headers }).end();
      return;
    }
    serveBytes(req, res, file, n);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    files,
    requests,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveBytes(req: IncomingMessage, res: ServerResponse, file: ServedFile, n: number): void {
  const size = file.bytes.length;
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...file.headers };
  if (file.etag) headers.etag = file.etag;
  let start = 0;
  const range = header(req, 'range')?.match(/^bytes=(\d+)-$/);
  const ifRange = header(req, 'if-range');
  const rangeApplies = range && (file.ranges ?? true) && (ifRange === null || ifRange === file.etag);
  if (rangeApplies) {
    start = Number(range[1]);
    if (start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${size - 1}/${size}`, 'content-length': String(size - start), 'accept-ranges': 'bytes' });
  } else {
    res.writeHead(200, { ...headers, 'content-length': String(size), ...((file.ranges ?? true) ? { 'accept-ranges': 'bytes' } : {}) });
  }
  const cut = file.cut && n <= (file.cut.times ?? 1) ? file.cut.afterBytes : null;
  const stopAt = Math.min(size, cut !== null ? start + cut : file.stallAfter !== undefined ? start + file.stallAfter : size);
  let offset = start;
  const pump = () => {
    while (offset < stopAt) {
      const end = Math.min(stopAt, offset + CHUNK);
      const more = res.write(file.bytes.subarray(offset, end));
      offset = end;
      if (!more) {
        res.once('drain', pump);
        return;
      }
    }
    if (stopAt === size) res.end();
    else if (cut !== null) res.write(new Uint8Array(0), () => res.socket?.destroy());
    // else: stall until the client disconnects
  };
  pump();
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

/** Deterministic bytes (a 32-bit LCG), so failures reproduce. */
export function testBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Byte equality without vitest's element-by-element diff, which takes seconds on a megabyte. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}
