import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves one folder on loopback: the standalone editor for `npm start` and the browser tests.
 * Only files under `root` are reachable; anything else is a 404.
 */
export async function startStaticServer(root: string, port: number, host = '127.0.0.1'): Promise<StaticServer> {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.resolve(base, '.' + (urlPath.endsWith('/') ? urlPath + 'index.html' : urlPath));
    if (!file.startsWith(base + path.sep)) {
      res.writeHead(404).end('Not found');
      return;
    }
    fs.stat(file).then(
      (stat) => {
        if (!stat.isFile()) throw new Error('not a file');
        res.writeHead(200, {
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'content-length': stat.size,
          'cache-control': 'no-cache',
        });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end('Not found'),
    ).catch(() => res.writeHead(404).end('Not found'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
