import type { ClipTokenizer } from '../../core/diffusion/clip-tokenizer.js';
import { TesseraError } from '../../core/errors.js';
import { VAE_SCALE } from '../../core/diffusion/image-tensor.js';
import type { ModelRunner, ModelSpec, TensorSpec } from '../model-runner.js';
import { createTensor, type Tensor } from '../tensor.js';

/**
 * Which tensor of each SDXS model plays which part, read from the model's spec rather than
 * assumed: the exports disagree on names and dtypes (algorithms.md §4.1–4.3: `input_ids` int64
 * vs int32, `timestep` float32 vs int64 [steps], TAESD `latent` → `image` vs `latent_sample` →
 * `sample`), and the SDXS UNet's names are unverified upstream.
 */
export interface SdxsIo {
  readonly textIds: TensorSpec;
  readonly textOutput: string;
  readonly unetSample: TensorSpec;
  readonly unetTimestep: TensorSpec;
  readonly unetContext: TensorSpec;
  readonly unetOutput: string;
  readonly decoderInput: TensorSpec;
  readonly decoderOutput: string;
  readonly encoderInput?: TensorSpec;
  readonly encoderOutput?: string;
}

export function resolveSdxsIo(specs: { textEncoder: ModelSpec; unet: ModelSpec; vaeDecoder: ModelSpec; vaeEncoder?: ModelSpec }): SdxsIo {
  const { textEncoder, unet, vaeDecoder, vaeEncoder } = specs;
  const textIds = pick(textEncoder, 'input', (t) => t.type === 'int64' || t.type === 'int32', 'token ids (int32 or int64)');
  const textOutput =
    textEncoder.outputs.find((t) => t.name === 'last_hidden_state')?.name ??
    pick(textEncoder, 'output', (t) => t.type === 'float32' && t.shape.length === 3, 'hidden states [1, 77, D]').name;
  const unetSample = pick(unet, 'input', (t) => t.type === 'float32' && t.shape.length === 4, 'latent sample [1, 4, h, w]');
  const unetTimestep = pick(unet, 'input', (t) => t.shape.length <= 1, 'timestep (a scalar or [1])');
  const unetContext = pick(unet, 'input', (t) => t.type === 'float32' && t.shape.length === 3, 'text embeddings [1, 77, D]');
  const unetOutput = pick(unet, 'output', (t) => t.type === 'float32' && t.shape.length === 4, 'noise prediction [1, 4, h, w]').name;
  const decoderInput = pick(vaeDecoder, 'input', (t) => t.type === 'float32' && t.shape.length === 4, 'latent [1, 4, h, w]');
  const decoderOutput = pick(vaeDecoder, 'output', (t) => t.type === 'float32' && t.shape.length === 4, 'image [1, 3, H, W]').name;
  if (!['float32', 'int64', 'int32'].includes(unetTimestep.type)) {
    throw mismatch(unet, `its timestep is ${unetTimestep.type}; Tessera feeds float32, int64 or int32`);
  }
  if (!vaeEncoder) return { textIds, textOutput, unetSample, unetTimestep, unetContext, unetOutput, decoderInput, decoderOutput };
  const encoderInput = pick(vaeEncoder, 'input', (t) => t.type === 'float32' && t.shape.length === 4, 'image [1, 3, H, W]');
  const encoderOutput = pick(vaeEncoder, 'output', (t) => t.type === 'float32' && t.shape.length === 4, 'latent [1, 4, h, w]').name;
  return { textIds, textOutput, unetSample, unetTimestep, unetContext, unetOutput, decoderInput, decoderOutput, encoderInput, encoderOutput };
}

/**
 * The latent height and width the models fix, if any: the UNet's sample, the decoder's input and
 * the encoder's image / 8 must agree where they are numbers. null when every size is free.
 */
