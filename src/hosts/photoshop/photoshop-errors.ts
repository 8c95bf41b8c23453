import { TesseraError, type ErrorDetails } from '../../core/errors.js';

/** What the host was doing in Photoshop, as the user reads it: "Photoshop could not <step>". */
export type PhotoshopStep =
  | 'start a command'
  | 'read the layer'
  | 'read the selection'
  | 'start the history step'
  | 'create the result layer'
  | 'place the result layer'
  | 'prepare the pixels'
  | 'write the pixels'
  | 'finish the history step'
  | 'resize the canvas'
  | 'resize the image';

/**
 * Photoshop's `executeAsModal` rejects with `number === 9` when another plugin (or another command
 * of ours) holds the modal scope (executeasmodal.md, "typical use case").
 */
const MODAL_BUSY = 9;

/**
 * Wraps what Photoshop threw, once, in the layer that knows what was being done: our own errors
 * pass through; a cancel on Photoshop's progress dialog becomes `cancelled`; anything else becomes
 * `host-failed` naming the step. `rolledBack` says whether the document is known to be unchanged.
 */
export function wrapPhotoshopError(
  error: unknown,
  step: PhotoshopStep,
  { cancelled = false, rolledBack = true, details = {} }: { cancelled?: boolean; rolledBack?: boolean; details?: ErrorDetails } = {},
): TesseraError {
  if (error instanceof TesseraError) return error;
  const text = (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, '');
  if (cancelled) {
    return new TesseraError('cancelled', 'Cancelled in Photoshop: nothing was changed.', { cause: error, details: { step, ...details } });
  }
  if (errorNumber(error) === MODAL_BUSY) {
    return new TesseraError(
      'host-failed',
      `Photoshop is busy with another command, so Tessera could not ${step}. Wait for it to finish (or close its dialog), then try again.`,
      { message: text, cause: error, details: { step, ...details } },
    );
  }
  const outcome = rolledBack
    ? 'The document was left as it was.'
    : 'Check the History panel: undo the last step if something was left behind.';
  return new TesseraError('host-failed', `Photoshop could not ${step}: ${text}. ${outcome} Try again; if it keeps failing, restart the Tessera panel.`, {
    message: `Photoshop failed to ${step}: ${text}`,
    cause: error,
    details: { step, ...details },
  });
}

function errorNumber(error: unknown): number | null {
  const n = typeof error === 'object' && error !== null ? (error as { number?: unknown }).number : undefined;
  return typeof n === 'number' ? n : null;
}
