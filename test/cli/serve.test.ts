import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { generateCommand, type GenerateCliDeps } from '../../src/cli/generate-command.js';
import type { CliIo } from '../../src/cli/io.js';
import { serveCommand, type ServeCliDeps } from '../../src/cli/serve-command.js';
import { upscaleCommand, type UpscaleCliDeps } from '../../src/cli/upscale-command.js';
import { decodePng, encodePng } from '../../src/core/codecs/png.js';
import { TesseraError } from '../../src/core/errors.js';
import { createImage } from '../../src/core/image.js';
import { resizeImage } from '../../src/core/resize.js';
import type { CreateRunner } from '../../src/runtime/models/model-file-runner.js';
import { createNodeRunnerFactory } from '../../src/runtime/onnx/node-runner-factory.js';
import { createWorkerRunnerFactory } from '../../src/runtime/worker/worker-runner.js';
import type { InferenceServer } from '../../src/server/inference-server.js';
import { hueSweepImage } from '../fixtures/images.js';
import { installTinyModelCache, TINY_SDXS_ID } from '../fixtures/tiny-models.js';

let dir: string;
let cacheDir: string;
let manifestFile: string;
let input: string;
const stops: (() => Promise<unknown>)[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-serve-cli-'));
  cacheDir = path.join(dir, 'cache');
  manifestFile = installTinyModelCache(dir, cacheDir).manifestFile;
  input = path.join(dir, 'in.png');
  const image = createImage(40, 24);
  for (let i = 0; i < 40 * 24; i++) image.data.set([(i * 7) % 256, 100, 50, i % 4 === 0 ? 0 : 255], i * 4);
  writeFileSync(input, encodePng(image));
});

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A port nothing listens on (one just freed). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), interactive: false };
}

/** `tessera serve` in this process, on a free port, until the test ends. */
async function serve(args: string[] = [], env: Record<string, string> = {}): Promise<{ server: InferenceServer; io: ReturnType<typeof captureIo>; done: Promise<number> }> {
  const io = captureIo();
  let stop: () => void = () => {};
  let listening: (s: InferenceServer) => void = () => {};
  const ready = new Promise<InferenceServer>((resolve) => (listening = resolve));
  const deps: ServeCliDeps = {
    env: { TESSERA_CACHE: cacheDir, ...env },
    homeDir: path.join(dir, 'home'),
    createRunner: (preferred) => createWorkerRunnerFactory({ preferred: preferred ?? ['cpu'], transferInputs: true }),
    onStopSignal: (s) => ((stop = s), () => {}),
    onListening: listening,
  };
  const done = serveCommand(['--port', '0', '--manifest', manifestFile, ...args], io, deps);
  const server = await Promise.race([ready, done.then(() => Promise.reject(new Error(`serve ended early: ${io.out.join('')}`)))]);
  stops.push(() => (stop(), done));
  return { server, io, done };
}

function generateDeps(cache = cacheDir): GenerateCliDeps {
  return {
    env: { TESSERA_CACHE: cache },
    homeDir: path.join(dir, 'home'),
    createRunner: createNodeRunnerFactory({ preferred: ['cpu'] }),
    onInterrupt: () => () => {},
  };
}

async function generate(args: string[], cache = cacheDir): Promise<string> {
  const io = captureIo();
  expect(await generateCommand([input, '--prompt', 'a cat', '--seed', '7', '--model', TINY_SDXS_ID, '--manifest', manifestFile, ...args], io, generateDeps(cache))).toBe(0);
  return io.out.join('');
}

