import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import type { CliIo } from '../../src/cli/io.js';
import { MODELS_HELP, modelsCommand, type ModelsCommandDeps } from '../../src/cli/models-command.js';
import { TesseraError } from '../../src/core/errors.js';
import type { FileServer } from '../runtime/download/file-server.js';
import { loopbackManifestJson, startModelServer, TINY_FILES } from '../runtime/models/loopback-manifest.js';

let server: FileServer;
let dir: string;
let cacheDir: string;
let manifestFile: string;

beforeEach(async () => {
  server = await startModelServer();
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-models-cli-'));
  cacheDir = path.join(dir, 'cache');
  manifestFile = path.join(dir, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify(loopbackManifestJson(server)));
});
afterEach(async () => {
  await server.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  progress: string[];
}

/** Runs `tessera models …` in-process with a loopback fetch, TESSERA_CACHE in a temp folder. */
async function models(args: string[], options: { interactive?: boolean; onProgressLine?: (line: string, interrupt: () => void) => void } = {}): Promise<Run> {
  const out: Run = { code: -1, stdout: '', stderr: '', progress: [] };
  let interrupt = () => {};
  const io: CliIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    interactive: options.interactive ?? false,
    ...(options.interactive
      ? {
          progress: (line: string) => {
            out.progress.push(line);
            options.onProgressLine?.(line, interrupt);
          },
        }
      : {}),
  };
  const deps: ModelsCommandDeps = {
    fetch: (url, init) => fetch(url, init),
    env: { TESSERA_CACHE: cacheDir },
    homeDir: path.join(dir, 'home'),
    onInterrupt: (stop) => {
      interrupt = stop;
      return () => {
        interrupt = () => {};
      };
    },
    retryDelayMs: 1,
  };
  out.code = await modelsCommand([...args, '--manifest', manifestFile], io, deps);
  return out;
}

