import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { TransformOptions } from 'node:stream';
import { createDeflate, crc32, type Deflate, type ZlibOptions } from 'node:zlib';
import { createPngRowFilter, type PngRowFilter } from '../core/codecs/png-rows.js';
import { TesseraError } from '../core/errors.js';
import { checkImageSize, type RgbaImage } from '../core/image.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** Compressed bytes gathered before an IDAT chunk is written: few chunks, little held. */
const IDAT_BYTES = 1 << 20;
const DEFLATE_BUFFER = 32 << 20;

/**
 * A PNG written to disk band by band as the rows arrive, so an image need not exist whole in
 * memory (Upscale streams an 8192² result straight from the decoder): rows are filtered
 * (png-rows.ts), deflated by node:zlib as a stream on libuv's threads, and written as IDAT
 * chunks of about 1 MB as the compressed bytes come out, one file write after another.
 * Like writeOutputFile, it writes a temporary file beside the target and renames it over the
 * target only in `finish`, so a failed or cancelled run leaves nothing behind (`abort`).
 */
export class PngFileWriter {
  private rowsWritten = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failure: Error | null = null;
  private writing: Promise<void> = Promise.resolve();
  private flushQueued = false;

  private constructor(
    private readonly file: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
    private readonly width: number,
    private readonly height: number,
    private readonly rows: PngRowFilter,
    private readonly deflate: Deflate,
  ) {
    deflate.on('data', (chunk: Buffer) => {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes >= IDAT_BYTES && !this.flushQueued) {
        this.flushQueued = true;
        this.enqueue(() => ((this.flushQueued = false), this.flushIdat()));
      }
    });
    deflate.on('error', (e: Error) => (this.failure ??= e));
  }

  /** File writes happen one after another, in order, while deflate carries on. */
  private enqueue(task: () => Promise<void>): void {
    this.writing = this.writing.then(task).catch((e: unknown) => {
      this.failure ??= e instanceof Error ? e : new Error(String(e));
    });
  }

  /** Opens the temporary file and writes the header. `channels` 3 drops the alpha (for opaque images). */
  static async create(file: string, options: { width: number; height: number; channels: 3 | 4 }): Promise<PngFileWriter> {
    const { width, height, channels } = options;
    checkImageSize(width, height);
    const dir = path.dirname(path.resolve(file));
    const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
    let handle: FileHandle;
    try {
      const stat = await fs.stat(file).catch(() => null);
      if (stat?.isDirectory()) throw new TesseraError('io', `Cannot write ${file}: it is a folder.`);
      await fs.mkdir(dir, { recursive: true });
      handle = await fs.open(temp, 'wx');
    } catch (e) {
      if (e instanceof TesseraError) throw e;
      throw writeError(file, e);
    }
    // Up to 32 MB of rows may wait for deflate, which runs on libuv's threads: compression then
    // overlaps with producing the next band instead of holding it up.
    // (Node passes stream options through to the Transform; @types/node's ZlibOptions omits them.)
    const deflate = createDeflate({ level: 6, writableHighWaterMark: DEFLATE_BUFFER } as ZlibOptions & TransformOptions);
    const writer = new PngFileWriter(file, temp, handle, width, height, createPngRowFilter(width, channels), deflate);
    const header = new Uint8Array(13);
    const view = new DataView(header.buffer);
    view.setUint32(0, width);
    view.setUint32(4, height);
    header.set([8, channels === 4 ? 6 : 2, 0, 0, 0], 8); // 8 bits, RGBA or RGB, deflate, adaptive filters, no interlace
    try {
      await writer.write(SIGNATURE);
      await writer.chunk('IHDR', header);
    } catch (e) {
      await writer.abort();
      throw e;
    }
    return writer;
  }

  /** The next rows, top to bottom: `band` is RGBA, as wide as the image. */
  async writeRows(band: RgbaImage): Promise<void> {
    if (band.width !== this.width || this.rowsWritten + band.height > this.height) {
      throw new TesseraError('internal', `A band of ${band.width}×${band.height} does not fit the ${this.width}×${this.height} PNG after ${this.rowsWritten} rows.`);
    }
    this.throwIfFailed();
    const filtered = this.rows.filterBand(band);
    this.rowsWritten += band.height;
    if (!this.deflate.write(filtered)) await once(this.deflate, 'drain');
    this.throwIfFailed();
  }

  /** Ends the image (every row must have been written) and puts the file in place. */
  async finish(): Promise<void> {
    if (this.rowsWritten !== this.height) {
      throw new TesseraError('internal', `The PNG got ${this.rowsWritten} of its ${this.height} rows.`);
    }
    const ended = once(this.deflate, 'end');
    this.deflate.end();
    await ended;
    this.enqueue(() => this.flushIdat());
    this.enqueue(() => this.chunk('IEND', new Uint8Array(0)));
    await this.writing;
    this.throwIfFailed();
    try {
      await this.handle.close();
      await fs.rename(this.temp, this.file);
    } catch (e) {
      await fs.rm(this.temp, { force: true }).catch(() => undefined);
      throw writeError(this.file, e);
    }
  }

  /** Closes and deletes the temporary file; the target is left as it was. Safe to call after a failure. */
  async abort(): Promise<void> {
    this.deflate.destroy();
    await this.writing;
    await this.handle.close().catch(() => undefined);
    await fs.rm(this.temp, { force: true }).catch(() => undefined);
  }

  private async flushIdat(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.chunk('IDAT', data);
  }

  /** length, type, data, CRC-32 of type and data (PNG spec §5.3). */
  private async chunk(type: string, data: Uint8Array): Promise<void> {
    const typeBytes = new TextEncoder().encode(type);
    const head = new Uint8Array(8);
    const view = new DataView(head.buffer);
    view.setUint32(0, data.length);
    head.set(typeBytes, 4);
    const crc = new Uint8Array(4);
    new DataView(crc.buffer).setUint32(0, crc32(data, crc32(typeBytes)));
    await this.write(head);
    await this.write(data);
    await this.write(crc);
  }

  private async write(bytes: Uint8Array): Promise<void> {
    try {
      await this.handle.write(bytes);
    } catch (e) {
      throw writeError(this.file, e);
    }
  }

  private throwIfFailed(): void {
    const failure = this.failure;
    if (!failure) return;
    throw failure instanceof TesseraError ? failure : new TesseraError('internal', `Compressing the PNG failed: ${failure.message}`, { cause: failure });
  }
}

function writeError(file: string, e: unknown): TesseraError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reason = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'its folder does not exist' : (e as Error)?.message ?? String(e);
  return new TesseraError('io', `Cannot write ${file}: ${reason}.`, { details: { path: file, code: code ?? null }, cause: e });
}
