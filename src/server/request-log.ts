import { formatBytes } from '../runtime/download/format-bytes.js';

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly model?: string;
  readonly error?: string;
  /** The client went away before the answer was sent. */
  readonly aborted?: boolean;
}

/**
 * One line per request: time, method, path, status, duration, body sizes, and the error text for
 * failures. Never tensor contents or tokens; a path from the client is cut short and stripped of
 * control characters so a request cannot forge log lines.
 */
export function formatRequestLog(entry: RequestLogEntry, now: Date = new Date()): string {
  const status = entry.aborted ? `${entry.status} (client went away)` : String(entry.status);
  const parts = [now.toISOString(), clean(entry.method, 10), clean(entry.path, 160), status, `${Math.round(entry.ms)}ms`, `in ${formatBytes(entry.bytesIn)}`, `out ${formatBytes(entry.bytesOut)}`];
  if (entry.error !== undefined) parts.push(`error: ${clean(entry.error, 300)}`);
  return parts.join(' ');
}

function clean(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}