async function fails(args: string[]): Promise<Error> {
  const e = await models(args).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe('tessera models (in-process)', () => {
  it('list shows each model with its size and state, and where the cache is', async () => {
    const r = await models(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'tiny-vae  Tiny VAE          1.0 MB  not installed\n' +
        'plain     Plain tokenizer  ≈5.0 kB  not installed\n' +
        `Cache: ${cacheDir}\n`,
    );
  });

  it('pull downloads and verifies each file, says so, and list then shows it installed', async () => {
    const r = await models(['pull', 'tiny-vae']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}vae_encoder\/model\.onnx {2}700\.0 kB {2}sha256 ok\n {2}vae_decoder\/model\.onnx {2}300\.0 kB {2}sha256 ok\n/);
    expect(r.stdout).toMatch(/Pulled tiny-vae: 1\.0 MB in 2 files, 1\.0 MB downloaded in \d+ s.*, into .*tiny-vae\n$/);
    expect(r.progress).toEqual([]); // not a terminal: no progress lines
    expect(readFileSync(path.join(cacheDir, 'tiny-vae', 'vae_decoder', 'model.onnx')).equals(Buffer.from(TINY_FILES.decoder))).toBe(true);
    expect((await models(['list'])).stdout).toMatch(/^tiny-vae .* 1\.0 MB {2}installed\n/);
    expect((await models(['pull', 'tiny-vae'])).stdout).toMatch(/tiny-vae is already installed \(1\.0 MB\)/);
  });

  it('shows progress with sizes, speed and file count on a terminal', async () => {
    const r = await models(['pull', 'tiny-vae'], { interactive: true });
    expect(r.code).toBe(0);
    expect(r.progress.length).toBeGreaterThan(2);
    expect(r.progress.at(-1)).toMatch(/^Pulling tiny-vae 100%: vae_decoder\/model\.onnx \(2\/2\) 300\.0 kB of 300\.0 kB/);
    expect(r.progress[0]).toMatch(/^Pulling tiny-vae 0%: vae_encoder\/model\.onnx \(1\/2\) 0 B of 700\.0 kB$/);
  });

  it('says when the manifest has no sha256 and only the size was checked', async () => {
    const r = await models(['pull', 'plain']);
    expect(r.stdout).toMatch(/tokenizer\/vocab\.json {2}5\.0 kB {2}size ok \(no sha256 published\)/);
  });

  it('Ctrl-C keeps the partial (list shows it), exits 130, and the next pull resumes', async () => {
    server.files['/tiny/encoder.onnx'].stallAfter = 350_000;
    const r = await models(['pull', 'tiny-vae'], {
      interactive: true,
      onProgressLine: (line, interrupt) => {
        if (/ (3\d\d|[4-6]\d\d)\.\d kB of 700/.test(line)) interrupt();
      },
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/cancelled; .* of tiny-vae kept\. Run "tessera models pull tiny-vae" again to resume\./);
    expect(existsSync(path.join(cacheDir, 'tiny-vae', 'vae_encoder', 'model.onnx'))).toBe(false);
    expect((await models(['list'])).stdout).toMatch(/^tiny-vae .* partial \(3\d%\)\n/);

    delete server.files['/tiny/encoder.onnx'].stallAfter;
    const again = await models(['pull', 'tiny-vae']);
    expect(again.code).toBe(0);
    expect(server.requests.filter((q) => q.path === '/tiny/encoder.onnx').at(-1)?.range).toMatch(/^bytes=3\d{5}-$/);
  });

  it('a corrupt download fails with checksum-mismatch and leaves nothing installed', async () => {
    const corrupt = TINY_FILES.encoder.slice();
    corrupt[5] ^= 1;
    server.files['/tiny/encoder.onnx'].bytes = corrupt;
    const e = await fails(['pull', 'tiny-vae']);
    expect(e).toMatchObject({ code: 'checksum-mismatch' });
    expect((e as TesseraError).userMessage).toMatch(/vae_encoder\/model\.onnx did not download correctly.*deleted/);
    expect((await models(['list'])).stdout).toMatch(/^tiny-vae .* not installed\n/);
  });

  it('a 404 is a network error naming the URL and the status', async () => {
    delete server.files['/tiny/encoder.onnx'];
    const e = (await fails(['pull', 'tiny-vae'])) as TesseraError;
    expect(e.code).toBe('network');
    expect(e.userMessage).toContain(server.url('/tiny/encoder.onnx'));
    expect(e.userMessage).toMatch(/404/);
  });

  it('verify passes installed models, then finds, reports and deletes a damaged file', async () => {
    expect((await models(['verify'])).stdout).toMatch(/^No model is installed in /);
    await models(['pull', 'tiny-vae']);
    const ok = await models(['verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('tiny-vae: ok\n  vae_encoder/model.onnx  ok (sha256)\n  vae_decoder/model.onnx  ok (sha256)\n');

    const file = path.join(cacheDir, 'tiny-vae', 'vae_decoder', 'model.onnx');
    const bytes = readFileSync(file);
    bytes[99] ^= 0xff;
    writeFileSync(file, bytes);
    const bad = await models(['verify', 'tiny-vae']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^tiny-vae: DAMAGED\n/);
    expect(bad.stdout).toMatch(/vae_decoder\/model\.onnx {2}DAMAGED: expected sha256 [0-9a-f]{64}, found sha256 [0-9a-f]{64}; deleted\n/);
    expect(bad.stdout).toMatch(/Run "tessera models pull tiny-vae" to download the deleted files again\./);
    expect(existsSync(file)).toBe(false);
  });

  it('verify ID of a model that is not installed says how to get it', async () => {
    const e = (await fails(['verify', 'tiny-vae'])) as TesseraError;
    expect(e.code).toBe('model-missing');
    expect(e.userMessage).toMatch(/Tiny VAE \(tiny-vae, 1\.0 MB\) is not installed\. Get it with "tessera models pull tiny-vae"/);
  });

  it('rm deletes installed and partial files, and says when there is nothing to remove', async () => {
    await models(['pull', 'tiny-vae']);
    const r = await models(['rm', 'tiny-vae']);
    expect(r.stdout).toBe(`Removed tiny-vae (1.0 MB) from ${cacheDir}\n`);
    expect(existsSync(path.join(cacheDir, 'tiny-vae'))).toBe(false);
    expect((await models(['rm', 'tiny-vae'])).stdout).toBe('tiny-vae is not in the cache; nothing to remove.\n');
  });

  it('list mentions folders the manifest does not know, and rm removes them', async () => {
    await models(['pull', 'plain']);
    const other = JSON.parse(readFileSync(manifestFile, 'utf8'));
    other.models = other.models.filter((m: { id: string }) => m.id !== 'plain');
    writeFileSync(manifestFile, JSON.stringify(other));
    expect((await models(['list'])).stdout).toMatch(/\(plain: 5\.0 kB in the cache, not in the manifest; "tessera models rm plain" deletes it\)/);
    expect((await models(['rm', 'plain'])).stdout).toMatch(/^Removed plain \(5\.0 kB\)/);
  });

  it.each<[string[], RegExp]>([
    [[], /models needs a command: list, pull, verify or rm/],
    [['fetch'], /Unknown models command "fetch"/],
    [['pull'], /models pull needs one model id/],
    [['rm', 'a', 'b'], /models rm needs one model id/],
    [['list', 'x'], /models list takes no arguments/],
    [['pull', 'x', '--force'], /Unknown option '--force'/],
  ])('%j is a usage error', async (args, message) => {
    const e = await fails(args);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(message);
  });

  it('an unknown id lists the known ones; a broken manifest file is named', async () => {
    expect(await fails(['pull', 'huge'])).toMatchObject({ code: 'invalid-input', userMessage: expect.stringMatching(/no model "huge".*tiny-vae, plain/) });
    writeFileSync(manifestFile, '{ not json');
    expect(await fails(['list'])).toMatchObject({ code: 'invalid-input', userMessage: expect.stringMatching(/manifest\.json is not a JSON model manifest/) });
    writeFileSync(manifestFile, JSON.stringify({ schemaVersion: 1, notes: [], models: [{ id: 'x' }] }));
    expect(await fails(['list'])).toMatchObject({ code: 'invalid-input', userMessage: expect.stringMatching(/manifest\.models\[0\]\.name must be a non-empty string/) });
  });

  it('uses the bundled manifest by default, and downloads nothing for list', async () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => void out.push(t), stderr: () => {}, interactive: false };
    const noFetch: ModelsCommandDeps['fetch'] = () => Promise.reject(new Error('list must not touch the network'));
    const code = await modelsCommand(['list'], io, { fetch: noFetch, env: { TESSERA_CACHE: cacheDir }, homeDir: dir, onInterrupt: () => () => {} });
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/^sdxs-512-dreamshaper {2}SDXS-512 DreamShaper \(WebGPU ONNX export\) {2}882\.1 MB {2}not installed\ntaesd .* ≈9\.8 MB {2}not installed\n/);
  });

  it('has help text in the style of the other commands', () => {
    expect(MODELS_HELP).toMatch(/^Usage: tessera models list\n/);
    expect(MODELS_HELP).toMatch(/TESSERA_CACHE/);
    expect(MODELS_HELP).not.toMatch(/--manifest/); // a hidden option, for tests and mirrors
  });
});

