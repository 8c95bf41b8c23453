import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import { downloadFile, type DownloadOptions, type DownloadRequest } from '../../../src/runtime/download/download-file.js';
import type { DownloadProgress } from '../../../src/runtime/download/download-progress.js';
import { MemorySink } from '../../../src/runtime/download/memory-sink.js';
import { sha256Hex } from '../../../src/runtime/download/sha256.js';
import { sameBytes, startFileServer, testBytes, type FileServer, type ServedFile } from './file-server.js';

const FILE = testBytes(1_000_003, 7);
const SHA = sha256Hex(FILE);
const FAST: DownloadOptions = { retryDelayMs: 1 };

let server: FileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(file: Partial<ServedFile> = {}, extra: Record<string, ServedFile> = {}): Promise<FileServer> {
  server = await startFileServer({ '/model.bin': { bytes: FILE, ...file }, ...extra });
  return server;
}

function request(overrides: Partial<DownloadRequest> = {}): DownloadRequest {
  return { url: server!.url('/model.bin'), fileName: 'model.bin', bytes: FILE.length, sha256: SHA, ...overrides };
}

async function failure(p: Promise<unknown>): Promise<TesseraError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(TesseraError);
  return e as TesseraError;
}

describe('downloadFile', () => {
  it('downloads a file and checks it against the manifest sha256', async () => {
    await serve();
    const sink = new MemorySink();
    const result = await downloadFile(request(), sink, FAST);
    expect(result).toEqual({ bytes: FILE.length, sha256: SHA, checkedBy: 'sha256', resumedFromBytes: 0, requests: 1 });
    expect(sameBytes(sink.bytes(), FILE)).toBe(true);
    expect(server!.requests[0].range).toBeNull();
  });

  it('reports progress that only grows, throttled, ending at exactly 100 %', async () => {
    await serve();
    const events: DownloadProgress[] = [];
    await downloadFile(request(), new MemorySink(), { ...FAST, onProgress: (p) => events.push(p) });
    expect(events.length).toBeGreaterThan(2);
    expect(events.length).toBeLessThanOrEqual(110); // ~1 % steps for 62 network chunks of 16 KiB
    for (let i = 1; i < events.length; i++) expect(events[i].receivedBytes).toBeGreaterThanOrEqual(events[i - 1].receivedBytes);
    for (const e of events) expect(e).toMatchObject({ fileName: 'model.bin', totalBytes: FILE.length });
    expect(events[0].receivedBytes).toBe(0);
    expect(events.at(-1)).toMatchObject({ receivedBytes: FILE.length, totalBytes: FILE.length, secondsLeft: 0 });
    expect(events.filter((e) => e.receivedBytes === FILE.length)).toHaveLength(1);
  });

  it('resumes with Range and If-Range after the server drops the connection mid-body', async () => {
    await serve({ etag: '"v1"', cut: { afterBytes: 300_000 } });
    const sink = new MemorySink();
    const events: DownloadProgress[] = [];
    const result = await downloadFile(request(), sink, { ...FAST, onProgress: (p) => events.push(p) });
    expect(result).toMatchObject({ bytes: FILE.length, sha256: SHA, checkedBy: 'sha256', requests: 2 });
    expect(sameBytes(sink.bytes(), FILE)).toBe(true);
    const resumed = server!.requests[1];
    expect(resumed.range).toMatch(/^bytes=\d+-$/);
    expect(Number(resumed.range!.slice(6, -1))).toBeGreaterThanOrEqual(300_000 - 64 * 1024); // what arrived before the cut
    expect(resumed.ifRange).toBe('"v1"');
    for (let i = 1; i < events.length; i++) expect(events[i].receivedBytes).toBeGreaterThanOrEqual(events[i - 1].receivedBytes);
  });

  it('survives several cuts in a row, each one making progress', async () => {
    await serve({ cut: { afterBytes: 200_000, times: 4 } });
    const sink = new MemorySink();
    const result = await downloadFile(request(), sink, { ...FAST, retries: 1 });
    expect(result.requests).toBe(5);
    expect(sameBytes(sink.bytes(), FILE)).toBe(true);
  });

  it('resumes what an earlier run kept, feeding the kept bytes to the hash', async () => {
    await serve({ etag: '"v1"' });
    const sink = new MemorySink({ bytes: FILE.subarray(0, 400_000), resumeInfo: { url: request().url, validator: '"v1"' } });
    const result = await downloadFile(request(), sink, FAST);
    expect(result).toMatchObject({ resumedFromBytes: 400_000, requests: 1, sha256: SHA });
    expect(server!.requests[0]).toMatchObject({ range: 'bytes=400000-', ifRange: '"v1"' });
    expect(sameBytes(sink.bytes(), FILE)).toBe(true);
  });

  it('starts over when the kept bytes came from another URL', async () => {
    await serve();
    const sink = new MemorySink({ bytes: testBytes(400_000, 3), resumeInfo: { url: 'https://example.org/old.bin', validator: null } });
    const result = await downloadFile(request(), sink, FAST);
    expect(result.resumedFromBytes).toBe(0);
    expect(server!.requests[0].range).toBeNull();
    expect(sameBytes(sink.bytes(), FILE)).toBe(true);
  });

  it('restarts cleanly from byte 0 when the server ignores Range (200 instead of 206)', async () => {
    await serve({ ranges: false, cut: { afterBytes: 300_000 } });
    const sink = new MemorySink();
    const result = await downloadFile(request(), sink, FAST);
    expect(server!.requests[1].range).toMatch(/^bytes=/);
    expect(result).toMatchObject({ bytes: FILE.length, sha256: SHA, requests: 2 });
    expect(sameBytes(sink.bytes(), FILE)).toBe(true);
  });

  it('takes the whole file again when If-Range no longer matches (the file changed)', async () => {
    await serve({ etag: '"v2"' });
    const sink = new MemorySink({ bytes: testBytes(400_000, 5), resumeInfo: { url: request().url, validator: '"v1"' } });
    const result = await downloadFile(request(), sink, FAST);
    expect(server!.requests[0]).toMatchObject({ range: 'bytes=400000-', ifRange: '"v1"' });
    expect(result.sha256).toBe(SHA);
    expect(sameBytes(sink.bytes(), FILE)).toBe(true);
  });

  it('asks only for the last byte when a kept file is already complete', async () => {
    await serve();
    const sink = new MemorySink({ bytes: FILE, resumeInfo: { url: request().url, validator: null } });
    const result = await downloadFile(request(), sink, FAST);
    expect(server!.requests[0].range).toBe(`bytes=${FILE.length - 1}-`);
    expect(result).toMatchObject({ sha256: SHA, resumedFromBytes: FILE.length - 1 });
  });

  it('starts over once when the server answers 416 to a kept prefix it does not have', async () => {
    await serve();
    const sink = new MemorySink({ bytes: testBytes(FILE.length + 10, 2), resumeInfo: { url: request().url, validator: null } });
    const result = await downloadFile(request({ bytes: null }), sink, FAST);
    expect(server!.requests.map((r) => r.range)).toEqual([`bytes=${FILE.length + 10}-`, null]);
    expect(result).toMatchObject({ sha256: SHA, bytes: FILE.length });
  });

  it('cancels mid-download: the bytes so far stay in the sink for the next attempt', async () => {
    await serve({ stallAfter: 500_000 });
    const sink = new MemorySink();
    const controller = new AbortController();
    const onProgress = (p: DownloadProgress) => {
      if (p.receivedBytes >= 400_000) controller.abort();
    };
    const e = await failure(downloadFile(request(), sink, { ...FAST, signal: controller.signal, onProgress }));
    expect(e.code).toBe('cancelled');
    expect(e.userMessage).toMatch(/model\.bin.*kept/);
    expect(await sink.size()).toBeGreaterThanOrEqual(400_000);
    expect(sameBytes(sink.bytes(), FILE.subarray(0, sink.bytes().length))).toBe(true);
  });

  it('a signal aborted before the start downloads nothing', async () => {
    await serve();
    const e = await failure(downloadFile(request(), new MemorySink(), { signal: AbortSignal.abort() }));
    expect(e.code).toBe('cancelled');
    expect(server!.requests).toHaveLength(0);
  });

  it('rejects corrupt bytes with checksum-mismatch (expected vs actual) and empties the sink', async () => {
    const corrupt = FILE.slice();
    corrupt[123_456] ^= 0xff;
    await serve({ bytes: corrupt });
    const sink = new MemorySink();
    const e = await failure(downloadFile(request(), sink, FAST));
    expect(e.code).toBe('checksum-mismatch');
    expect(e.details).toMatchObject({ expected: SHA, actual: sha256Hex(corrupt), source: 'the manifest' });
    expect(e.userMessage).toMatch(/model\.bin did not download correctly.*deleted/);
    expect(await sink.size()).toBe(0);
  });

  it('fails before the body when the server has another size than the manifest', async () => {
    await serve();
    const sink = new MemorySink();
    const e = await failure(downloadFile(request({ bytes: FILE.length + 1 }), sink, FAST));
    expect(e.code).toBe('checksum-mismatch');
    expect(e.details).toMatchObject({ expected: FILE.length + 1, actual: FILE.length });
    expect(await sink.size()).toBe(0);
  });

  it('reports 404 as a network error with the URL and status, without retrying', async () => {
    await serve();
    const e = await failure(downloadFile(request({ url: server!.url('/missing.bin') }), new MemorySink(), FAST));
    expect(e.code).toBe('network');
    expect(e.details).toMatchObject({ status: 404, url: server!.url('/missing.bin') });
    expect(e.userMessage).toContain(server!.url('/missing.bin'));
    expect(e.userMessage).toMatch(/404 Not Found/);
    expect(server!.requests).toHaveLength(1);
  });

  it('retries a 503 with back-off and then succeeds', async () => {
    await serve({ fail: { status: 503, times: 2 } });
    const result = await downloadFile(request(), new MemorySink(), FAST);
    expect(result.requests).toBe(3);
  });

  it('gives up after a bounded number of retries when the connection is refused', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/model.bin`;
    const e = await failure(downloadFile({ url, fileName: 'model.bin', bytes: 10, sha256: null }, new MemorySink(), { retries: 2, retryDelayMs: 1 }));
    expect(e.code).toBe('network');
    expect(e.userMessage).toMatch(/ECONNREFUSED/);
    expect(e.userMessage).toContain(url);
    expect(e.details).toMatchObject({ attempts: 3 });
  });

  describe('without a sha256 in the manifest', () => {
    it('checks the sha256 the server publishes as a strong ETag', async () => {
      await serve({ etag: `"${SHA}"` });
      const result = await downloadFile(request({ sha256: null }), new MemorySink(), FAST);
      expect(result.checkedBy).toBe('server-sha256');
    });

    it("reads Hugging Face's X-Linked-ETag from the redirect to the CDN", async () => {
      await serve({}, { '/resolve/model.bin': { bytes: FILE, redirectTo: { path: '/model.bin', headers: { 'x-linked-etag': `"${SHA}"`, 'x-linked-size': String(FILE.length) } } } });
      const result = await downloadFile(request({ url: server!.url('/resolve/model.bin'), sha256: null, bytes: null }), new MemorySink(), FAST);
      expect(result).toMatchObject({ checkedBy: 'server-sha256', sha256: SHA });
      expect(server!.requests.map((r) => r.path)).toEqual(['/resolve/model.bin', '/model.bin']);
    });

    it("fails when the bytes do not match the server's sha256", async () => {
      const wrong = sha256Hex(testBytes(10));
      await serve({ headers: { 'repr-digest': `sha-256=:${Buffer.from(wrong, 'hex').toString('base64')}:` } });
      const sink = new MemorySink();
      const e = await failure(downloadFile(request({ sha256: null }), sink, FAST));
      expect(e.code).toBe('checksum-mismatch');
      expect(e.details).toMatchObject({ expected: wrong, actual: SHA, source: 'the server' });
      expect(await sink.size()).toBe(0);
    });

    it('falls back to the size: the manifest bytes, or the Content-Length when the manifest has none', async () => {
      await serve({ etag: '"1234"' });
      expect((await downloadFile(request({ sha256: null }), new MemorySink(), FAST)).checkedBy).toBe('size');
      expect((await downloadFile(request({ sha256: null, bytes: null }), new MemorySink(), FAST))).toMatchObject({ checkedBy: 'size', bytes: FILE.length });
    });

    it('resumes a cut download and still checks the whole file against the Content-Range total', async () => {
      await serve({ cut: { afterBytes: 100_000 } });
      const sink = new MemorySink();
      const result = await downloadFile(request({ sha256: null, bytes: null }), sink, FAST);
      expect(result).toMatchObject({ checkedBy: 'size', bytes: FILE.length, requests: 2 });
      expect(sameBytes(sink.bytes(), FILE)).toBe(true);
    });
  });
});

/** A loopback port with nothing listening on it. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
