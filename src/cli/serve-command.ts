import { homedir } from 'node:os';
import { TesseraError } from '../core/errors.js';
import { defaultCacheDir, NodeModelCache } from '../runtime/cache/node-model-cache.js';
import type { CreateRunner } from '../runtime/models/model-file-runner.js';
import { isOrtNodeExecutionProvider, type OrtNodeExecutionProvider } from '../runtime/onnx/ort-node-module.js';
import { DEFAULT_SERVE_PORT } from '../runtime/remote/default-server.js';
import { createWorkerRunnerFactory } from '../runtime/worker/worker-runner.js';
import { defaultAllowedOrigins, originOf } from '../server/access-policy.js';
import { startInferenceServer, type InferenceServer } from '../server/inference-server.js';
import { servedEntries } from '../server/model-files.js';
import { loadServedModels } from '../server/served-model.js';
import { parseCommandArgs, parseNumberArg, usageError } from './args.js';
import type { CliIo } from './io.js';
import { readManifest } from './model-deps.js';

declare const TESSERA_VERSION: string;

export const SERVE_HELP = `Usage: tessera serve [--port P] [--host H] [--models ID,...] [--token T] [options]

Serves the installed models over the Open Inference Protocol (KServe v2, as NVIDIA Triton speaks
it), so "tessera generate --server URL", the panel's Compute setting (a Photoshop panel has no
GPU access of its own) or any KServe v2 client can run them here. Each ONNX file of a model is one
served model, named <model id>.<file role>: sdxs-512-dreamshaper.unet, taesd.vae-encoder. Runs on
onnxruntime-node with the first execution provider that works (a GPU when the platform's build has
one that works, else the CPU) and says which. The served models' other files (their tokenizers)
are given out read-only under /tessera/v1/models, for panels that keep no models of their own.
Ctrl-C stops it after the requests in flight.

  --port P            the port                                                          [${DEFAULT_SERVE_PORT}]
  --host H            the address to listen on; one other than loopback needs --token  [127.0.0.1]
  --models ID,...     the manifest models to serve (tessera models list)   [every installed model]
  --token T           clients must send "Authorization: Bearer T" (default $TESSERA_TOKEN);
                      the health endpoints stay open
  --ep LIST           execution providers to try, in order: cuda, tensorrt, dml, coreml, webgpu,
                      cpu                                [GPU ones for this platform, then cpu]
  --allow-origin URL  a web page origin that may call the server, besides Tessera's own
                      (the Photopea plugin page, the standalone editor); repeatable
  --max-request-mb N  the largest request body, in MiB                                    [64]
  --queue N           requests that may wait per model while one runs; more get 503        [16]

Example: tessera serve --models sdxs-512-dreamshaper,taesd
`;

/** What the command reaches outside itself; tests pass their own cache and stop the server themselves. */
export interface ServeCliDeps {
  readonly env: Record<string, string | undefined>;
  readonly homeDir: string;
  /** Default onnxruntime-node with the --ep providers, each model in a worker thread. */
  readonly createRunner?: (preferred: readonly OrtNodeExecutionProvider[] | undefined) => CreateRunner;
  /** Calls `stop` on SIGINT or SIGTERM; returns the function that stops listening. */
  readonly onStopSignal: (stop: () => void) => () => void;
  /** Told of the running server (tests read its URL). */
  readonly onListening?: (server: InferenceServer) => void;
}

