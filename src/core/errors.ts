/**
 * The one error type every layer throws. `code` says what kind of failure it is (the panel and
 * the CLI branch on it, never on message text); `userMessage` says what happened and what to do
 * next; `message` and `details` are for us.
 */
export type TesseraErrorCode =
  | 'invalid-input'
  | 'unsupported-format'
  | 'no-document'
  | 'no-layer'
  | 'empty-selection'
  | 'empty-layer'
  | 'model-missing'
  | 'model-mismatch'
  | 'checksum-mismatch'
  | 'network'
  | 'out-of-memory'
  | 'host-failed'
  | 'io'
  | 'cancelled'
  | 'internal';

export type ErrorDetails = Record<string, string | number | boolean | null | readonly (string | number)[]>;

export class TesseraError extends Error {
  override readonly name = 'TesseraError';
  readonly code: TesseraErrorCode;
  readonly userMessage: string;
  readonly details?: ErrorDetails;

  constructor(
    code: TesseraErrorCode,
    userMessage: string,
    options: { message?: string; details?: ErrorDetails; cause?: unknown } = {},
  ) {
    super(options.message ?? userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.userMessage = userMessage;
    if (options.details) this.details = options.details;
  }
}

export function isTesseraError(e: unknown): e is TesseraError {
  return e instanceof TesseraError;
}

/** A broken invariant: a bug of ours, surfaced as `internal` by whoever catches it. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}

/**
 * Map anything thrown into a TesseraError: ours pass through untouched, an abort becomes
 * `cancelled`, anything else is a bug (`internal`) that keeps the original as `cause`.
 */
export function toTesseraError(e: unknown): TesseraError {
  if (e instanceof TesseraError) return e;
  if (isAbortError(e)) return new TesseraError('cancelled', 'Cancelled.', { cause: e });
  const text = e instanceof Error ? e.message : String(e);
  return new TesseraError('internal', `Something went wrong inside Tessera: ${text}`, { cause: e });
}

function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}
