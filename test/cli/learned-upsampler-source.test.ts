import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LEARNED_UPSAMPLER_FILE,
  packagedLearnedUpsampler,
  readLearnedUpsampler,
  readLearnedUpsamplerPackage,
} from '../../src/cli/learned-upsampler-source.js';
import { decodePng, encodePng } from '../../src/core/codecs/png.js';
import { resizeImage } from '../../src/core/resize.js';
import { convertTfjsLayersToOnnx } from '../../src/runtime/convert/tfjs-layers-to-onnx.js';
import { hueSweepImage } from '../fixtures/images.js';
import { nearestUpsamplerFixture } from '../fixtures/onnx/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'tessera-learned-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** RDN ×2 converted here, in memory, from the installed package: what every source must give. */
async function convertedInMemory(): Promise<Uint8Array> {
  const pkg = await readLearnedUpsamplerPackage();
  return convertTfjsLayersToOnnx(pkg.modelJson, pkg.weights).bytes;
}

describe('the CLI’s learned ×2 upsampler', () => {
  it('prefers the built file when it is there: its bytes, not a conversion', async () => {
    const built = path.join(dir, 'built.onnx');
    const standIn = nearestUpsamplerFixture().bytes;
    writeFileSync(built, standIn);
    expect(Buffer.from(await readLearnedUpsampler(built)).equals(Buffer.from(standIn))).toBe(true);
  });

  it('converts the npm package when there is no built file (running from source)', async () => {
    const expected = Buffer.from(await convertedInMemory());
    expect(Buffer.from(await readLearnedUpsampler(path.join(dir, 'not-built.onnx'))).equals(expected)).toBe(true);
    // From src/cli/ the built file would be src/models/rdn-2x.onnx, which no build makes.
    expect(Buffer.from(await packagedLearnedUpsampler()).equals(expected)).toBe(true);
  });

  it('an unreadable built file is model-missing, naming the file and the way out', async () => {
    const e = await readLearnedUpsampler(dir).catch((x: unknown) => x); // a folder: EISDIR
    expect(e).toMatchObject({ code: 'model-missing', details: { file: dir } });
    expect((e as { userMessage: string }).userMessage).toMatch(/Run "npm run build" in the Tessera folder, or use --upsampler lanczos\.$/);
  });

  it('the bundled CLI reads models/rdn-2x.onnx beside its own folder', async () => {
    // The bundle copied into a dist-like tree of its own (inside the repository, so node_modules
    // resolves), with a nearest-neighbour ×2 as its "built" network: the output shows which ran.
    const tree = path.join(ROOT, 'test-artifacts', `learned-source-${process.pid}`);
    try {
      mkdirSync(path.join(tree, 'cli'), { recursive: true });
      mkdirSync(path.join(tree, 'models'), { recursive: true });
      copyFileSync(path.join(ROOT, 'dist/cli/tessera.js'), path.join(tree, 'cli/tessera.js'));
      writeFileSync(path.join(tree, 'models', LEARNED_UPSAMPLER_FILE), nearestUpsamplerFixture().bytes);
      const source = hueSweepImage(20, 14);
      writeFileSync(path.join(dir, 'in.png'), encodePng(source));
      const out = path.join(dir, 'out.png');
      await promisify(execFile)(process.execPath, [path.join(tree, 'cli/tessera.js'), 'upscale', path.join(dir, 'in.png'), '-o', out, '--upsampler', 'learned'], {
        env: { ...process.env, TESSERA_CACHE: path.join(dir, 'cache'), HOME: path.join(dir, 'home') },
      });
      const result = decodePng(new Uint8Array(readFileSync(out)));
      expect(Buffer.from(result.data).equals(Buffer.from(resizeImage(source, 40, 28, 'nearest').data))).toBe(true);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
