import { createClipTokenizer, type ClipTokenizer } from '../../../src/core/diffusion/clip-tokenizer.js';
import { gaussianLatents } from '../../../src/core/diffusion/latents.js';
import type { ModelRunner, ModelSpec } from '../../../src/runtime/model-runner.js';
import { createOrtWebRunner } from '../../../src/runtime/onnx/ort-web-runner.js';
import type { SdxsModel } from '../../../src/runtime/sdxs/sdxs-pipeline.js';
import { createTensor, type Tensor } from '../../../src/runtime/tensor.js';
import type { OnnxFixture } from '../../fixtures/onnx/index.js';

/**
 * A CLIP-style vocabulary built the way OpenAI builds its own (byte symbols, the same with
 * `</w>`, one token per merge, then BOS/EOS), as in test/core/diffusion/clip-tokenizer.test.ts.
 */
export const TINY_MERGES = '#version: 0.2\nc a\nca t</w>\nk n\n';

export function tinyVocab(): Record<string, number> {
  const printable: number[] = [];
  for (let b = 0; b < 256; b++) if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)) printable.push(b);
  const symbols = printable.map((b) => String.fromCharCode(b));
  let n = 0;
  for (let b = 0; b < 256; b++) if (!printable.includes(b)) symbols.push(String.fromCharCode(256 + n++));
  const tokens = [...symbols, ...symbols.map((s) => s + '</w>'), 'ca', 'cat</w>', 'kn', '<|startoftext|>', '<|endoftext|>'];
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}

export function tinyTokenizer(): ClipTokenizer {
  return createClipTokenizer({ vocab: tinyVocab(), merges: TINY_MERGES });
}

/** A fixture loaded through the real onnxruntime-web wasm runner. */
export async function loadFixture(fixture: OnnxFixture): Promise<SdxsModel> {
  return { runner: await createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['wasm'] }), spec: fixture.spec };
}

/** Wraps a model so a test can count its runs and see its feeds. */
export function counted(model: SdxsModel): SdxsModel & { readonly feeds: Record<string, Tensor>[] } {
  const feeds: Record<string, Tensor>[] = [];
  const runner: ModelRunner = {
    id: model.runner.id,
    backend: model.runner.backend,
    backendReason: model.runner.backendReason,
    inputNames: model.runner.inputNames,
    outputNames: model.runner.outputNames,
    run: (f, options) => {
      feeds.push({ ...f });
      return model.runner.run(f, options);
    },
    release: () => model.runner.release(),
  };
  return { runner, spec: model.spec, feeds };
}

/**
 * A UNet that predicts exactly the noise planSdxsStep adds for `seed`: gaussianLatents of the
 * sample's shape. With it, x₀ is the encoded image again (up to float rounding).
 */
export function noisePredictingUnet(spec: ModelSpec, seed: number): SdxsModel & { readonly timesteps: Tensor[] } {
  const timesteps: Tensor[] = [];
  const sample = spec.inputs.find((t) => t.shape.length === 4)!.name;
  const timestep = spec.inputs.find((t) => t.shape.length <= 1)!.name;
  const output = spec.outputs[0].name;
  const runner: ModelRunner = {
    id: spec.id,
    backend: 'test',
    backendReason: 'a fake UNet in TypeScript',
    inputNames: spec.inputs.map((t) => t.name),
    outputNames: [output],
    run: async (feeds, options) => {
      options?.signal?.throwIfAborted();
      timesteps.push(feeds[timestep]);
      const dims = feeds[sample].dims as [number, number, number, number];
      return { [output]: createTensor('float32', gaussianLatents(dims, seed), dims) };
    },
    release: async () => {},
  };
  return { runner, spec, timesteps };
}

export async function releaseAll(models: readonly (SdxsModel | undefined)[]): Promise<void> {
  for (const m of models) await m?.runner.release();
}
