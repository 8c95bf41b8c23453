import { TesseraError, toTesseraError } from '../../src/core/errors.js';
import type { PanelStore } from './panel-store.js';

/** Shows a failure in the panel's error line, in the words of its userMessage. */
export function showPanelError(store: PanelStore, e: unknown): void {
  const error = e instanceof TesseraError ? e : toTesseraError(e);
  store.update({ error: { code: error.code, message: error.userMessage } });
}
