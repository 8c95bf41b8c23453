import { describe, expect, it } from 'vitest';
import { createOrtWebRunner } from '../../../src/runtime/onnx/ort-web-runner.js';
import { createTensor, float32Tensor, int64Tensor, type Tensor } from '../../../src/runtime/tensor.js';
import {
  identityTaesdFixtures,
  maxAbsDiff,
  type OnnxFixture,
  pointwiseUnetFixture,
  taesdDecoderFixture,
  taesdEncoderFixture,
  textEncoderFixture,
  unetFixture,
  zeroUnetFixture,
} from '../../fixtures/onnx/index.js';

/** Every fixture through the real runner on onnxruntime-web's wasm backend, against its TS reference. */
const FIXTURES: [string, () => OnnxFixture][] = [
  ['text encoder (sdxs-webgpu: input_ids int64 [1,77])', () => textEncoderFixture()],
  ['text encoder (optimum: input_ids int32, dynamic)', () => textEncoderFixture({ flavour: 'optimum' })],
  ['UNet (sdxs-webgpu: timestep float32)', () => unetFixture()],
  ['UNet (optimum: timestep int64, dynamic)', () => unetFixture({ flavour: 'optimum' })],
  ['TAESD encoder', () => taesdEncoderFixture()],
  ['TAESD decoder (sdxs-webgpu: latent → image)', () => taesdDecoderFixture()],
  ['TAESD decoder (optimum: latent_sample → sample)', () => taesdDecoderFixture({ flavour: 'optimum' })],
  ['zero UNet', () => zeroUnetFixture()],
  ['pointwise UNet', () => pointwiseUnetFixture()],
  ['box TAESD encoder', () => identityTaesdFixtures().encoder],
  ['repeat TAESD decoder', () => identityTaesdFixtures().decoder],
];

async function runFixture(fixture: OnnxFixture, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['wasm'] });
  try {
    return await runner.run(feeds);
  } finally {
    await runner.release();
  }
}

function expectClose(actual: Record<string, Tensor>, expected: Record<string, Tensor>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const name of Object.keys(expected)) {
    expect(actual[name].dims, name).toEqual(expected[name].dims);
    expect(maxAbsDiff(actual[name], expected[name]), name).toBeLessThan(1e-5);
  }
}

