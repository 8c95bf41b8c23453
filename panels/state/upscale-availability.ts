import { IMAGE_ENCODER_MODEL_ID, notOnServer, shortName } from './generate-availability.js';
import type { PanelState } from './panel-state.js';

/**
 * Why Upscale will not refine now, as the section says it, or null when it will. Upscale runs
 * either way: without the models it upscales with the upsampler alone. It refines with the chosen
 * model (`upscale.modelId`) and TAESD's encoder beside it.
 */
export function upscaleRefinementNote(state: PanelState): string | null {
  const learned = state.upscale.upsampler === 'learned' && state.capabilities.learnedUpsampler;
  const only = learned ? 'upscaling with the learned ×2 network only' : 'upscaling with Lanczos only';
  if (!state.capabilities.models) return `Refinement needs a host that keeps models; ${only}.`;
  if (state.models.length === 0) return 'Checking which models are installed…';
  const chosen = state.models.find((m) => m.id === state.upscale.modelId);
  if (chosen && !chosen.refinesUpscales) return `${shortName(chosen)} cannot refine upscales (its UNet has no patch size): choose another model; ${only}.`;
  for (const id of [state.upscale.modelId, IMAGE_ENCODER_MODEL_ID]) {
    const model = state.models.find((m) => m.id === id);
    if (!model) return `The model list has no “${id}”, which refinement needs; ${only}.`;
    if (model.state !== 'installed' && state.capabilities.modelSource === 'server') return `Refinement needs ${shortName(model)}. ${notOnServer(state, model)}; ${only}.`;
    if (model.state !== 'installed') return `Refinement needs ${shortName(model)} — ${model.state === 'partial' ? 'finish downloading' : 'download'} it above; ${only}.`;
  }
  return null;
}

/** The models Upscale can refine with, as the model choice lists them: [id, short name] (the name the note uses, and it fits a narrow panel). */
export function upscaleModelChoices(state: PanelState): readonly (readonly [string, string])[] {
  return state.models.filter((m) => m.refinesUpscales).map((m) => [m.id, shortName(m)] as const);
}

/** Why the Upscale button is disabled, or null when it can run: only while another job runs. */
export function upscaleBlockedReason(state: PanelState): string | null {
  return state.job ? `Wait for “${state.job.label}” to finish.` : null;
}
