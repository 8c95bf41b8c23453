import { homedir } from 'node:os';
import BUNDLED_MANIFEST from '../../models/manifest.json';
import { TesseraError } from '../core/errors.js';
import type { ModelRunner, ModelSpec } from '../runtime/model-runner.js';
import { loadManifest, type Manifest } from '../runtime/models/manifest.js';
import { createNodeRunnerFactory } from '../runtime/onnx/node-runner-factory.js';
import type { FetchLike } from '../runtime/remote/inference-client.js';
import { readInputFile } from './io.js';

/** What a command that runs models reaches outside itself; tests pass their own cache folder and runner. */
export interface ModelCliDeps {
  readonly env: Record<string, string | undefined>;
  readonly homeDir: string;
  readonly createRunner: (spec: ModelSpec, bytes: Uint8Array) => Promise<ModelRunner>;
  /** Calls `stop` on Ctrl-C; returns the function that stops listening. */
  readonly onInterrupt: (stop: () => void) => () => void;
  /** The remote client's fetch, for --server; default the platform's. */
  readonly fetch?: FetchLike;
}

export function nodeModelDeps(): ModelCliDeps {
  return {
    env: process.env,
    homeDir: homedir(),
    // onnxruntime-node, GPU provider first; onnxruntime-web wasm where the native addon does not load.
    createRunner: createNodeRunnerFactory(),
    onInterrupt: (stop) => {
      process.once('SIGINT', stop);
      return () => process.off('SIGINT', stop);
    },
  };
}

/** The bundled manifest, or `--manifest FILE` (as `tessera models` takes it, for tests and mirrors). */
export async function readManifest(file: string | undefined): Promise<Manifest> {
  if (file === undefined) return loadManifest(BUNDLED_MANIFEST);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await readInputFile(file)));
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    throw new TesseraError('invalid-input', `${file} is not a JSON model manifest: ${(e as Error).message}`, { cause: e });
  }
  return loadManifest(json);
}
