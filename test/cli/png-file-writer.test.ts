import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode } from 'fast-png';
import { beforeEach, describe, expect, it } from 'vitest';
import { PngFileWriter } from '../../src/cli/png-file-writer.js';
import { decodePng } from '../../src/core/codecs/png.js';
import type { RgbaImage } from '../../src/core/image.js';
import { discSprite, hueSweepImage, noiseImage } from '../fixtures/images.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-png-writer-'));
});

async function writeInBands(file: string, image: RgbaImage, channels: 3 | 4, bandRows: number): Promise<void> {
  const writer = await PngFileWriter.create(file, { width: image.width, height: image.height, channels });
  for (let y = 0; y < image.height; y += bandRows) {
    const rows = Math.min(bandRows, image.height - y);
    await writer.writeRows({ width: image.width, height: rows, data: image.data.subarray(y * image.width * 4, (y + rows) * image.width * 4) });
  }
  await writer.finish();
}

/** The chunk types in file order. */
function chunkTypes(bytes: Uint8Array): string[] {
  const types: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 8; o < bytes.length; o += 12 + view.getUint32(o)) types.push(String.fromCharCode(...bytes.subarray(o + 4, o + 8)));
  return types;
}

describe('PngFileWriter', () => {
  it('writes RGBA that fast-png decodes to the same pixels', async () => {
    const image = discSprite(61, [200, 90, 30]);
    const file = path.join(dir, 'sprite.png');
    await writeInBands(file, image, 4, 7);
    const bytes = new Uint8Array(readFileSync(file));
    const png = decode(bytes);
    expect([png.width, png.height, png.channels, png.depth]).toEqual([61, 61, 4, 8]);
    expect(Buffer.from(png.data as Uint8Array).equals(Buffer.from(image.data))).toBe(true);
    expect(chunkTypes(bytes)).toEqual(['IHDR', 'IDAT', 'IEND']);
  });

  it('drops the alpha of an opaque image (RGB), losslessly', async () => {
    const image = hueSweepImage(90, 45);
    const file = path.join(dir, 'photo.png');
    await writeInBands(file, image, 3, 16);
    const png = decode(new Uint8Array(readFileSync(file)));
    expect(png.channels).toBe(3);
    expect(Buffer.from(decodePng(new Uint8Array(readFileSync(file))).data).equals(Buffer.from(image.data))).toBe(true);
  });

  it('splits a large image into several IDAT chunks of about 1 MB, each with a valid CRC', async () => {
    const image = noiseImage(800, 700, 2); // noise does not compress: ~2.2 MB of IDAT
    const file = path.join(dir, 'noise.png');
    await writeInBands(file, image, 4, 256);
    const bytes = new Uint8Array(readFileSync(file));
    const types = chunkTypes(bytes);
    expect(types.filter((t) => t === 'IDAT').length).toBeGreaterThanOrEqual(2);
    expect(Buffer.from(decode(bytes, { checkCrc: true }).data as Uint8Array).equals(Buffer.from(image.data))).toBe(true);
  });

  it('leaves nothing behind when aborted, and keeps an existing file as it was', async () => {
    const file = path.join(dir, 'out.png');
    writeFileSync(file, 'previous');
    const writer = await PngFileWriter.create(file, { width: 10, height: 10, channels: 4 });
    await writer.writeRows(noiseImage(10, 5, 1));
    await writer.abort();
    expect(readdirSync(dir)).toEqual(['out.png']);
    expect(readFileSync(file, 'utf8')).toBe('previous');
  });

  it('refuses rows that do not fit, and a finish before the last row', async () => {
    const writer = await PngFileWriter.create(path.join(dir, 'x.png'), { width: 10, height: 4, channels: 4 });
    await expect(writer.writeRows(noiseImage(9, 1, 1))).rejects.toMatchObject({ code: 'internal' });
    await writer.writeRows(noiseImage(10, 3, 1));
    await expect(writer.writeRows(noiseImage(10, 2, 1))).rejects.toMatchObject({ code: 'internal' });
    await expect(writer.finish()).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/3 of its 4 rows/) });
    await writer.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});
