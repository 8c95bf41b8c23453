import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centredOffset, cropPlanes, padReflect, readWindowInto, reflectIndex } from '../../../src/core/diffusion/latent-window.js';

describe('reflectIndex', () => {
  it('mirrors without repeating the edge, as numpy/torch "reflect" padding does', () => {
    // np.pad([0, 1, 2], 4, 'reflect') → [0 1 2 1 | 0 1 2 | 1 0 1 2]
    expect([-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => reflectIndex(i, 3))).toEqual([0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2]);
    expect([-2, -1, 0, 1, 2].map((i) => reflectIndex(i, 1))).toEqual([0, 0, 0, 0, 0]);
    expect([-1, 0, 1, 2, 3].map((i) => reflectIndex(i, 2))).toEqual([1, 0, 1, 0, 1]);
  });
});

describe('padReflect and cropPlanes', () => {
  it('pads by reflection around the block and crops it back unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }),
        (channels, h, w, extraY, extraX) => {
          const source = Float32Array.from({ length: channels * h * w }, (_, i) => i * 0.5 - 3);
          const toH = h + extraY, toW = w + extraX;
          const top = centredOffset(h, toH), left = centredOffset(w, toW);
          const padded = padReflect(source, channels, h, w, toH, toW, top, left);
          expect(Array.from(cropPlanes(padded, channels, toH, toW, { top, left, height: h, width: w }))).toEqual(Array.from(source));
          // Every padded value is the mirrored source value.
          for (let c = 0; c < channels; c++) {
            for (let y = 0; y < toH; y++) {
              for (let x = 0; x < toW; x++) {
                const want = source[(c * h + reflectIndex(y - top, h)) * w + reflectIndex(x - left, w)];
                if (padded[(c * toH + y) * toW + x] !== want) throw new Error(`padded (${c}, ${y}, ${x}) is wrong`);
              }
            }
          }
        },
      ),
    );
  });

  it('reads a window of every channel', () => {
    const source = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i); // 2 × 3 × 4
    const out = new Float32Array(2 * 2 * 2);
    readWindowInto(out, source, 2, 3, 4, { top: 1, left: 2, height: 2, width: 2 });
    expect(Array.from(out)).toEqual([6, 7, 10, 11, 18, 19, 22, 23]);
  });

  it('centres a block, rounding down to the alignment', () => {
    expect(centredOffset(5, 8)).toBe(1);
    expect(centredOffset(24, 64, 8)).toBe(16);
    expect(centredOffset(8, 64, 8)).toBe(24);
    expect(centredOffset(16, 64, 8)).toBe(24);
  });
});
