import type { ModelEntryView, PanelState } from './panel-state.js';

/** TAESD's encoder, which Generate loads beside the chosen model for strength below 1. */
export const IMAGE_ENCODER_MODEL_ID = 'taesd';

/**
 * Why Generate cannot run now, in words for the disabled button, or null when it can: a job runs,
 * the host keeps no models, or a model it needs is not installed (strength 1 needs SDXS alone).
 */
export function generateBlockedReason(state: PanelState): string | null {
  if (!state.capabilities.models) return 'Generate needs a host that keeps models.';
  if (state.job) return `Wait for “${state.job.label}” to finish.`;
  if (state.models.length === 0) return 'Checking which models are installed…';
  const needed = [state.generate.modelId, ...(state.generate.strength < 1 ? [IMAGE_ENCODER_MODEL_ID] : [])];
  for (const id of needed) {
    const model = state.models.find((m) => m.id === id);
    if (!model) return `The model list has no “${id}”, which Generate needs.`;
    if (model.state !== 'installed' && state.capabilities.modelSource === 'server') return `${notOnServer(state, model)}${id === IMAGE_ENCODER_MODEL_ID ? ' (a strength below 1 starts from the layer)' : ''}`;
    if (model.state !== 'installed') return `${model.state === 'partial' ? 'Finish downloading' : 'Download'} ${shortName(model)} (${model.sizeText}) above first${id === IMAGE_ENCODER_MODEL_ID ? ' (a strength below 1 starts from the layer)' : ''}`;
  }
  return null;
}

/**
 * Where the models are a server's (PanelCapabilities.modelSource): why one is not usable there,
 * in words for the panel. A server that did not answer says so in the Compute section.
 */
export function notOnServer(state: PanelState, model: ModelEntryView): string {
  if (state.computeStatus.kind === 'failed') return `The server cannot give ${shortName(model)}: see Compute below`;
  return `The server does not serve ${shortName(model)}: start it with "tessera serve --models ${model.id}"`;
}

/** "SDXS-512 DreamShaper (WebGPU ONNX export)" → "SDXS-512 DreamShaper". */
export function shortName(model: ModelEntryView): string {
  return model.name.replace(/\s*\([^)]*\)\s*$/, '') || model.name;
}
