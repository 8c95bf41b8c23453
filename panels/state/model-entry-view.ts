import { canRefineUpscales } from '../../src/runtime/upscale/load-upscale-models.js';
import { formatBytes } from '../../src/runtime/download/format-bytes.js';
import type { ModelEntry } from '../../src/runtime/models/manifest.js';
import type { ModelState } from '../../src/runtime/models/model-state.js';
import type { ModelEntryView } from './panel-state.js';

/** How the model manager shows one model's cache state; `entry` is the whole manifest entry when `state` is of its local part (a server runs the ONNX files). */
export function modelEntryView(state: ModelState, entry: ModelEntry = state.model): ModelEntryView {
  const { model } = state;
  const percent = state.kind === 'partial' ? Math.floor((100 * state.bytesOnHand) / Math.max(1, state.totalBytes)) : undefined;
  return {
    id: model.id,
    name: model.name,
    sizeText: `${state.exact ? '' : '≈'}${formatBytes(state.totalBytes)}`,
    state: state.kind,
    ...(percent !== undefined ? { percent } : {}),
    ...(model.licence ? { licence: model.licence } : {}),
    textToImage: model.capabilities.includes('text-to-image'),
    refinesUpscales: canRefineUpscales(entry),
  };
}
