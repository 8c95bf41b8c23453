import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePng, encodePng } from '../../src/core/codecs/png.js';
import { encodeJpeg } from '../../src/core/codecs/jpeg.js';
import { paletteToHex } from '../../src/core/palette/palette.js';
import { getPreset } from '../../src/core/palette/presets.js';
import { colourSet, discSprite, hueSweepImage } from '../fixtures/images.js';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/tessera.js');

/** Runs the real bundled CLI (built by test/global-setup.ts) and returns what a user sees. */
async function tessera(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir: string;
const picoColours = new Set(paletteToHex(getPreset('pico-8').palette).map((h) => parseInt(h.slice(1), 16)));

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-cli-'));
  writeFileSync(path.join(dir, 'photo.png'), encodePng(hueSweepImage(200, 150)));
  writeFileSync(path.join(dir, 'photo.jpg'), encodeJpeg(hueSweepImage(200, 150)));
  writeFileSync(path.join(dir, 'sprite.png'), encodePng(discSprite(48, [0x29, 0xad, 0xff])));
});

/** Files in the folder, to prove a failed run left nothing behind (not even a temp file). */
const listing = () => readdirSync(dir).sort();

describe('tessera pixelate', () => {
  it('turns a real PNG into pixel art with the palette and grid asked for', async () => {
    const r = await tessera('pixelate', 'photo.png', '-o', 'out.png', '--grid', '40', '--palette', 'pico-8', '--dither', 'bayer4');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote out\.png \(200×150, grid 40×30, PICO-8 \(16 colours, \d+ used\), dither bayer4, seed 1\) in \d+ ms\n$/);
    const out = decodePng(readFileSync(path.join(dir, 'out.png')));
    expect([out.width, out.height]).toEqual([200, 150]);
    const { colours, binaryAlpha } = colourSet(out);
    expect(binaryAlpha).toBe(true);
    for (const c of colours) expect(picoColours.has(c)).toBe(true);
  });

  it('reads JPEG, writes the grid size, and keeps a sprite transparent around its edge', async () => {
    expect((await tessera('pixelate', 'photo.jpg', '-o', 'grid.png', '--cell', '10', '--scale', 'grid')).code).toBe(0);
    const grid = decodePng(readFileSync(path.join(dir, 'grid.png')));
    expect([grid.width, grid.height]).toEqual([20, 15]);

    expect((await tessera('pixelate', 'sprite.png', '-o', 'sprite-out.png', '--grid', '12', '--scale', '4', '--palette', 'auto:4', '--cleanup')).code).toBe(0);
    const sprite = decodePng(readFileSync(path.join(dir, 'sprite-out.png')));
    expect([sprite.width, sprite.height]).toEqual([48, 48]);
    expect(sprite.data[3]).toBe(0); // corner stays transparent
    expect(sprite.data[(24 * 48 + 24) * 4 + 3]).toBe(255);
  });

  it('refines instead of dithering (the diffusion prior: test/cli/pixelate-prior.test.ts)', async () => {
    const r = await tessera('pixelate', 'photo.png', '-o', 'refined.png', '--grid', '24', '--refine', '--iterations', '60');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/refine 60 iterations, seed 1/);
    for (const c of colourSet(decodePng(readFileSync(path.join(dir, 'refined.png')))).colours) expect(picoColours.has(c)).toBe(true);
    expect((await tessera('pixelate', 'photo.png', '-o', 'never.png', '--iterations', '9')).code).toBe(2);
    expect((await tessera('pixelate', 'photo.png', '-o', 'never.png', '--prior', 'sdxs-512-dreamshaper')).code).toBe(2);
  });

  it('takes a palette file, warning about junk lines but carrying on', async () => {
    writeFileSync(path.join(dir, 'mine.hex'), 'ff0000\nnot a colour\n00ff00\n0000ff\n');
    const r = await tessera('pixelate', 'photo.png', '-o', 'hex.png', '--palette', 'mine.hex');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: mine\.hex: line 2/);
    expect(colourSet(decodePng(readFileSync(path.join(dir, 'hex.png')))).colours.size).toBeLessThanOrEqual(3);
  });

  it.each([
    [['pixelate', 'missing.png', '-o', 'x.png'], 1, /Cannot read missing\.png: no such file\./],
    [['pixelate', 'photo.png', '-o', 'x.png', '--palette', 'pico-9'], 1, /"pico-9" is neither a palette name nor a palette file/],
    [['pixelate', 'photo.png', '-o', 'x.png', '--grid', '500'], 1, /500×375 grid needs more cells than the 200×150 image/],
    [['pixelate', 'photo.png', '-o', 'x.png', '--grid', 'big'], 1, /--grid takes N or WxH/],
    [['pixelate', 'photo.png', '-o', 'x.png', '--dither', 'wobbly'], 1, /Unknown dither "wobbly"/],
    [['pixelate', 'photo.png', '-o', 'x.png', '--strength', '2'], 1, /dither strength must be between 0 and 1/],
    [['pixelate', 'photo.png', '-o', 'x.gif'], 2, /output must be a \.png/],
    [['pixelate', 'photo.png'], 2, /needs an output file/],
    [['pixelate', 'photo.png', '-o', 'x.png', '--sharpen'], 2, /Unknown option '--sharpen'/],
    [['pixelate', 'photo.png', '-o', 'x.png', '--grid', '8', '--cell', '4'], 2, /--grid or --cell, not both/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
  ])('%j fails with exit %i and one clear line', async (args, code, message) => {
    const before = listing();
    const r = await tessera(...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    expect(listing()).toEqual(before);
  });

  it('refuses corrupt, truncated, empty and non-image files without writing anything', async () => {
    const png = readFileSync(path.join(dir, 'photo.png'));
    writeFileSync(path.join(dir, 'truncated.png'), png.subarray(0, 100));
    writeFileSync(path.join(dir, 'empty.png'), new Uint8Array(0));
    writeFileSync(path.join(dir, 'notes.png'), 'just some text');
    const before = listing();
    for (const [file, message] of [
      ['truncated.png', /This PNG file is damaged/],
      ['empty.png', /The file is empty/],
      ['notes.png', /neither a PNG nor a JPEG/],
    ] as const) {
      const r = await tessera('pixelate', file, '-o', 'never.png');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(listing()).toEqual(before);
  });

  it('refuses a PNG whose header claims an absurd size, before allocating it', async () => {
    const png = new Uint8Array(readFileSync(path.join(dir, 'photo.png')));
    const view = new DataView(png.buffer);
    view.setUint32(16, 100000); // width
    view.setUint32(20, 100000); // height
    writeFileSync(path.join(dir, 'huge.png'), png);
    const r = await tessera('pixelate', 'huge.png', '-o', 'never.png');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/100000×100000.*at most 256 megapixels/);
  });

  it('reports an output it cannot write and leaves no partial file', async () => {
    writeFileSync(path.join(dir, 'a-file'), 'x');
    mkdirSync(path.join(dir, 'a-folder.png'), { recursive: true });
    const before = listing();
    const underFile = await tessera('pixelate', 'photo.png', '-o', 'a-file/out.png');
    expect(underFile.code).toBe(1);
    expect(underFile.stderr).toMatch(/Cannot write a-file\/out\.png/);
    const onFolder = await tessera('pixelate', 'photo.png', '-o', 'a-folder.png');
    expect(onFolder.code).toBe(1);
    expect(onFolder.stderr).toMatch(/it is a folder/);
    expect(listing()).toEqual(before);
  });

  it('creates missing output folders', async () => {
    expect((await tessera('pixelate', 'photo.png', '-o', 'nested/deeper/out.png', '--grid', '8')).code).toBe(0);
    expect(existsSync(path.join(dir, 'nested/deeper/out.png'))).toBe(true);
  });
});

