import { TesseraError } from '../../core/errors.js';
import { ProgressMeter, type DownloadProgress } from './download-progress.js';
import type { DownloadSink, ResumeInfo } from './download-sink.js';
import { fetchFollowingRedirects, type Fetch } from './fetch-following-redirects.js';
import { integerHeader, isEncoded, parseContentRange, rangeValidator, sha256FromHeaders } from './response-headers.js';
import { Sha256, type IncrementalHash } from './sha256.js';
import { abortableSleep } from '../abortable-sleep.js';

/** One file to fetch and what it must turn out to be. */
export interface DownloadRequest {
  readonly url: string;
  /** Shown in progress and messages: `unet.onnx`, `tokenizer/vocab.json`. */
  readonly fileName: string;
  /** The expected size, or null when unknown (the server's Content-Length is checked instead). */
  readonly bytes: number | null;
  /** The expected sha256 (lowercase hex), or null: then the server's published sha256 is used. */
  readonly sha256: string | null;
}

export interface DownloadOptions {
  /** Injected so browsers, Node and tests share this code; defaults to the global `fetch`. */
  readonly fetch?: Fetch;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: DownloadProgress) => void;
  /** Failed attempts in a row (no byte received in between) before giving up. Default 4. */
  readonly retries?: number;
  /** First back-off; doubles per failure in a row, capped at 8 s. Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Defaults to the pure-TS `Sha256`; Node may pass node:crypto's faster one. */
  readonly createHash?: () => IncrementalHash;
  readonly now?: () => number;
}

/** How the bytes were checked: the manifest's sha256, the server's published sha256, or the size alone. */
export type IntegrityCheck = 'sha256' | 'server-sha256' | 'size';

