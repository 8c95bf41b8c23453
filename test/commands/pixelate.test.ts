import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../src/core/errors.js';
import { createImage } from '../../src/core/image.js';
import { getPreset } from '../../src/core/palette/presets.js';
import { runCommand, type CommandProgress } from '../../src/commands/command-context.js';
import { pixelateCommand, resolvePixelateRequest, type PixelateCompute, type PixelateRequest } from '../../src/commands/pixelate.js';
import { extractPaletteCommand } from '../../src/commands/extract-palette.js';
import { colourSet, hueSweepImage, pixelAt } from '../fixtures/images.js';
import { MemoryHost } from '../fakes/memory-host.js';

const pico = getPreset('pico-8').palette;
const request = (patch: Partial<PixelateRequest> = {}): PixelateRequest => ({
  palette: pico, gridMode: 'cells', cells: 16, cellSize: 8, downscale: 'area', dither: 'bayer4',
  ditherStrength: 1, alphaThreshold: 0.5, cleanup: false, seed: 1, refine: false, refineIterations: 50, faithfulness: 0.5, ...patch,
});
const ctx = () => ({ signal: new AbortController().signal });

describe('pixelate command', () => {
  it('reads the layer, writes one new layer at its position, named after the settings', async () => {
    const source = hueSweepImage(64, 48);
    const before = new Uint8ClampedArray(source.data);
    const host = new MemoryHost({ image: source, x: 10, y: 20, name: 'Photo' });
    const result = await pixelateCommand(host, resolvePixelateRequest(request()), ctx());
    expect(host.writes).toHaveLength(1);
    const write = host.writes[0];
    expect(write).toMatchObject({ name: 'Pixelate · PICO-8 · 16×12 · bayer4', x: 10, y: 20 });
    expect([write.image.width, write.image.height]).toEqual([64, 48]);
    expect(result).toMatchObject({ layerName: write.name, historySteps: 1, grid: { width: 16, height: 12 } });
    expect(source.data).toEqual(before);
  });

  it('works on the selection only: the crop, placed at the selection', async () => {
    const host = new MemoryHost({ image: hueSweepImage(100, 100), x: 0, y: 0, name: 'Photo' }, { x: 30, y: 40, width: 64, height: 32 });
    await pixelateCommand(host, resolvePixelateRequest(request({ cells: 32 })), ctx());
    const write = host.writes[0];
    expect([write.x, write.y, write.image.width, write.image.height]).toEqual([30, 40, 64, 32]);
    expect(write.name).toContain('32×16');
  });

  it('clears pixels outside a non-rectangular selection mask', async () => {
    const mask = new Uint8Array(32 * 32);
    for (let i = 0; i < mask.length; i++) mask[i] = i % 32 < 16 ? 255 : 0;
    const host = new MemoryHost({ image: hueSweepImage(32, 32), x: 0, y: 0, name: 'Photo' }, null, undefined, mask);
    await pixelateCommand(host, resolvePixelateRequest(request({ cells: 8 })), ctx());
    const out = host.writes[0].image;
    expect(pixelAt(out, 5, 5)[3]).toBe(255);
    expect(pixelAt(out, 20, 5)[3]).toBe(0);
  });

  it('names extracted palettes by size and seed', async () => {
    const host = new MemoryHost({ image: hueSweepImage(64, 64), x: 0, y: 0, name: 'Photo' });
    await pixelateCommand(host, resolvePixelateRequest(request({ palette: { extract: 8 }, seed: 77, dither: 'none', cleanup: true })), ctx());
    expect(host.writes[0].name).toBe('Pixelate · auto 8 · 16×16 · none · cleanup · seed 77');
    expect(colourSet(host.writes[0].image).colours.size).toBeLessThanOrEqual(8);
  });

  it('names a refined result after Refine and its seed', async () => {
    const host = new MemoryHost({ image: hueSweepImage(32, 32), x: 0, y: 0, name: 'Photo' });
    await pixelateCommand(host, resolvePixelateRequest(request({ cells: 8, refine: true, refineIterations: 20, seed: 5 })), ctx());
    expect(host.writes[0].name).toBe('Pixelate · PICO-8 · 8×8 · refine 20 · seed 5');
  });

  it('reports progress from 0 to 1, never backwards, through read, compute and write', async () => {
    const seen: CommandProgress[] = [];
    const host = new MemoryHost({ image: hueSweepImage(128, 128), x: 0, y: 0, name: 'Photo' });
    await pixelateCommand(host, resolvePixelateRequest(request({ dither: 'atkinson', palette: { extract: 8 } })), { ...ctx(), onProgress: (p) => seen.push(p) });
    expect(seen[0]).toEqual({ stage: 'read', fraction: 0 });
    expect(seen.at(-1)).toEqual({ stage: 'write', fraction: 1 });
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
    expect(new Set(seen.map((p) => p.stage))).toEqual(new Set(['read', 'extract', 'downscale', 'dither', 'upscale', 'write']));
  });

  it('writes nothing when cancelled during compute, and runCommand reports it as cancelled', async () => {
    const controller = new AbortController();
    const slowCompute: PixelateCompute = async (_src, _opts, c) => {
      controller.abort();
      c.signal?.throwIfAborted();
      throw new Error('unreachable');
    };
    const host = new MemoryHost({ image: hueSweepImage(32, 32), x: 0, y: 0, name: 'Photo' });
    const outcome = await runCommand((c) => pixelateCommand(host, resolvePixelateRequest(request()), c, slowCompute), { signal: controller.signal });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(host.writes).toHaveLength(0);
  });

  it('fails before computing on an empty layer, a missing layer or an empty selection', async () => {
    let computed = 0;
    const compute: PixelateCompute = async () => { computed++; throw new Error('should not run'); };
    const cases: [MemoryHost, string][] = [
      [new MemoryHost({ image: createImage(8, 8), x: 0, y: 0, name: 'Empty' }), 'empty-layer'],
      [new MemoryHost(null), 'no-layer'],
      [new MemoryHost({ image: hueSweepImage(8, 8), x: 0, y: 0, name: 'Photo' }, { x: 50, y: 50, width: 5, height: 5 }), 'empty-selection'],
    ];
    for (const [host, code] of cases) {
      const outcome = await runCommand((c) => pixelateCommand(host, resolvePixelateRequest(request()), c, compute), ctx());
      expect(outcome).toMatchObject({ ok: false, error: { code } });
      expect(host.writes).toHaveLength(0);
    }
    expect(computed).toBe(0);
  });

  it('passes a host write failure through as the host reported it', async () => {
    const host = new MemoryHost({ image: hueSweepImage(32, 32), x: 0, y: 0, name: 'Photo' });
    host.failWrite = new TesseraError('host-failed', 'The editor refused the new layer.');
    const outcome = await runCommand((c) => pixelateCommand(host, resolvePixelateRequest(request()), c), ctx());
    expect(outcome).toMatchObject({ ok: false, error: { code: 'host-failed', userMessage: 'The editor refused the new layer.' } });
  });

  it('turns an unexpected failure into internal, keeping the cause', async () => {
    const host = new MemoryHost({ image: hueSweepImage(32, 32), x: 0, y: 0, name: 'Photo' });
    const boom: PixelateCompute = async () => { throw new RangeError('boom'); };
    const outcome = await runCommand((c) => pixelateCommand(host, resolvePixelateRequest(request()), c, boom), ctx());
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.code).toBe('internal');
      expect(outcome.error.cause).toBeInstanceOf(RangeError);
    }
  });

  it('validates the request with messages that name the field', () => {
    expect(() => resolvePixelateRequest(request({ cells: 0 }))).toThrowError(/grid size/);
    expect(() => resolvePixelateRequest(request({ gridMode: 'cell-size', cellSize: -2 }))).toThrowError(/cell size/);
  });
});

describe('extract palette command', () => {
  it('extracts k colours from the target, named after the layer, writing nothing', async () => {
    const host = new MemoryHost({ image: hueSweepImage(64, 64), x: 0, y: 0, name: 'Sunset' });
    const palette = await extractPaletteCommand(host, { colors: 6, seed: 3 }, ctx());
    expect(palette.name).toBe('Sunset · 6');
    expect(palette.rgb.length / 3).toBeLessThanOrEqual(6);
    expect(host.writes).toHaveLength(0);
  });
});
