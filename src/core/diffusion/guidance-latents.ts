import type { PatchWindow } from './latent-window.js';
import { SD_SCHEDULE, alphaBar, type NoiseSchedule } from './noise-schedule.js';

/**
 * Pixelsmith's guidance latents (algorithms.md §2.4): guid[k] = √ᾱ_{t_k}·z₀ + √(1−ᾱ_{t_k})·ε with one
 * noise ε shared by every timestep. Pixelsmith stores all `slider` of them ([slider, 4, h, w]);
 * each is a fixed blend of z₀ and ε, so this computes the window a patch needs on demand from
 * those two, and memory stays at two latents whatever the Slider.
 */
export function noisyGuidanceWindowInto(
  out: Float32Array,
  guidance: Float32Array,
  noise: Float32Array,
  channels: number,
  height: number,
  width: number,
  box: PatchWindow,
  timestep: number,
  schedule: NoiseSchedule = SD_SCHEDULE,
): void {
  const a = alphaBar(timestep, schedule);
  const sa = Math.sqrt(a), sn = Math.sqrt(1 - a);
  const wh = box.height, ww = box.width, plane = height * width;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < wh; y++) {
      const from = c * plane + (box.top + y) * width + box.left, o = (c * wh + y) * ww;
      for (let x = 0; x < ww; x++) out[o + x] = sa * guidance[from + x] + sn * noise[from + x];
    }
  }
}
