import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../src/core/errors.js';
import { runSliced, runSync, type AwaitingProgress, type Progress, type Steps } from '../../src/core/progress.js';

function* counting(n: number): Steps<number> {
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += i;
    yield { stage: 'map', fraction: (i + 1) / n };
  }
  return total;
}

describe('progress drivers', () => {
  it('run to the same result synchronously and sliced', async () => {
    expect(runSync(counting(1000))).toBe(499500);
    expect(await runSliced(counting(1000))).toBe(499500);
  });

  it('throttle progress to about 100 notifications per stage, ending at 1', () => {
    const seen: Progress[] = [];
    runSync(counting(100000), { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeLessThanOrEqual(101);
    expect(seen.at(-1)?.fraction).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThan(seen[i - 1].fraction);
  });

  it('stop at a slice boundary with a cancelled error once the signal aborts', async () => {
    const controller = new AbortController();
    function* endless(): Steps<never> {
      for (;;) {
        const start = performance.now();
        while (performance.now() - start < 2) { /* a slice of work */ }
        yield { stage: 'dither', fraction: 0.5 };
      }
    }
    setTimeout(() => controller.abort(), 30);
    const err = await runSliced(endless(), { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('cancelled');
  });

  it('refuse to start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runSliced(counting(10), { signal: controller.signal })).rejects.toThrow();
  });

  describe('steps that wait for async work', () => {
    /** Doubles a value three times, each time through an awaited "model run" that sees the signal. */
    function* awaiting(log: string[], signals: (AbortSignal | undefined)[]): Steps<number> {
      let value = 1;
      for (let i = 0; i < 3; i++) {
        const step: AwaitingProgress = {
          stage: 'refine',
          fraction: i / 3,
          run: async (signal) => {
            signals.push(signal);
            await new Promise((resolve) => setTimeout(resolve, 1));
            value *= 2;
            log.push(`ran ${i}`);
          },
        };
        yield step;
        log.push(`resumed with ${value}`);
      }
      return value;
    }

    it('runSliced waits for each before resuming the generator, passing its signal, and reports plain progress', async () => {
      const log: string[] = [], signals: (AbortSignal | undefined)[] = [], seen: Progress[] = [];
      const controller = new AbortController();
      for (const sliceMs of [undefined, Infinity]) {
        log.length = 0;
        const result = await runSliced(awaiting(log, signals), { signal: controller.signal, onProgress: (p) => seen.push(p) }, sliceMs === undefined ? {} : { sliceMs });
        expect(result).toBe(8);
        expect(log).toEqual(['ran 0', 'resumed with 2', 'ran 1', 'resumed with 4', 'ran 2', 'resumed with 8']);
      }
      expect(signals.every((s) => s === controller.signal)).toBe(true);
      expect(seen.every((p) => Object.keys(p).sort().join() === 'fraction,stage')).toBe(true);
    });

    it('runSync refuses them with an internal error, and nothing runs', () => {
      const log: string[] = [];
      expect(() => runSync(awaiting(log, []))).toThrow(expect.objectContaining({ code: 'internal' }));
      expect(log).toEqual([]);
    });

    it('a failed run fails the drive; an abort during a run ends it as cancelled', async () => {
      function* failing(): Steps<number> {
        yield { stage: 'refine', fraction: 0, run: () => Promise.reject(new TesseraError('model-mismatch', 'bad model')) } as AwaitingProgress;
        return 1;
      }
      await expect(runSliced(failing())).rejects.toMatchObject({ code: 'model-mismatch' });
      const controller = new AbortController();
      function* aborting(): Steps<number> {
        yield { stage: 'refine', fraction: 0, run: async () => controller.abort() } as AwaitingProgress;
        return 1;
      }
      await expect(runSliced(aborting(), { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
      const later = new AbortController();
      function* abortedRun(): Steps<number> {
        yield { stage: 'refine', fraction: 0, run: async (signal) => { later.abort(); signal?.throwIfAborted(); } } as AwaitingProgress;
        return 1;
      }
      await expect(runSliced(abortedRun(), { signal: later.signal })).rejects.toMatchObject({ code: 'cancelled' });
    });
  });
});