describe('tessera serve', () => {
  it('serves each ONNX file of the installed models under <model id>.<role>, saying what runs it', async () => {
    const { server, io } = await serve();
    const out = io.out.join('');
    for (const name of ['tiny-sdxs.text-encoder', 'tiny-sdxs.unet', 'tiny-sdxs.vae-decoder', 'taesd.vae-encoder']) {
      expect(out).toContain(`  ${name}  on cpu: CPU was asked for\n`);
    }
    expect(out).toContain(`Serving 4 models at ${server.url}. Ctrl-C stops.`);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves only the models named with --models', async () => {
    const { server } = await serve(['--models', 'taesd']);
    const index = (await (await fetch(`${server.url}/v2/repository/index`, { method: 'POST' })).json()) as { name: string }[];
    expect(index.map((m) => m.name)).toEqual(['taesd.vae-encoder']);
  });

  it('Generate through the server gives the same image as Generate in this process', async () => {
    const { server } = await serve();
    const here = path.join(dir, 'here.png');
    const there = path.join(dir, 'there.png');
    await generate(['-o', here]);
    const said = await generate(['-o', there, '--server', server.url]);
    expect(said).toMatch(new RegExp(`Models ran on remote \\(tessera dev at ${server.url.replace(/\./g, '\\.')}, model "tiny-sdxs\\.text-encoder" on cpu`));
    expect(readFileSync(there).equals(readFileSync(here))).toBe(true);
    const image = decodePng(new Uint8Array(readFileSync(there)));
    expect([image.width, image.height]).toEqual([40, 24]);
  });

  it('Generate through the server needs only the tokenizer files here, and runs image-to-image (TAESD encoder) there too', async () => {
    const { server } = await serve();
    const tokenizerOnly = path.join(dir, 'client-cache');
    for (const name of ['tokenizer/vocab.json', 'tokenizer/merges.txt']) {
      mkdirSync(path.join(tokenizerOnly, TINY_SDXS_ID, 'tokenizer'), { recursive: true });
      copyFileSync(path.join(cacheDir, TINY_SDXS_ID, name), path.join(tokenizerOnly, TINY_SDXS_ID, name));
    }
    const out = path.join(dir, 'img2img.png');
    await generate(['-o', out, '--strength', '0.5', '--server', server.url], tokenizerOnly);
    expect(decodePng(new Uint8Array(readFileSync(out))).width).toBe(40);
  });

  it('requires the token when started with one, and Generate passes it with --token', async () => {
    const { server } = await serve(['--token', 'sesame-123']);
    expect((await fetch(`${server.url}/v2`)).status).toBe(401);
    const out = path.join(dir, 'tok.png');
    const e = await generate(['-o', out, '--server', server.url, '--token', 'wrong']).then(() => null, (err: unknown) => err);
    expect(e).toMatchObject({ code: 'network', details: { reason: 'unauthorized' } });
    expect(existsSync(out)).toBe(false);
    await generate(['-o', out, '--server', server.url, '--token', 'sesame-123']);
    expect(existsSync(out)).toBe(true);
  });

  it('Generate with --server and no server there: network, naming the server, and writes nothing', async () => {
    const out = path.join(dir, 'none.png');
    const gone = await freePort();
    const e = await generate(['-o', out, '--server', `http://127.0.0.1:${gone}`]).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(TesseraError);
    expect(e).toMatchObject({ code: 'network', details: { server: `http://127.0.0.1:${gone}`, reason: 'refused' } });
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['--token', 'x'], 'generate', /--token goes with --server URL/],
    [['--ep', 'cuda,gpu'], 'serve', /"gpu" is not an execution provider/],
    [['--allow-origin', 'localhost'], 'serve', /--allow-origin takes a page address/],
    [['extra'], 'serve', /serve takes no arguments/],
  ])('is a usage error when called wrongly: %j', async (args, command, message) => {
    const run = command === 'serve' ? serve(args) : generate(['-o', path.join(dir, 'x.png'), ...args]);
    const e = await run.then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toMatch(message);
  });

  it('says which model is missing and how to get it', async () => {
    const e = await serve(['--models', 'taesd'], { TESSERA_CACHE: path.join(dir, 'empty') }).then(() => null, (err: unknown) => err);
    expect(e).toMatchObject({ code: 'model-missing' });
    expect((e as TesseraError).userMessage).toContain('tessera models pull taesd');
  });
});