describe('tessera palette', () => {
  it('lists the presets with their colour counts', async () => {
    const r = await tessera('palette', 'list');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(15);
    expect(r.stdout).toMatch(/^pico-8\s+16\s+PICO-8$/m);
    expect(r.stdout).toMatch(/^aap-64\s+64\s+AAP-64$/m);
  });

  it('shows a preset or a file', async () => {
    const r = await tessera('palette', 'show', 'gameboy');
    expect(r.stdout).toBe('Game Boy (DMG green): 4 colours\n#0f380f\n#306230\n#8bac0f\n#9bbc0f\n');
    writeFileSync(path.join(dir, 'two.gpl'), 'GIMP Palette\nName: Two\n#\n255 0 0 red\n0 0 255 blue\n');
    expect((await tessera('palette', 'show', 'two.gpl')).stdout).toBe('Two: 2 colours\n#ff0000\n#0000ff\n');
  });

  it('extracts k colours from a photo into a .gpl and a .hex that load back', async () => {
    const gpl = await tessera('palette', 'extract', 'photo.png', '-k', '8', '-o', 'photo.gpl');
    expect(gpl.code).toBe(0);
    expect(gpl.stdout).toMatch(/Wrote photo\.gpl \(8 colours from photo\.png, seed 1\)/);
    expect(readFileSync(path.join(dir, 'photo.gpl'), 'utf8')).toMatch(/^GIMP Palette\n/);
    expect((await tessera('palette', 'extract', 'photo.png', '-k', '8', '-o', 'photo.hex')).code).toBe(0);
    const shown = await tessera('palette', 'show', 'photo.gpl');
    expect(shown.stdout.split('\n').slice(1, -1)).toEqual(readFileSync(path.join(dir, 'photo.hex'), 'utf8').trim().split('\n').map((l) => `#${l}`));
    const used = await tessera('pixelate', 'photo.png', '-o', 'with-gpl.png', '--palette', 'photo.gpl');
    expect(used.code).toBe(0);
  });

  it.each([
    [['palette'], 2, /needs a command/],
    [['palette', 'show', 'nope'], 1, /neither a palette name nor a palette file/],
    [['palette', 'extract', 'photo.png', '-k', '0', '-o', 'p.gpl'], 1, /from 1 to 256/],
    [['palette', 'extract', 'photo.png', '-o', 'p.doc'], 2, /must end in \.gpl/],
  ])('%j fails with exit %i', async (args, code, message) => {
    const r = await tessera(...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });
});

describe('tessera help', () => {
  it('prints help and the version', async () => {
    expect((await tessera('--help')).stdout).toMatch(/Usage: tessera COMMAND/);
    expect((await tessera('pixelate', '--help')).stdout).toMatch(/--dither METHOD/);
    expect((await tessera('--version')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
