import * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { serveCommand } from '../../src/cli/serve-command.js';
import { createNodeRunnerFactory } from '../../src/runtime/onnx/node-runner-factory.js';
import { installInFolder, tinyModels, writeManifestFile, type TinyModels } from '../fixtures/tiny-models.js';

/**
 * For the browser tests of the Photoshop and Photopea entries, which keep no models and run them
 * on a server: the tiny fixture models under the real manifest ids (so the panels' defaults pick
 * them), a real `tessera serve` of them on loopback, and the entry bundled with their manifest in
 * place of models/manifest.json (the real one names files of hundreds of MB).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The id the panels generate and refine with by default. */
export const PANEL_MODEL_ID = 'sdxs-512-dreamshaper';

/** The tiny SDXS-like model (its UNet has a patch size: it generates and refines upscales) as `sdxs-512-dreamshaper`, and TAESD's encoder as `taesd`. */
export function panelFixtureModels(): TinyModels {
  return tinyModels({ sdxsId: PANEL_MODEL_ID, flavour: 'optimum', patchLatents: 8 });
}

export interface PanelModelServer {
  readonly url: string;
  /** Everything the server printed: one line per request. */
  readonly log: string[];
  stop(): Promise<void>;
}

/** `tessera serve` of the panel fixture models in this process, on a free loopback port, letting `allowOrigins` (the test pages) call it. */
export async function startPanelModelServer(models: TinyModels, allowOrigins: readonly string[]): Promise<PanelModelServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-panel-server-'));
  installInFolder(path.join(dir, 'cache'), models);
  writeManifestFile(dir, models);
  const log: string[] = [];
  const io: CliIo = { stdout: (t) => void log.push(t), stderr: (t) => void log.push(t), interactive: false };
  let stopSignal: () => void = () => {};
  let listening: (url: string) => void = () => {};
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const done = serveCommand(['--port', '0', '--manifest', path.join(dir, 'manifest.json'), ...allowOrigins.flatMap((o) => ['--allow-origin', o])], io, {
    env: { TESSERA_CACHE: path.join(dir, 'cache') },
    homeDir: path.join(dir, 'home'),
    createRunner: () => createNodeRunnerFactory({ preferred: ['cpu'] }),
    onStopSignal: (s) => ((stopSignal = s), () => {}),
    onListening: (s) => listening(s.url),
  });
  const url = await Promise.race([ready, done.then(() => Promise.reject(new Error(`serve ended early: ${log.join('')}`)))]);
  return { url, log, stop: async () => void (stopSignal(), await done) };
}

/**
 * Bundles a panel entry as build/build.ts does (`options`: its target's format and externals)
 * into `outfile`, with `manifestJson` in place of the bundled models/manifest.json.
 */
export async function bundleEntryWithManifest(entry: string, outfile: string, options: Pick<esbuild.BuildOptions, 'format' | 'external'>, manifestJson: unknown): Promise<void> {
  mkdirSync(path.dirname(outfile), { recursive: true });
  const manifestFile = path.join(path.dirname(outfile), 'fixture-manifest.json');
  writeFileSync(manifestFile, JSON.stringify(manifestJson));
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [path.resolve(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    ...options,
    plugins: [
      {
        name: 'fixture-manifest',
        setup(build) {
          build.onResolve({ filter: /models\/manifest\.json$/ }, () => ({ path: manifestFile }));
        },
      },
    ],
  });
}