export interface DownloadResult {
  readonly bytes: number;
  readonly sha256: string;
  readonly checkedBy: IntegrityCheck;
  /** Bytes kept from an earlier attempt and not fetched again. */
  readonly resumedFromBytes: number;
  /** HTTP requests made, including retries and restarts. */
  readonly requests: number;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_RETRY_DELAY_MS = 8000;

/** A transient failure worth retrying: the connection dropped, the server had a hiccup. */
class RetryableFailure extends Error {}

/**
 * Downloads `request.url` into `sink`, resuming from whatever the sink already holds (HTTP Range
 * with If-Range), retrying dropped connections with back-off, hashing as the bytes arrive, and
 * checking the result before returning. The sink then holds exactly the verified file; on a
 * mismatch it is emptied and `checksum-mismatch` is thrown. Cancelling leaves the bytes so far in
 * the sink for the next attempt.
 */
export async function downloadFile(request: DownloadRequest, sink: DownloadSink, options: DownloadOptions = {}): Promise<DownloadResult> {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const signal = options.signal;
  const retries = options.retries ?? 4;
  const baseDelay = options.retryDelayMs ?? 500;
  const createHash = options.createHash ?? (() => new Sha256());
  const meter = new ProgressMeter(request.fileName, options.onProgress, options.now ?? (() => performance.now()));

  try {
    let { offset, hash } = await keptPrefix(request, sink, createHash, signal);
    const resumedFromBytes = offset;
    let validator = offset > 0 ? ((await sink.loadResumeInfo())?.validator ?? null) : null;
    let serverSha256: string | null = null;
    let serverTotal: number | null = null;
    let requests = 0;
    let failuresInARow = 0;
    let restartedAfter416 = false;

    const restart = async () => {
      await sink.truncate(0);
      offset = 0;
      hash = createHash();
      validator = null;
    };

    for (;;) {
      signal?.throwIfAborted();
      let progressed = false;
      try {
        requests++;
        const headers: Record<string, string> = { 'accept-encoding': 'identity' };
        if (offset > 0) {
          headers.range = `bytes=${offset}-`;
          if (validator) headers['if-range'] = validator;
        }
        const response = await fetchFollowingRedirects(fetchFn, request.url, { headers, signal }, (hop) => {
          serverSha256 = sha256FromHeaders(hop) ?? serverSha256;
          serverTotal = integerHeader(hop, 'x-linked-size') ?? serverTotal;
        });

        if (response.status === 416 && offset > 0 && !restartedAfter416) {
          // What we kept is longer than the file now is: start over, once.
          await response.body?.cancel();
          restartedAfter416 = true;
          await restart();
          continue;
        }
        if (response.status !== 200 && response.status !== 206) {
          await response.body?.cancel();
          const failure = `the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
          if (RETRYABLE_STATUS.has(response.status)) throw new RetryableFailure(failure);
          throw networkError(request, failure, { status: response.status });
        }

        if (response.status === 206) {
          const range = parseContentRange(response.headers.get('content-range'));
          if (!range || range.start !== offset) {
            // A range we did not ask for: drop it and fetch the whole file (once from byte 0).
            await response.body?.cancel();
            if (offset === 0) throw networkError(request, `the server sent a part of the file nobody asked for (${response.headers.get('content-range') ?? 'no Content-Range'})`, {});
            await restart();
            continue;
          }
          if (range.total !== null) serverTotal = range.total;
        } else {
          // 200: the whole file, whether or not we asked for a range (no Range support, or the
          // file changed and If-Range did not match). Start clean from byte 0.
          if (offset > 0) await restart();
          const length = integerHeader(response.headers, 'content-length');
          if (length !== null && !isEncoded(response.headers)) serverTotal = length;
        }
        serverSha256 = sha256FromHeaders(response.headers) ?? serverSha256;
        const total = request.bytes ?? serverTotal;
        if (request.bytes !== null && serverTotal !== null && serverTotal !== request.bytes) {
          await response.body?.cancel();
          throw sizeMismatch(request, `the server's copy is ${serverTotal} bytes, but the manifest expects ${request.bytes}`, request.bytes, serverTotal);
        }
        if (!request.sha256 && !serverSha256 && total === null) {
          await response.body?.cancel();
          throw networkError(request, 'neither the manifest nor the server says how big it is or what its sha256 is, so the download could not be checked', {});
        }

        validator = rangeValidator(response.headers);
        const info: ResumeInfo = { url: request.url, validator };
        await sink.saveResumeInfo(info);
        meter.update(offset, total, 0, true);

        const reader = response.body?.getReader();
        while (reader) {
          const { done, value } = await reader.read();
          if (done) break;
          signal?.throwIfAborted();
          if (total !== null && offset + value.length > total) {
            await reader.cancel();
            throw sizeMismatch(request, `the server sent more than the ${total} bytes expected`, total, offset + value.length);
          }
          await sink.write(value);
          hash.update(value);
          offset += value.length;
          progressed = true;
          meter.update(offset, total, value.length);
        }
        if (total !== null && offset < total) throw new RetryableFailure(`the connection closed after ${offset} of ${total} bytes`);
        meter.update(offset, offset, 0, true);
        const checked = checkIntegrity(request, hash.digestHex(), offset, serverSha256);
        return { bytes: offset, sha256: checked.sha256, checkedBy: checked.checkedBy, resumedFromBytes, requests };
      } catch (e) {
        if (signal?.aborted) throw cancelledError(request, offset, signal.reason);
        if (e instanceof TesseraError) throw e;
        const retryable = e instanceof RetryableFailure || isConnectionFailure(e);
        if (!retryable) throw e;
        failuresInARow = progressed ? 1 : failuresInARow + 1;
        if (failuresInARow > retries) {
          throw networkError(request, `${describeFailure(e)}; gave up after ${requests} attempts`, {
            attempts: requests,
            receivedBytes: offset,
          });
        }
        await abortableSleep(Math.min(MAX_RETRY_DELAY_MS, baseDelay * 2 ** (failuresInARow - 1)), signal);
      }
    }
  } catch (e) {
    if (signal?.aborted && !(e instanceof TesseraError)) throw cancelledError(request, await sink.size(), signal.reason);
    if (e instanceof TesseraError && e.code === 'checksum-mismatch') await sink.truncate(0);
    throw e;
  }
}

/**
 * How much of what the sink holds can be kept: nothing if it came from another URL; never the
 * whole file when its size is known, so the server is still asked (for at least the last byte)
 * and its sha256 headers are seen. The kept bytes are fed to a fresh hash.
 */
async function keptPrefix(request: DownloadRequest, sink: DownloadSink, createHash: () => IncrementalHash, signal?: AbortSignal) {
  const hash = createHash();
  let offset = await sink.size();
  if (offset > 0 && (await sink.loadResumeInfo())?.url !== request.url) offset = 0;
  if (request.bytes !== null && offset >= request.bytes) offset = Math.max(0, request.bytes - 1);
  await sink.truncate(offset);
  if (offset > 0) for await (const chunk of sink.readChunks(signal)) hash.update(chunk);
  return { offset, hash };
}

function checkIntegrity(request: DownloadRequest, actual: string, bytes: number, serverSha256: string | null): { sha256: string; checkedBy: IntegrityCheck } {
  if (request.bytes !== null && bytes !== request.bytes) {
    throw sizeMismatch(request, `${bytes} bytes arrived, but the manifest expects ${request.bytes}`, request.bytes, bytes);
  }
  const expected = request.sha256 ?? serverSha256;
  if (expected && expected !== actual) {
    const source = request.sha256 ? 'the manifest' : 'the server';
    throw new TesseraError(
      'checksum-mismatch',
      `${request.fileName} did not download correctly: its sha256 does not match the one ${source} gives. The damaged download was deleted; try again.`,
      { message: `sha256 mismatch for ${request.url}: expected ${expected}, got ${actual}`, details: { url: request.url, expected, actual, source, bytes } },
    );
  }
  return { sha256: actual, checkedBy: request.sha256 ? 'sha256' : serverSha256 ? 'server-sha256' : 'size' };
}

function sizeMismatch(request: DownloadRequest, what: string, expected: number, actual: number): TesseraError {
  return new TesseraError(
    'checksum-mismatch',
    `${request.fileName} is not the expected file: ${what}. The download was deleted; try again, or check the manifest if it keeps happening.`,
    { message: `size mismatch for ${request.url}: expected ${expected} bytes, got ${actual}`, details: { url: request.url, expected, actual } },
  );
}

function networkError(request: DownloadRequest, what: string, details: Record<string, number>): TesseraError {
  return new TesseraError(
    'network',
    `Could not download ${request.fileName} from ${request.url}: ${what}. Check the connection and try again; what was downloaded so far is kept and the next try resumes.`,
    { details: { url: request.url, ...details } },
  );
}

function cancelledError(request: DownloadRequest, keptBytes: number, cause: unknown): TesseraError {
  return new TesseraError('cancelled', `Cancelled the download of ${request.fileName}; the ${keptBytes} bytes so far are kept and the next try resumes.`, {
    details: { url: request.url, keptBytes },
    cause,
  });
}

/** fetch reports a refused or dropped connection as a TypeError (undici: "fetch failed", "terminated"). */
function isConnectionFailure(e: unknown): boolean {
  return e instanceof TypeError;
}

function describeFailure(e: unknown): string {
  if (e instanceof RetryableFailure) return e.message;
  const cause = (e as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  const text = typeof cause?.message === 'string' ? cause.message : e instanceof Error ? e.message : String(e);
  return `the connection failed (${code ? `${code}: ` : ''}${text})`;
}

