/** How far one file's download is, for a progress bar with speed and time left. */
export interface DownloadProgress {
  readonly fileName: string;
  /** Bytes of the file on hand, including any kept from an earlier attempt. */
  readonly receivedBytes: number;
  /** The file's size, or null while neither the manifest nor the server has said. */
  readonly totalBytes: number | null;
  /** Recent speed (about the last five seconds); 0 until there is enough to measure. */
  readonly bytesPerSecond: number;
  /** Estimated from `bytesPerSecond`; null while unknown, 0 when done. */
  readonly secondsLeft: number | null;
}

const SPEED_WINDOW_MS = 5000;
const MIN_SPEED_SPAN_MS = 300;
const SAMPLE_EVERY_MS = 100;
/** About 100 notifications per file, and at least one every half second for the speed. */
const MIN_FRACTION_STEP = 0.01;
const MAX_SILENCE_MS = 500;

/**
 * Measures speed over a sliding window and throttles notifications. Speed counts only bytes that
 * crossed the network in this run, so a resumed file does not look instantly fast.
 */
export class ProgressMeter {
  private samples: { t: number; bytes: number }[] = [];
  private networkBytes = 0;
  private lastNotifiedAt = -Infinity;
  private lastNotifiedFraction = -1;
  private lastNotified: { received: number; total: number | null } | null = null;

  constructor(
    private readonly fileName: string,
    private readonly onProgress: ((p: DownloadProgress) => void) | undefined,
    private readonly now: () => number,
  ) {}

  /** `received` bytes are on hand; `fromNetwork` of them just arrived. */
  update(received: number, total: number | null, fromNetwork: number, force = false): void {
    const t = this.now();
    this.networkBytes += fromNetwork;
    const last = this.samples[this.samples.length - 1];
    if (!last || t - last.t >= SAMPLE_EVERY_MS) this.samples.push({ t, bytes: this.networkBytes });
    while (this.samples.length > 2 && t - this.samples[1].t >= SPEED_WINDOW_MS) this.samples.shift();
    if (!this.onProgress) return;
    const done = total !== null && received >= total;
    const fraction = total ? received / total : 0;
    const due = force || done || t - this.lastNotifiedAt >= MAX_SILENCE_MS || fraction - this.lastNotifiedFraction >= MIN_FRACTION_STEP;
    if (!due || (this.lastNotified?.received === received && this.lastNotified.total === total && done)) return;
    this.lastNotified = { received, total };
    this.lastNotifiedAt = t;
    this.lastNotifiedFraction = fraction;
    const bytesPerSecond = this.speed(t);
    const secondsLeft = done ? 0 : total === null || bytesPerSecond === 0 ? null : Math.max(0, total - received) / bytesPerSecond;
    this.onProgress({ fileName: this.fileName, receivedBytes: received, totalBytes: total, bytesPerSecond, secondsLeft });
  }

  private speed(t: number): number {
    const first = this.samples[0];
    const span = t - first.t;
    return span < MIN_SPEED_SPAN_MS ? 0 : ((this.networkBytes - first.bytes) * 1000) / span;
  }
}
