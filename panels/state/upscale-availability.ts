import { IMAGE_ENCODER_MODEL_ID, shortName } from './generate-availability.js';
import type { PanelState } from './panel-state.js';

/** The diffusion model Upscale refines with (the manifest's model with a patch size), and TAESD beside it. */
export const REFINER_MODEL_ID = 'sdxs-512-dreamshaper';

/**
 * Why Upscale will not refine now, as the section says it, or null when it will. Upscale runs
 * either way: without the models it upscales with the upsampler alone.
 */
export function upscaleRefinementNote(state: PanelState): string | null {
  const only = state.upscale.upsampler === 'learned' ? 'upscaling with the learned ×2 network only' : 'upscaling with Lanczos only';
  if (!state.capabilities.models) return `Refinement needs a host that keeps models; ${only}.`;
  if (state.models.length === 0) return 'Checking which models are installed…';
  for (const id of [REFINER_MODEL_ID, IMAGE_ENCODER_MODEL_ID]) {
    const model = state.models.find((m) => m.id === id);
    if (!model) return `The model list has no “${id}”, which refinement needs; ${only}.`;
    if (model.state !== 'installed') return `Refinement needs ${shortName(model)} — ${model.state === 'partial' ? 'finish downloading' : 'download'} it above; ${only}.`;
  }
  return null;
}

/** Why the Upscale button is disabled, or null when it can run: only while another job runs. */
export function upscaleBlockedReason(state: PanelState): string | null {
  return state.job ? `Wait for “${state.job.label}” to finish.` : null;
}