/**
 * The real bundle (bin/tessera.js → dist/cli, built by test/global-setup.ts). Runs once the
 * command table in src/cli/main.ts has `models`; until then the bundle does not know it.
 */
const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/tessera.js');
async function tessera(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
const bundleHasModels = existsSync(bin) && /\bmodels\b/.test((await tessera(['--help'], {})).stdout);

describe.skipIf(!bundleHasModels)('tessera models (the bundled CLI)', () => {
  it('lists, pulls and lists again against a local manifest, with TESSERA_CACHE in a temp folder', async () => {
    const env = { TESSERA_CACHE: cacheDir };
    const list = await tessera(['models', 'list', '--manifest', manifestFile], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^tiny-vae .* not installed\n/);
    const pull = await tessera(['models', 'pull', 'tiny-vae', '--manifest', manifestFile], env);
    expect(pull).toMatchObject({ code: 0, stderr: '' });
    expect(pull.stdout).toMatch(/Pulled tiny-vae: 1\.0 MB in 2 files/);
    expect((await tessera(['models', 'list', '--manifest', manifestFile], env)).stdout).toMatch(/^tiny-vae .* installed\n/);
    const missing = await tessera(['models', 'pull', 'nope', '--manifest', manifestFile], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tessera models: There is no model "nope"/);
  });

  it('shows the help and lists the bundled manifest without any network', async () => {
    expect((await tessera(['models', '--help'], {})).stdout).toBe(MODELS_HELP);
    const list = await tessera(['models', 'list'], { TESSERA_CACHE: cacheDir });
    expect(list.stdout).toMatch(/^sdxs-512-dreamshaper .* 882\.1 MB {2}not installed\n/);
  });
});
