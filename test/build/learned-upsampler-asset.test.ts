import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLearnedUpsampler, LEARNED_UPSAMPLER_OUTPUT } from '../../build/learned-upsampler-asset.js';
import { readLearnedUpsamplerPackage } from '../../src/cli/learned-upsampler-source.js';
import { sha256Hex } from '../../src/runtime/download/sha256.js';
import { convertTfjsLayersToOnnx } from '../../src/runtime/convert/tfjs-layers-to-onnx.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'tessera-build-learned-'));
let expected: Buffer;

beforeAll(async () => {
  const pkg = await readLearnedUpsamplerPackage();
  expected = Buffer.from(convertTfjsLayersToOnnx(pkg.modelJson, pkg.weights).bytes);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (file: string) => readFileSync(file);

describe('build: the learned ×2 upsampler', () => {
  it('the repository’s build output is the in-memory conversion, byte for byte', () => {
    // The CLI target needs it, so the tests' global setup has built it.
    expect(read(path.join(ROOT, LEARNED_UPSAMPLER_OUTPUT)).equals(expected)).toBe(true);
  });

  it('converts once, with a stamp of what went in and came out, and then leaves an up-to-date file alone', async () => {
    const output = path.join(dir, 'fresh', 'rdn-2x.onnx');
    const first = await buildLearnedUpsampler({ output });
    expect(first).toEqual({ file: output, bytes: expected.length, converted: true });
    expect(read(output).equals(expected)).toBe(true);
    const stamp = JSON.parse(read(`${output}.stamp.json`).toString('utf8'));
    expect(stamp).toMatchObject({ source: expect.stringMatching(/^@upscalerjs\/default-model@\d+\.\d+\.\d+$/), sha256: sha256Hex(expected), bytes: expected.length });

    const written = statSync(output).mtimeMs;
    const again = await buildLearnedUpsampler({ output });
    expect(again).toEqual({ file: output, bytes: expected.length, converted: false });
    expect(statSync(output).mtimeMs).toBe(written);
  });

  it('converts again when the output was damaged or the stamp does not match', async () => {
    const output = path.join(dir, 'damaged', 'rdn-2x.onnx');
    await buildLearnedUpsampler({ output });
    writeFileSync(output, expected.subarray(0, 1000)); // half a model
    expect((await buildLearnedUpsampler({ output })).converted).toBe(true);
    expect(read(output).equals(expected)).toBe(true);

    writeFileSync(`${output}.stamp.json`, '{ "inputsSha256": "from another package version"');
    expect((await buildLearnedUpsampler({ output })).converted).toBe(true);
    const stamp = JSON.parse(read(`${output}.stamp.json`).toString('utf8'));
    expect(stamp.sha256).toBe(sha256Hex(expected));
  });

  it('without the package the build fails, naming it and npm ci, and writes nothing', async () => {
    const output = path.join(dir, 'no-package', 'rdn-2x.onnx');
    const nowhere = path.join(dir, 'package.json'); // resolves from a folder with no node_modules
    const e = await buildLearnedUpsampler({ output, resolveFrom: nowhere }).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/converted from the npm package @upscalerjs\/default-model, a devDependency, but it is not installed\. Run "npm ci" in the Tessera folder\.$/);
    expect(() => statSync(output)).toThrow(/ENOENT/);
  });
});