describe('Upscale through tessera serve', () => {
  /** The upscale fixtures (a UNet with a patch size) installed in a cache of their own, and their manifest. */
  function installUpscaleModels(): { cache: string; manifest: string } {
    const cache = path.join(dir, 'upscale', 'cache');
    return { cache, manifest: installTinyModelCache(path.join(dir, 'upscale'), cache, { patchLatents: 8 }).manifestFile };
  }

  async function upscale(args: string[], cache: string, createRunner: CreateRunner = createNodeRunnerFactory({ preferred: ['cpu'] })): Promise<string> {
    const io = captureIo();
    const deps: UpscaleCliDeps = {
      env: { TESSERA_CACHE: cache },
      homeDir: path.join(dir, 'home'),
      createRunner,
      onInterrupt: () => () => {},
      learnedUpsamplerBytes: () => Promise.reject(new Error('the learned upsampler is not asked for')),
    };
    expect(await upscaleCommand(args, io, deps)).toBe(0);
    return io.out.join('');
  }

  it('refines ×2 on the server, calling its UNet once per patch, and gives the same bytes as in this process', async () => {
    const { cache, manifest } = installUpscaleModels();
    const photo = path.join(dir, 'photo.png');
    writeFileSync(photo, encodePng(hueSweepImage(40, 24)));
    const flags = ['--scale', '2', '--steps', '2', '--seed', '5', '--prompt', 'a cat', '--manifest', manifest];

    const here = path.join(dir, 'upscaled-here.png');
    let unetCallsHere = 0;
    const local = createNodeRunnerFactory({ preferred: ['cpu'] });
    await upscale([photo, '-o', here, ...flags], cache, async (spec, bytes) => {
      const runner = await local(spec, bytes);
      if (!spec.id.endsWith('unet.onnx')) return runner;
      return { ...runner, run: (feeds, options) => (unetCallsHere++, runner.run(feeds, options)), release: () => runner.release() };
    });
    expect(unetCallsHere).toBeGreaterThan(0);

    const { server, io } = await serve(['--manifest', manifest], { TESSERA_CACHE: cache });
    const there = path.join(dir, 'upscaled-there.png');
    // Only the tokenizer is needed on this side.
    const tokenizerOnly = path.join(dir, 'client-cache');
    for (const name of ['tokenizer/vocab.json', 'tokenizer/merges.txt']) {
      mkdirSync(path.join(tokenizerOnly, TINY_SDXS_ID, 'tokenizer'), { recursive: true });
      copyFileSync(path.join(cache, TINY_SDXS_ID, name), path.join(tokenizerOnly, TINY_SDXS_ID, name));
    }
    const said = await upscale([photo, '-o', there, ...flags, '--server', server.url], tokenizerOnly, () => Promise.reject(new Error('no model should load here')));

    const patches = Number(said.match(/\(80×48, Lanczos \+ tiny-sdxs: 1 stage, (\d+) patches, slider \d+\/2, seed 5\)/)?.[1]);
    expect(patches).toBe(unetCallsHere);
    expect(said).toContain(`Models ran on remote (tessera dev at ${server.url}`);
    const log = io.out.join('');
    const served = (name: string) => (log.match(new RegExp(`POST /v2/models/tiny-sdxs\\.${name}/infer 200 `, 'g')) ?? []).length;
    expect(served('unet')).toBe(unetCallsHere);
    expect(served('text-encoder')).toBeGreaterThan(0);
    expect(served('vae-decoder')).toBeGreaterThan(0);
    expect((log.match(/POST \/v2\/models\/taesd\.vae-encoder\/infer 200 /g) ?? []).length).toBeGreaterThan(0);

    expect(readFileSync(there).equals(readFileSync(here))).toBe(true);
    const image = decodePng(new Uint8Array(readFileSync(there)));
    expect([image.width, image.height]).toEqual([80, 48]);
    // Refined, not just resized.
    expect(Buffer.from(image.data).equals(Buffer.from(resizeImage(hueSweepImage(40, 24), 80, 48, 'lanczos3').data))).toBe(false);
  });
});

describe('the bundled tessera serve', () => {
  it('serves, Generate --server runs through it, and SIGTERM stops it after the requests in flight', async () => {
    const bin = path.resolve(import.meta.dirname, '../../bin/tessera.js');
    const env = { ...process.env, TESSERA_CACHE: cacheDir, HOME: path.join(dir, 'home') };
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--manifest', manifestFile, '--ep', 'cpu'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    stops.push(async () => void (child.exitCode === null && child.kill('SIGKILL')));
    const url = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const m = out.match(/Serving 4 models at (http:\/\/127\.0\.0\.1:\d+)/);
        if (m) {
          clearInterval(poll);
          resolve(m[1]);
        }
      }, 20);
      void exited.then(() => (clearInterval(poll), reject(new Error(`serve exited: ${out}`))));
    });
    const output = path.join(dir, 'bundled.png');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'generate', input, '-o', output, '--prompt', 'a cat', '--model', TINY_SDXS_ID, '--manifest', manifestFile, '--server', url], { env });
    expect(stdout).toContain('Models ran on remote');
    expect(decodePng(new Uint8Array(readFileSync(output))).width).toBe(40);
    expect(out).toMatch(/POST \/v2\/models\/tiny-sdxs\.unet\/infer 200 \d+ms/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('Stopping: finishing the requests in flight…\nStopped.\n');
  });
});
