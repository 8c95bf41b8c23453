import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../src/core/errors.js';
import { runSliced, runSync, type Progress, type Steps } from '../../src/core/progress.js';

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
});
