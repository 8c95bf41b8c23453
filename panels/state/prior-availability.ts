import { IMAGE_ENCODER_MODEL_ID } from './generate-availability.js';
import type { PanelState } from './panel-state.js';

/**
 * Whether Refine can use the diffusion prior here: a host that keeps models, with Generate's
 * model and the TAESD encoder installed (the prior runs them: encode, one UNet step, decode).
 * The panel offers the switch only then, and the run uses the prior only then.
 */
export function refinePriorAvailable(state: PanelState): boolean {
  if (!state.capabilities.models) return false;
  return [state.generate.modelId, IMAGE_ENCODER_MODEL_ID].every((id) => state.models.find((m) => m.id === id)?.state === 'installed');
}
