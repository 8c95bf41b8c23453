import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TesseraError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import type { CliIo } from './io.js';

/** A mistake in how the command was called (exit code 2), as opposed to a failure while running it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function usageError(message: string): UsageError {
  return new UsageError(message);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict flag parsing: an unknown flag or a missing value is a usage error with node's own wording. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError(e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '.') : String(e));
  }
}

export function parseNumberArg(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new TesseraError('invalid-input', `${flag} takes a number, not "${text}".`);
  return v;
}

/** Live progress on an interactive terminal; nothing when output is piped. */
export function progressPrinter(io: CliIo): ((p: Progress) => void) | undefined {
  const show = io.progress;
  if (!show) return undefined;
  let last = '';
  return (p) => {
    const line = `${p.stage} ${Math.round(p.fraction * 100)}%`;
    if (line !== last) show((last = line));
  };
}
