import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeImage } from '../../../src/core/codecs/decode-image.js';
import { cropImage } from '../../../src/core/image.js';
import type { ModelRunner } from '../../../src/runtime/model-runner.js';
import { upscale2x } from '../../../src/runtime/upsample/learned-upsampler.js';
import { upscale2xTiled } from '../../../src/runtime/upsample/tiled-upscale2x.js';
import { discSprite } from '../../fixtures/images.js';
import { loadLearnedUpsampler } from './learned-runner.js';

const chelsea = () => decodeImage(readFileSync(new URL('../../../assets/images/chelsea.jpg', import.meta.url)));

describe('upscale2xTiled (the real RDN ×2)', () => {
  let runner: ModelRunner;
  beforeAll(async () => {
    runner = await loadLearnedUpsampler();
  });
  afterAll(async () => {
    await runner?.release();
  });

  it('reproduces the whole-image run byte for byte, without seams, given enough context', async () => {
    const photo = cropImage(chelsea(), { x: 150, y: 60, width: 100, height: 76 });
    const whole = await upscale2x(photo, runner);
    const fractions: number[] = [];
    const tiled = await upscale2xTiled(photo, runner, { tile: 32, onProgress: (f) => fractions.push(f) });
    expect([tiled.width, tiled.height]).toEqual([200, 152]);
    expect(Buffer.from(tiled.data).equals(Buffer.from(whole.data))).toBe(true);
    expect(fractions).toEqual([...Array(12).keys()].map((i) => (i + 1) / 12)); // 4 × 3 tiles of 32 px
    // Too little context does show: the network sees further than 4 px.
    const starved = await upscale2xTiled(photo, runner, { tile: 32, margin: 4 });
    expect(Buffer.from(starved.data).equals(Buffer.from(whole.data))).toBe(false);
  });

  it('carries alpha like upscale2x and honours the signal', async () => {
    const sprite = discSprite(40, [240, 200, 40]);
    const tiled = await upscale2xTiled(sprite, runner, { tile: 16 });
    const whole = await upscale2x(sprite, runner);
    expect(tiled.data.filter((_, i) => i % 4 === 3)).toEqual(whole.data.filter((_, i) => i % 4 === 3));
    await expect(upscale2xTiled(sprite, runner, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
