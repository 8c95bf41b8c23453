import { packagedLearnedUpsampler } from '../../../src/cli/learned-upsampler-source.js';
import type { ModelRunner } from '../../../src/runtime/model-runner.js';
import { createOrtWebRunner } from '../../../src/runtime/onnx/ort-web-runner.js';
import { learnedUpsamplerSpec } from '../../../src/runtime/upsample/learned-upsampler.js';
import { LEARNED_UPSAMPLER_ID } from '../../../src/runtime/upscale/load-upscale-models.js';

/** The real RDN ×2 network as the CLI gets it (converted from @upscalerjs/default-model), on wasm. */
export async function loadLearnedUpsampler(): Promise<ModelRunner> {
  return createOrtWebRunner(learnedUpsamplerSpec(LEARNED_UPSAMPLER_ID), await packagedLearnedUpsampler(), { preferred: ['wasm'] });
}
