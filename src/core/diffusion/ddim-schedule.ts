import { TesseraError } from '../errors.js';
import { SD_SCHEDULE, leadingTimesteps, type NoiseSchedule } from './noise-schedule.js';

/**
 * The DDIM timesteps of a Pixelsmith run and the timestep each one steps to (algorithms.md §2.2):
 * "leading" spacing with steps_offset 1 (50 steps → 981, 961, …, 21, 1), and prev = t − ⌊T/steps⌋
 * as diffusers computes it, so the last step goes to a negative timestep, where ddimStep takes
 * ᾱ_prev = 1 and returns x̂₀ (`set_alpha_to_one`).
 */
export interface DdimSchedule {
  /** Descending, one per step. */
  readonly timesteps: Int32Array;
  /** previous[k] is the timestep step k lands on: timesteps[k + 1], or negative after the last. */
  readonly previous: Int32Array;
}

export function ddimSchedule(steps: number, schedule: NoiseSchedule = SD_SCHEDULE): DdimSchedule {
  const trainSteps = schedule.trainSteps;
  // With offset 1, T steps would start at t = T, outside the table (diffusers fails there too).
  if (!Number.isInteger(steps) || steps < 1 || steps >= trainSteps) {
    throw new TesseraError('invalid-input', `The number of steps must be a whole number from 1 to ${trainSteps - 1} (got ${steps}).`, {
      details: { steps, trainSteps },
    });
  }
  const timesteps = leadingTimesteps(steps, { trainSteps, offset: 1 });
  const ratio = Math.floor(trainSteps / steps);
  const previous = timesteps.map((t) => t - ratio);
  return { timesteps, previous };
}

/**
 * The Slider as a count of guided steps, rescaled when the step count changes: the same share of
 * the noisiest steps stays guided (20 of 50 → 8 of 20; algorithms.md §2.8 says the value is an
 * index count, so it must follow the step count). A slider past `fromSteps` means "every step".
 */
export function rescaleSlider(slider: number, fromSteps: number, toSteps: number): number {
  if (!Number.isFinite(slider) || slider < 0) {
    throw new TesseraError('invalid-input', `The Slider must be a number of steps, 0 or more (got ${slider}).`, { details: { slider } });
  }
  for (const [name, value] of [['fromSteps', fromSteps], ['toSteps', toSteps]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TesseraError('invalid-input', `The number of steps must be a whole number of at least 1 (got ${value}).`, {
        details: { [name]: value },
      });
    }
  }
  return Math.round((Math.min(slider, fromSteps) * toSteps) / fromSteps);
}