export async function serveCommand(argv: string[], io: CliIo, deps: ServeCliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    models: { type: 'string' },
    token: { type: 'string' },
    ep: { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    'max-request-mb': { type: 'string' },
    queue: { type: 'string' },
    manifest: { type: 'string' },
  });
  if (positionals.length > 0) throw usageError(`serve takes no arguments (got "${positionals[0]}").`);
  const port = values.port === undefined ? DEFAULT_SERVE_PORT : wholeNumber('--port', values.port, 0, 65535);
  const maxRequestMb = values['max-request-mb'] === undefined ? 64 : wholeNumber('--max-request-mb', values['max-request-mb'], 1, 4096);
  const queue = values.queue === undefined ? 16 : wholeNumber('--queue', values.queue, 0, 10_000);
  const ids = values.models === undefined ? null : values.models.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids !== null && ids.length === 0) throw usageError('--models needs at least one model id.');
  const providers = values.ep === undefined ? undefined : values.ep.split(',').map((s) => s.trim().toLowerCase());
  const unknownProvider = providers?.find((p) => !isOrtNodeExecutionProvider(p));
  if (unknownProvider !== undefined) throw usageError(`--ep: "${unknownProvider}" is not an execution provider (cuda, tensorrt, dml, coreml, webgpu, cpu).`);
  const extraOrigins = (values['allow-origin'] ?? []).map((text) => {
    const origin = originOf(text);
    if (origin === null) throw usageError(`--allow-origin takes a page address like http://localhost:8080, not "${text}".`);
    return origin;
  });
  const token = values.token ?? deps.env.TESSERA_TOKEN;

  const manifest = await readManifest(values.manifest);
  const cache = new NodeModelCache(defaultCacheDir(deps.env, deps.homeDir));
  // Each model in a worker thread, so the server keeps answering while one computes; the server
  // never reads a request's tensors after the run, so they move to the worker uncopied.
  const createRunner = (deps.createRunner ?? ((p) => createWorkerRunnerFactory({ preferred: p, transferInputs: true })))(providers as OrtNodeExecutionProvider[] | undefined);
  const loading = new AbortController();
  let stopRequested: () => void = () => loading.abort();
  const stopListening = deps.onStopSignal(() => stopRequested());
  try {
    io.stdout(`Loading models from ${cache.location}…\n`);
    const models = await loadServedModels(cache, manifest, {
      ids,
      createRunner,
      signal: loading.signal,
      onLoaded: (m) => io.stdout(`  ${m.name}  on ${m.runner.backend}: ${m.runner.backendReason}\n`),
    });
    let server: InferenceServer;
    try {
      server = await startInferenceServer({
        models,
        // The tokenizers of the served models, for panels that keep no model store (Photoshop, Photopea).
        files: { cache, models: servedEntries(manifest, models) },
        host: values.host ?? '127.0.0.1',
        port,
        token,
        allowedOrigins: [...defaultAllowedOrigins(), ...extraOrigins],
        maxRequestBytes: maxRequestMb * 1024 * 1024,
        maxQueuePerModel: queue,
        log: (line) => io.stdout(`${line}\n`),
        version: typeof TESSERA_VERSION === 'string' ? TESSERA_VERSION : 'dev',
      });
    } catch (e) {
      for (const m of models.reverse()) await m.runner.release();
      throw e;
    }
    const stopped = new Promise<void>((resolve) => {
      stopRequested = () => {
        io.stdout('Stopping: finishing the requests in flight…\n');
        server.close().then(resolve, resolve);
      };
    });
    io.stdout(`Serving ${models.length} model${models.length === 1 ? '' : 's'} at ${server.url}${token ? ' (token required)' : ''}. Ctrl-C stops.\n`);
    deps.onListening?.(server);
    await stopped;
    io.stdout('Stopped.\n');
    return 0;
  } catch (e) {
    if (loading.signal.aborted) throw new TesseraError('cancelled', 'Stopped before the models were loaded.', { cause: e });
    throw e;
  } finally {
    stopListening();
  }
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = parseNumberArg(flag, text);
  if (!Number.isInteger(n) || n < min || n > max) throw new TesseraError('invalid-input', `${flag} takes a whole number from ${min} to ${max}, not "${text}".`);
  return n;
}

export function nodeServeDeps(): ServeCliDeps {
  return {
    env: process.env,
    homeDir: homedir(),
    onStopSignal: (stop) => {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      };
    },
  };
}
