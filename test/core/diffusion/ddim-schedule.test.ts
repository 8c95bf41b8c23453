import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddimSchedule, rescaleSlider } from '../../../src/core/diffusion/ddim-schedule.js';
import { TesseraError } from '../../../src/core/errors.js';

describe('ddimSchedule', () => {
  it("gives Pixelsmith's 50 steps 981 … 1, each stepping to the next and the last past 0", () => {
    const { timesteps, previous } = ddimSchedule(50);
    expect(timesteps[0]).toBe(981);
    expect(timesteps[19]).toBe(601); // the Slider 20 boundary (algorithms.md §5)
    expect(timesteps[29]).toBe(401);
    expect(timesteps[49]).toBe(1);
    for (let k = 0; k < 49; k++) expect(previous[k]).toBe(timesteps[k + 1]);
    expect(previous[49]).toBe(-19);
  });

  it('spaces any step count by ⌊1000/steps⌋ with offset 1', () => {
    expect(Array.from(ddimSchedule(4).timesteps)).toEqual([751, 501, 251, 1]);
    expect(Array.from(ddimSchedule(4).previous)).toEqual([501, 251, 1, -249]);
    expect(Array.from(ddimSchedule(1).timesteps)).toEqual([1]);
    const fine = ddimSchedule(999);
    expect(fine.timesteps[0]).toBe(999);
    expect(fine.previous[998]).toBe(0); // diffusers' prev = t − 1 = 0, a real timestep
  });

  it.each([0, 1000, 2.5, -1, Number.NaN])('refuses %s steps with invalid-input', (steps) => {
    expect(() => ddimSchedule(steps)).toThrow(TesseraError);
  });
});

describe('rescaleSlider', () => {
  it('keeps the share of guided steps when the step count changes', () => {
    expect(rescaleSlider(20, 50, 20)).toBe(8);
    expect(rescaleSlider(30, 50, 20)).toBe(12);
    expect(rescaleSlider(20, 50, 50)).toBe(20);
    expect(rescaleSlider(0, 50, 20)).toBe(0);
    expect(rescaleSlider(50, 50, 7)).toBe(7);
  });

  it('reads a slider past the step count as every step', () => {
    expect(rescaleSlider(100, 50, 20)).toBe(20);
  });

  it('stays within 0..toSteps, grows with the slider and is the identity for equal counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (slider, from, to) => {
        const r = rescaleSlider(slider, from, to);
        expect(Number.isInteger(r)).toBe(true);
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(to);
        expect(rescaleSlider(slider + 1, from, to)).toBeGreaterThanOrEqual(r);
        expect(rescaleSlider(slider, from, from)).toBe(Math.min(slider, from));
      }),
    );
  });

  it('refuses negative sliders and step counts below 1', () => {
    expect(() => rescaleSlider(-1, 50, 20)).toThrow(TesseraError);
    expect(() => rescaleSlider(10, 0, 20)).toThrow(TesseraError);
    expect(() => rescaleSlider(10, 50, 1.5)).toThrow(TesseraError);
  });
});