describe('fixture models on onnxruntime-web (wasm)', () => {
  it.each(FIXTURES)('%s matches its TS reference', async (_label, make) => {
    const fixture = make();
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['wasm'] });
    try {
      expect([...runner.inputNames].sort()).toEqual(fixture.spec.inputs.map((t) => t.name).sort());
      expect([...runner.outputNames].sort()).toEqual(fixture.spec.outputs.map((t) => t.name).sort());
      const feeds = fixture.sampleFeeds(7);
      expectClose(await runner.run(feeds), fixture.reference(feeds));
    } finally {
      await runner.release();
    }
  });

  it('the text encoders give last_hidden_state [1,77,D] and pooler_output [1,D] for real CLIP ids', async () => {
    const fixture = textEncoderFixture({ hiddenSize: 12 });
    const out = await runFixture(fixture, fixture.sampleFeeds(3));
    expect(out.last_hidden_state.dims).toEqual([1, 77, 12]);
    expect(out.pooler_output.dims).toEqual([1, 12]);
    const withoutPooler = textEncoderFixture({ pooler: false });
    expect(withoutPooler.spec.outputs.map((t) => t.name)).toEqual(['last_hidden_state']);
    expect(Object.keys(await runFixture(withoutPooler, withoutPooler.sampleFeeds()))).toEqual(['last_hidden_state']);
  });

  it('the optimum UNet takes other batch sizes and latent sizes (dynamic dims)', async () => {
    const fixture = unetFixture({ flavour: 'optimum' });
    const n = 2 * 4 * 6 * 10;
    const feeds = {
      sample: float32Tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i)), [2, 4, 6, 10]),
      timestep: int64Tensor([999n, 500n], [2]),
      encoder_hidden_states: float32Tensor(Float32Array.from({ length: 2 * 5 * 16 }, (_, i) => Math.cos(i)), [2, 5, 16]),
    };
    expectClose(await runFixture(fixture, feeds), fixture.reference(feeds));
  });

  it('the optimum TAESD encoder and decoder take other image sizes (dynamic dims)', async () => {
    const encoder = taesdEncoderFixture();
    const image = { sample: float32Tensor(Float32Array.from({ length: 3 * 32 * 48 }, (_, i) => Math.sin(i / 7)), [1, 3, 32, 48]) };
    const latents = await runFixture(encoder, image);
    expect(latents.latent_sample.dims).toEqual([1, 4, 4, 6]);
    expectClose(latents, encoder.reference(image));

    const decoder = taesdDecoderFixture({ flavour: 'optimum' });
    const feeds = { latent_sample: latents.latent_sample };
    const decoded = await runFixture(decoder, feeds);
    expect(decoded.sample.dims).toEqual([1, 3, 32, 48]);
    expectClose(decoded, decoder.reference(feeds));
  });

  it('the zero UNet predicts zeros and the pointwise UNet mixes channels per pixel', async () => {
    const zeros = zeroUnetFixture();
    const predicted = (await runFixture(zeros, zeros.sampleFeeds(2))).out_sample.data as Float32Array;
    expect(predicted.every((v) => v === 0)).toBe(true);

    const pointwise = pointwiseUnetFixture({ weight: [[2, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], bias: [0, 0, 0, 1] });
    const feeds = pointwise.sampleFeeds(4);
    const out = (await runFixture(pointwise, feeds)).out_sample.data as Float32Array;
    const sample = feeds.sample.data as Float32Array;
    const plane = 8 * 8;
    expect(out[0]).toBeCloseTo(2 * sample[0], 6);
    expect(out[plane + 5]).toBeCloseTo(sample[plane + 5], 6);
    expect(out[3 * plane + 9]).toBeCloseTo(sample[3 * plane + 9] + 1, 6);
  });

  it('the identity TAESD pair gives back block-constant images and block averages of others', async () => {
    const { encoder, decoder } = identityTaesdFixtures({ flavour: 'optimum' });
    const size = 64;
    // Pixel art scaled ×8: constant on every aligned 8×8 block.
    const blocky = new Float32Array(3 * size * size);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) blocky[(c * size + y) * size + x] = Math.sin(c * 3 + Math.floor(y / 8) * 1.7 + Math.floor(x / 8) * 0.9);
      }
    }
    const image = float32Tensor(blocky, [1, 3, size, size]);
    const latents = await runFixture(encoder, { sample: image });
    expect(latents.latent_sample.dims).toEqual([1, 4, 8, 8]);
    const roundTrip = await runFixture(decoder, { latent_sample: latents.latent_sample });
    expect(maxAbsDiff(roundTrip.sample, image)).toBeLessThan(1e-5);

    const noisy = encoder.sampleFeeds(5);
    const averaged = await runFixture(decoder, { latent_sample: (await runFixture(encoder, noisy)).latent_sample });
    const src = noisy.sample.data as Float32Array;
    let mean = 0;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) mean += src[y * size + x] / 64;
    expect((averaged.sample.data as Float32Array)[3 * size + 5]).toBeCloseTo(mean, 5);
  });

  it('float16 tensors cross the boundary as raw half bits', async () => {
    const { buildModel, node } = await import('../../fixtures/onnx/graph-builder.js');
    const spec = {
      id: 'tiny-f16',
      inputs: [{ name: 'x', type: 'float16' as const, shape: [2] }],
      outputs: [{ name: 'y', type: 'float16' as const, shape: [2] }],
    };
    const bytes = buildModel({ name: 'f16', inputs: spec.inputs, outputs: spec.outputs, nodes: [node('Identity', ['x'], ['y'])], initializers: [] });
    const halfBits = Uint16Array.of(0x3c00, 0xc000); // 1.0, -2.0
    const out = await runFixture({ bytes, spec, reference: () => ({}), sampleFeeds: () => ({}) }, { x: createTensor('float16', halfBits, [2]) });
    expect(out.y.type).toBe('float16');
    expect(Array.from(out.y.data as Uint16Array)).toEqual([0x3c00, 0xc000]);
  });
});