export function fixedLatentSize(io: SdxsIo, unetId: string): { height: number; width: number } | null {
  const candidates: [number | string | undefined, number | string | undefined][] = [
    [io.unetSample.shape[2], io.unetSample.shape[3]],
    [io.decoderInput.shape[2], io.decoderInput.shape[3]],
  ];
  if (io.encoderInput) {
    const [, , h, w] = io.encoderInput.shape;
    candidates.push([typeof h === 'number' ? h / VAE_SCALE : h, typeof w === 'number' ? w / VAE_SCALE : w]);
  }
  let fixed: { height: number; width: number } | null = null;
  for (const [h, w] of candidates) {
    if (typeof h !== 'number' || typeof w !== 'number' || h < 0 || w < 0) continue;
    if (fixed && (fixed.height !== h || fixed.width !== w)) {
      throw new TesseraError('model-mismatch', 'The text-to-image model files expect different image sizes; they do not belong together.', {
        details: { model: unetId, first: [fixed.height, fixed.width], second: [h, w] },
      });
    }
    fixed = { height: h, width: w };
  }
  return fixed;
}

/** `input_ids` in the dtype the text encoder takes, [1, n]. */
export function tokenTensor(spec: TensorSpec, ids: Int32Array): Tensor {
  const dims = [1, ids.length];
  if (spec.type === 'int64') return createTensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), dims);
  return createTensor('int32', ids, dims);
}

/** The UNet's timestep in its dtype: a scalar, or [1] for `[1]` and `['steps']`. */
export function timestepTensor(spec: TensorSpec, timestep: number): Tensor {
  const dims = spec.shape.length === 0 ? [] : [1];
  if (spec.type === 'int64') return createTensor('int64', BigInt64Array.of(BigInt(timestep)), dims);
  if (spec.type === 'int32') return createTensor('int32', Int32Array.of(timestep), dims);
  return createTensor('float32', Float32Array.of(timestep), dims);
}

/** The prompt through the text encoder: its hidden states [1, 77, D], the UNet's context. */
export async function encodePrompt(
  textEncoder: { readonly runner: ModelRunner; readonly spec: ModelSpec },
  io: SdxsIo,
  tokenizer: ClipTokenizer,
  prompt: string,
  signal: AbortSignal | undefined,
): Promise<Tensor> {
  const ids = tokenTensor(io.textIds, tokenizer.encode(prompt));
  signal?.throwIfAborted();
  const out = await textEncoder.runner.run({ [io.textIds.name]: ids }, { signal });
  const embedding = out[io.textOutput];
  if (embedding?.type !== 'float32') {
    throw new TesseraError('model-mismatch', `Model "${textEncoder.spec.id}" did not return ${io.textOutput} as float32.`, {
      details: { model: textEncoder.spec.id, output: io.textOutput },
    });
  }
  return embedding;
}

/** The float32 output `name` of `model`, or `model-mismatch`. */
export function floatOutput(outputs: Record<string, Tensor>, name: string, model: string): { data: Float32Array; dims: readonly number[] } {
  const t = outputs[name];
  if (t?.type !== 'float32') {
    throw new TesseraError('model-mismatch', `Model "${model}" did not return ${name} as float32.`, { details: { model, output: name } });
  }
  return t;
}

function pick(spec: ModelSpec, side: 'input' | 'output', test: (t: TensorSpec) => boolean, what: string): TensorSpec {
  const list = side === 'input' ? spec.inputs : spec.outputs;
  const found = list.filter(test);
  if (found.length === 1) return found[0];
  throw mismatch(spec, `no single ${side} is the ${what} (it has ${list.map((t) => `${t.name} ${t.type}[${t.shape.join(',')}]`).join(', ')})`);
}

function mismatch(spec: ModelSpec, problem: string): TesseraError {
  return new TesseraError('model-mismatch', `The model "${spec.id}" is not usable for text-to-image: ${problem}.`, {
    details: { model: spec.id, problem },
  });
}
