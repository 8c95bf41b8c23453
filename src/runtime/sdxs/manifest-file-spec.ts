import { TesseraError } from '../../core/errors.js';
import type { ModelSpec, TensorSpec } from '../model-runner.js';
import type { FileRole, ManifestTensor, ModelEntry, ModelFile, TensorRole } from '../models/manifest.js';

/**
 * The names a tensor has in the optimum exports (algorithms.md §4.1, §4.3), used where the
 * manifest leaves a name null because the reference does not confirm it (the SDXS UNet, the
 * julienkay TAESD pair). If the file differs, loading fails with `model-mismatch` naming both
 * sets, which is the signal to fill the manifest in.
 */
const DEFAULT_NAMES: Partial<Record<FileRole, Partial<Record<TensorRole, { input?: string; output?: string }>>>> = {
  'text-encoder': { 'input-ids': { input: 'input_ids' }, 'text-embeddings': { output: 'last_hidden_state' } },
  unet: {
    latent: { input: 'sample' },
    timestep: { input: 'timestep' },
    'text-embeddings': { input: 'encoder_hidden_states' },
    'noise-prediction': { output: 'out_sample' },
  },
  'vae-encoder': { image: { input: 'sample' }, latent: { output: 'latent_sample' } },
  'vae-decoder': { latent: { input: 'latent_sample' }, image: { output: 'sample' } },
};

/** Shapes for tensors the manifest gives none: a timestep is [1] in every export we know. */
const DEFAULT_SHAPES: Partial<Record<TensorRole, readonly (number | string)[]>> = {
  timestep: [1],
};

/** The spec one ONNX file of `model` is loaded against; its id is `<model id>/<file name>`. */
export function manifestFileSpec(model: ModelEntry, file: ModelFile): ModelSpec {
  const id = `${model.id}/${file.name}`;
  const tensor = (t: ManifestTensor, side: 'input' | 'output'): TensorSpec => {
    const name = t.name ?? DEFAULT_NAMES[file.role]?.[t.role]?.[side];
    const shape = t.shape ?? DEFAULT_SHAPES[t.role];
    if (name === undefined || shape === undefined) {
      throw new TesseraError('model-mismatch', `The manifest entry for ${id} does not say enough about its ${t.role} ${side} to load it.`, {
        details: { model: model.id, file: file.name, role: t.role, side },
      });
    }
    return { name, type: t.type, shape };
  };
  if (!file.inputs || !file.outputs) {
    throw new TesseraError('model-mismatch', `The manifest entry for ${id} lists no tensors, so Tessera cannot load it.`, {
      details: { model: model.id, file: file.name },
    });
  }
  return { id, inputs: file.inputs.map((t) => tensor(t, 'input')), outputs: file.outputs.map((t) => tensor(t, 'output')) };
}

/** The one file of `model` with `role`, or `model-mismatch` saying the model cannot do this job. */
export function fileWithRole(model: ModelEntry, role: FileRole): ModelFile {
  const file = model.files.find((f) => f.role === role);
  if (file) return file;
  throw new TesseraError('model-mismatch', `The model ${model.id} has no ${role} file, so it cannot be used to generate images.`, {
    details: { model: model.id, role },
  });
}
