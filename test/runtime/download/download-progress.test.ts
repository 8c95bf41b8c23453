import { describe, expect, it } from 'vitest';
import { ProgressMeter, type DownloadProgress } from '../../../src/runtime/download/download-progress.js';

describe('ProgressMeter', () => {
  it('measures speed over the recent window and estimates the time left', () => {
    let now = 0;
    const events: DownloadProgress[] = [];
    const meter = new ProgressMeter('f.bin', (p) => events.push(p), () => now);
    meter.update(0, 10_000_000, 0, true);
    for (let i = 1; i <= 20; i++) {
      now = i * 100;
      meter.update(i * 100_000, 10_000_000, 100_000); // 1 MB/s
    }
    const last = events.at(-1)!;
    expect(last.bytesPerSecond).toBeCloseTo(1_000_000, -3);
    expect(last.secondsLeft).toBeCloseTo(8, 0);
  });

  it('does not count resumed bytes as speed, and says nothing about time before it can', () => {
    let now = 0;
    const events: DownloadProgress[] = [];
    const meter = new ProgressMeter('f.bin', (p) => events.push(p), () => now);
    meter.update(5_000_000, 10_000_000, 0, true);
    expect(events[0]).toMatchObject({ receivedBytes: 5_000_000, bytesPerSecond: 0, secondsLeft: null });
    now = 1000;
    meter.update(5_500_000, 10_000_000, 500_000);
    expect(events.at(-1)!.bytesPerSecond).toBeCloseTo(500_000, -3);
  });

  it('throttles to about one notification per percent or half second, and always reports the end once', () => {
    let now = 0;
    const events: DownloadProgress[] = [];
    const meter = new ProgressMeter('f.bin', (p) => events.push(p), () => now);
    for (let received = 0; received <= 1_000_000; received += 1000) {
      now += 1;
      meter.update(received, 1_000_000, 1000);
    }
    meter.update(1_000_000, 1_000_000, 0, true);
    expect(events.length).toBeGreaterThan(90);
    expect(events.length).toBeLessThanOrEqual(102);
    expect(events.filter((e) => e.receivedBytes === 1_000_000)).toHaveLength(1);
    expect(events.at(-1)!.secondsLeft).toBe(0);
  });
});
