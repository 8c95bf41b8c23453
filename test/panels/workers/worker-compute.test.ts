import { afterEach, describe, expect, it } from 'vitest';
import { computeInThread } from '../../../src/commands/pixelate.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createPaletteMatcher } from '../../../src/core/palette/matcher.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import { resolvePixelateOptions, type PixelateOptions } from '../../../src/core/pixelate/options.js';
import type { RefineGridPreview } from '../../../src/core/pixelate/pipeline.js';
import type { PriorImage, RefinePrior, RefinePriorRequest } from '../../../src/core/refine/prior.js';
import { createWorkerCompute } from '../../../panels/workers/worker-compute.js';
import { closeInProcessWorkers, inProcessWorker, type InProcessWorker } from './in-process-worker.js';
import { discSprite, hueSweepImage } from '../../fixtures/images.js';

afterEach(closeInProcessWorkers);

const pico = getPreset('pico-8').palette;
const matcher = createPaletteMatcher(pico);
const options = (refine: PixelateOptions['refine']): PixelateOptions =>
  resolvePixelateOptions({ grid: { kind: 'exact', width: 12, height: 9 }, palette: { kind: 'fixed', palette: pico }, output: 'grid', seed: 5, refine });

/** A prior answering one palette colour everywhere, recording its requests. */
function flatPrior(index: number): RefinePrior & { requests: RefinePriorRequest[] } {
  const requests: RefinePriorRequest[] = [];
  const prior = async (soft: PriorImage, request: RefinePriorRequest): Promise<PriorImage> => {
    requests.push(request);
    const linear = new Float32Array(soft.width * soft.height * 3);
    for (let i = 0; i < linear.length; i += 3) linear.set(matcher.linear.subarray(index * 3, index * 3 + 3), i);
    return { width: soft.width, height: soft.height, linear };
  };
  return Object.assign(prior, { requests });
}

describe('pixelate in a worker (the protocol end to end)', () => {
  const source = hueSweepImage(48, 36);

  it('gives the same result as the page’s own thread', async () => {
    const compute = createWorkerCompute(inProcessWorker);
    const refine = options({ iterations: 40, faithfulness: 0.5 });
    const [inWorker, inThread] = [await compute(source, refine, {}), await computeInThread(source, refine, {})];
    expect(inWorker.indices).toEqual(inThread.indices);
    expect(inWorker.grid.data).toEqual(inThread.grid.data);
  });

  it('carries Refine’s previews to the page, in order, only when asked', async () => {
    const worker = inProcessWorker();
    const compute = createWorkerCompute(() => worker);
    const previews: RefineGridPreview[] = [];
    const result = await compute(source, options({ iterations: 60, faithfulness: 0.5 }), { onRefinePreview: (p) => previews.push(p) });
    expect(previews.map((p) => [p.iteration, p.iterations])).toEqual([[25, 60], [50, 60], [60, 60]]);
    expect(previews.every((p) => p.grid.width === 12 && p.grid.height === 9)).toBe(true);
    expect(previews[2].grid.data).toEqual(result.grid.data);
    expect(previews[2].colorsUsed).toBe(result.colorsUsed);
    worker.replies.length = 0;
    await compute(source, options({ iterations: 60, faithfulness: 0.5 }), {});
    expect(worker.replies.some((r) => r.kind === 'refine-preview')).toBe(false);
  });

  it('runs the diffusion prior on the page: the worker asks, waits, and ends as the page’s own run would', async () => {
    const refine = options({ iterations: 30, faithfulness: 0.5, prior: { weight: 50, every: 10 } });
    const controller = new AbortController();
    const pagePrior = flatPrior(12);
    const inWorker = await createWorkerCompute(inProcessWorker)(source, refine, { refinePrior: pagePrior, signal: controller.signal });
    const threadPrior = flatPrior(12);
    const inThread = await computeInThread(source, refine, { refinePrior: threadPrior });
    expect(pagePrior.requests.map((r) => r.iteration)).toEqual([0, 10, 20]);
    expect(pagePrior.requests.every((r) => r.signal === controller.signal)).toBe(true);
    expect(pagePrior.requests.map(({ signal: _, ...r }) => r)).toEqual(threadPrior.requests);
    expect(inWorker.indices).toEqual(inThread.indices);
  });

  it('a failing prior fails the job with its own error and stops the worker', async () => {
    const worker = inProcessWorker();
    const failing: RefinePrior = () => Promise.reject(new TesseraError('model-mismatch', 'The model broke.'));
    const refine = options({ iterations: 30, faithfulness: 0.5, prior: { weight: 1, every: 10 } });
    await expect(createWorkerCompute(() => worker)(source, refine, { refinePrior: failing })).rejects.toMatchObject({ code: 'model-mismatch', userMessage: 'The model broke.' });
    expect(worker.terminated()).toBe(true);
  });

  it('Cancel while the prior runs: cancelled, the worker stopped, and the next job starts a fresh one', async () => {
    const workers: InProcessWorker[] = [];
    const compute = createWorkerCompute(() => {
      workers.push(inProcessWorker());
      return workers.at(-1)!;
    });
    const controller = new AbortController();
    const hanging: RefinePrior = (_soft, request) =>
      new Promise((_resolve, reject) => {
        request.signal?.addEventListener('abort', () => reject(request.signal?.reason));
        controller.abort();
      });
    const refine = options({ iterations: 30, faithfulness: 0.5, prior: { weight: 1, every: 10 } });
    await expect(compute(source, refine, { refinePrior: hanging, signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(workers[0].terminated()).toBe(true);
    const next = await compute(discSprite(24, [10, 200, 90]), options(null), {});
    expect(workers).toHaveLength(2);
    expect(next.grid.width).toBe(12);
  });
});
