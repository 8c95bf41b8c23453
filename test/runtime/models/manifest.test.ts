import { describe, expect, it } from 'vitest';
import BUNDLED from '../../../models/manifest.json';
import { TesseraError } from '../../../src/core/errors.js';
import { findModel, loadManifest, modelSize } from '../../../src/runtime/models/manifest.js';

/** A small valid manifest to break one field at a time. */
function sample(): any {
  return {
    schemaVersion: 1,
    notes: ['test'],
    models: [
      {
        id: 'tiny',
        name: 'Tiny',
        description: 'A tiny model',
        source: { repo: 'someone/tiny', revision: 'abc' },
        licence: 'MIT',
        capabilities: ['decode-latent'],
        notes: [],
        files: [
          {
            name: 'dec/model.onnx',
            role: 'vae-decoder',
            format: 'onnx',
            url: 'https://huggingface.co/someone/tiny/resolve/0123456789abcdef0123456789abcdef01234567/dec/model.onnx',
            bytes: 10,
            sha256: null,
            inputs: [{ role: 'latent', name: 'latent_sample', type: 'float32', shape: [1, 4, 'h', 'w'] }],
            outputs: [{ role: 'image', name: null, type: 'float32', shape: null, range: [-1, 1] }],
          },
        ],
      },
    ],
  };
}

function problem(mutate: (m: any) => void): TesseraError {
  const m = sample();
  mutate(m);
  try {
    loadManifest(m);
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    expect((e as TesseraError).code).toBe('invalid-input');
    return e as TesseraError;
  }
  throw new Error('loadManifest accepted an invalid manifest');
}

describe('the bundled manifest', () => {
  const manifest = loadManifest(BUNDLED);

  it('loads and holds the SDXS WebGPU export and the TAESD pair', () => {
    expect(manifest.models.map((m) => m.id)).toEqual(['sdxs-512-dreamshaper', 'taesd']);
  });

  it('carries the sizes, revisions and tensors of algorithms.md §4.2', () => {
    const sdxs = findModel(manifest, 'sdxs-512-dreamshaper');
    expect(sdxs.source.revision).toBe('b23bf8f4f809a0beb6d095bf52b5854e0b66caef');
    const bytes = Object.fromEntries(sdxs.files.map((f) => [f.name, f.bytes]));
    expect(bytes).toEqual({
      'text_encoder.onnx': 246_275_486,
      'unet.onnx': 631_766_742,
      'vae_decoder.onnx': 2_467_568,
      'tokenizer/vocab.json': 1_059_962,
      'tokenizer/merges.txt': 524_619,
    });
    // The reference's total of 880,509,796 B is the three .onnx files.
    expect(sdxs.files.filter((f) => f.format === 'onnx').reduce((s, f) => s + (f.bytes ?? 0), 0)).toBe(880_509_796);
    for (const f of sdxs.files) expect(f.url).toContain('/resolve/b23bf8f4f809a0beb6d095bf52b5854e0b66caef/');
    const text = sdxs.files.find((f) => f.role === 'text-encoder')!;
    expect(text.inputs).toEqual([{ role: 'input-ids', name: 'input_ids', type: 'int64', shape: [1, 77] }]);
    expect(text.outputs?.[0]).toMatchObject({ name: 'last_hidden_state', shape: [1, 77, 768] });
    const unet = sdxs.files.find((f) => f.role === 'unet')!;
    expect(unet.inputs?.find((t) => t.role === 'timestep')).toMatchObject({ type: 'float32', name: null });
    expect(unet.patchLatents).toBe(64); // 512 px / 8: the patch Upscale denoises at
    expect(unet.inputs?.find((t) => t.role === 'latent')?.shape).toEqual([1, 4, 64, 64]);
    const decoder = sdxs.files.find((f) => f.role === 'vae-decoder')!;
    expect(decoder.inputs?.[0].name).toBe('latent');
    expect(decoder.outputs?.[0]).toMatchObject({ name: 'image', range: [-1, 1] });
  });

  it('carries the TAESD pair of §4.3, MIT, with the decoder size and an estimated encoder', () => {
    const taesd = findModel(manifest, 'taesd');
    expect(taesd).toMatchObject({ licence: 'MIT', source: { repo: 'julienkay/taesd', revision: 'c8a437fd0201c21c3bcd298fcf3181b063bcc1eb' } });
    expect(taesd.files.find((f) => f.role === 'vae-decoder')?.bytes).toBe(4_912_312);
    expect(taesd.files.find((f) => f.role === 'vae-encoder')).toMatchObject({ bytes: null, approxBytes: 4_900_000 });
    expect(modelSize(taesd)).toEqual({ bytes: 9_812_312, exact: false });
  });

  it('publishes no sha256 the reference lacks, and says how integrity works without one', () => {
    for (const m of manifest.models) for (const f of m.files) expect(f.sha256).toBeNull();
    expect(manifest.notes.join(' ')).toMatch(/X-Linked-ETag.*Content-Length/s);
  });
});

describe('loadManifest', () => {
  it('accepts the sample and keeps its values', () => {
    const m = loadManifest(sample());
    expect(m.models[0].files[0].inputs?.[0].shape).toEqual([1, 4, 'h', 'w']);
    expect(m.models[0].files[0].outputs?.[0].range).toEqual([-1, 1]);
  });

  it('keeps a UNet’s patch size and leaves it out where none is given', () => {
    const m = sample();
    expect(loadManifest(m).models[0].files[0]).not.toHaveProperty('patchLatents');
    Object.assign(m.models[0].files[0], { role: 'unet', patchLatents: 8 });
    expect(loadManifest(m).models[0].files[0].patchLatents).toBe(8);
  });

  it('allows plain http to loopback only (the tests’ local server)', () => {
    const m = sample();
    m.models[0].files[0].url = 'http://127.0.0.1:8080/x.onnx';
    expect(loadManifest(m).models[0].files[0].url).toBe('http://127.0.0.1:8080/x.onnx');
  });

  it.each<[string, (m: any) => void, RegExp]>([
    ['not an object', (m) => Object.assign(m, { models: 'x' }), /manifest\.models must be a list, not "x"/],
    ['another schema version', (m) => (m.schemaVersion = 2), /schemaVersion must be 1/],
    ['no models', (m) => (m.models = []), /at least one model/],
    ['a missing id', (m) => delete m.models[0].id, /models\[0\]\.id must be a non-empty string, not missing/],
    ['an id that is not a folder name', (m) => (m.models[0].id = '../up'), /models\[0\]\.id must be lowercase/],
    ['a repeated id', (m) => m.models.push(structuredClone(m.models[0])), /models\[1\]\.id repeats "tiny"/],
    ['an unknown field (a typo)', (m) => (m.models[0].files[0].sha265 = null), /files\[0\]\.sha265 is not a known field/],
    ['a bad sha256', (m) => (m.models[0].files[0].sha256 = 'ABC'), /sha256 must be 64 lowercase hex digits or null/],
    ['a negative size', (m) => (m.models[0].files[0].bytes = -1), /bytes must be a whole number/],
    ['a fractional size', (m) => (m.models[0].files[0].bytes = 1.5), /bytes must be a whole number/],
    ['an estimate beside an exact size', (m) => (m.models[0].files[0].approxBytes = 5), /approxBytes is only for files/],
    ['plain http to another machine', (m) => (m.models[0].files[0].url = 'http://example.org/x.onnx'), /url must use https/],
    ['not a URL', (m) => (m.models[0].files[0].url = 'model.onnx'), /url is not a URL/],
    ['a Hugging Face URL on a branch', (m) => (m.models[0].files[0].url = 'https://huggingface.co/a/b/resolve/main/x.onnx'), /must be pinned to a commit/],
    ['a file name climbing out', (m) => (m.models[0].files[0].name = '../../etc/passwd'), /files\[0\]\.name must be a relative path/],
    ['a file name ending in .partial', (m) => (m.models[0].files[0].name = 'x.partial'), /not ending in \.partial/],
    ['two files differing only in case', (m) => m.models[0].files.push({ ...structuredClone(m.models[0].files[0]), name: 'DEC/model.onnx' }), /files\[1\]\.name repeats/],
    ['an unknown capability', (m) => (m.models[0].capabilities = ['mind-reading']), /capabilities\[0\] must be one of/],
    ['an unknown tensor type', (m) => (m.models[0].files[0].inputs[0].type = 'float64'), /inputs\[0\]\.type must be one of/],
    ['a bad shape', (m) => (m.models[0].files[0].inputs[0].shape = [1, -4]), /inputs\[0\]\.shape\[1\] must be a whole number/],
    ['an upside-down range', (m) => (m.models[0].files[0].outputs[0].range = [1, -1]), /range must be \[low, high\]/],
    ['tensors on a text file', (m) => (m.models[0].files[0].format = 'text'), /lists tensors or an opset, but its format is text/],
    ['a licence that is not text', (m) => (m.models[0].licence = 3), /licence must be a non-empty string/],
    ['a patch size on a decoder', (m) => (m.models[0].files[0].patchLatents = 64), /patchLatents is only for unet files, not vae-decoder/],
    ['an odd patch size', (m) => Object.assign(m.models[0].files[0], { role: 'unet', patchLatents: 63 }), /patchLatents must be an even whole number from 8 up/],
    ['a tiny patch size', (m) => Object.assign(m.models[0].files[0], { role: 'unet', patchLatents: 4 }), /patchLatents must be an even whole number from 8 up/],
    ['a fractional patch size', (m) => Object.assign(m.models[0].files[0], { role: 'unet', patchLatents: 8.5 }), /patchLatents must be a whole number/],
  ])('refuses %s, naming the field', (_, mutate, message) => {
    const e = problem(mutate);
    expect(e.userMessage).toMatch(/^The model manifest is not valid: /);
    expect(e.userMessage).toMatch(message);
    expect(e.details?.path).toBeTypeOf('string');
  });

  it('findModel names the known ids for an unknown one', () => {
    const m = loadManifest(sample());
    expect(() => findModel(m, 'huge')).toThrow(/There is no model "huge"\. The models are: tiny\./);
  });
});
