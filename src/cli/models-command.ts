import { homedir } from 'node:os';
import BUNDLED_MANIFEST from '../../models/manifest.json';
import { isTesseraError, TesseraError } from '../core/errors.js';
import { createNodeSha256 } from '../runtime/cache/node-sha256.js';
import { defaultCacheDir, NodeModelCache } from '../runtime/cache/node-model-cache.js';
import type { Fetch } from '../runtime/download/fetch-following-redirects.js';
import { formatBytes, formatDuration } from '../runtime/download/format-bytes.js';
import { findModel, loadManifest, type Manifest } from '../runtime/models/manifest.js';
import { modelMissingError } from '../runtime/models/model-missing-error.js';
import { modelState, type ModelState } from '../runtime/models/model-state.js';
import { pullModel, type PulledFile, type PullProgress } from '../runtime/models/pull-model.js';
import type { FileVerdict } from '../runtime/models/verify-model.js';
import { parseCommandArgs, usageError } from './args.js';
import { readInputFile, type CliIo } from './io.js';

export const MODELS_HELP = `Usage: tessera models list
       tessera models pull ID
       tessera models verify [ID]
       tessera models rm ID

AI models are downloaded only when you ask, into a cache folder: $TESSERA_CACHE, else
$XDG_CACHE_HOME/tessera, else ~/.cache/tessera.

  list      every model: id, name, size, and whether it is installed, partly downloaded or not
  pull      download a model; each file is checked (sha256 or size) before it counts as installed.
            Ctrl-C stops, and pulling again resumes where it stopped
  verify    re-read installed files and check them again (all models, or ID); damaged files are
            deleted so the next pull fetches them again
  rm        delete a model's files, installed and partial

Example: tessera models pull taesd
`;

/** What the command reaches outside itself; tests pass a loopback fetch, their own env and Ctrl-C. */
export interface ModelsCommandDeps {
  readonly fetch: Fetch;
  readonly env: Record<string, string | undefined>;
  readonly homeDir: string;
  /** Calls `stop` on Ctrl-C; returns the function that stops listening. */
  readonly onInterrupt: (stop: () => void) => () => void;
  readonly retryDelayMs?: number;
}

export function nodeModelsDeps(): ModelsCommandDeps {
  return {
    fetch: (url, init) => fetch(url, init),
    env: process.env,
    homeDir: homedir(),
    onInterrupt: (stop) => {
      process.once('SIGINT', stop);
      return () => process.off('SIGINT', stop);
    },
  };
}

const SUBCOMMANDS = 'list, pull, verify or rm';

export async function modelsCommand(argv: string[], io: CliIo, deps: ModelsCommandDeps = nodeModelsDeps()): Promise<number> {
  const { values, positionals: [sub, ...positionals] } = parseCommandArgs(argv, { manifest: { type: 'string' } });
  const manifest = await readManifest(values.manifest);
  const cache = new NodeModelCache(defaultCacheDir(deps.env, deps.homeDir));
  const id = (verb: string) => {
    if (positionals.length !== 1) throw usageError(`models ${verb} needs one model id (tessera models list shows them).`);
    return positionals[0];
  };
  if (sub === 'list') {
    if (positionals.length) throw usageError('models list takes no arguments.');
    return listModels(manifest, cache, io);
  }
  if (sub === 'pull') return pull(manifest, cache, id('pull'), io, deps);
  if (sub === 'verify') {
    if (positionals.length > 1) throw usageError('models verify takes at most one model id.');
    return verify(manifest, cache, positionals[0], io);
  }
  if (sub === 'rm') return remove(manifest, cache, id('rm'), io);
  throw usageError(sub ? `Unknown models command "${sub}". Use ${SUBCOMMANDS}.` : `models needs a command: ${SUBCOMMANDS}.`);
}

async function readManifest(file: string | undefined): Promise<Manifest> {
  if (file === undefined) return loadManifest(BUNDLED_MANIFEST);
  const text = new TextDecoder().decode(await readInputFile(file));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TesseraError('invalid-input', `${file} is not a JSON model manifest: ${(e as Error).message}`, { cause: e });
  }
  return loadManifest(json);
}

async function listModels(manifest: Manifest, cache: NodeModelCache, io: CliIo): Promise<number> {
  const rows = await Promise.all(manifest.models.map(async (m) => {
    const state = await modelState(cache, m);
    return [m.id, m.name, sizeOf(state), stateOf(state)];
  }));
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) io.stdout(`${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}\n`);
  const known = new Set(manifest.models.map((m) => m.id));
  for (const other of (await cache.list()).filter((m) => !known.has(m.modelId))) {
    io.stdout(`(${other.modelId}: ${formatBytes(other.bytes)} in the cache, not in the manifest; "tessera models rm ${other.modelId}" deletes it)\n`);
  }
  io.stdout(`Cache: ${cache.location}\n`);
  return 0;
}

async function pull(manifest: Manifest, cache: NodeModelCache, id: string, io: CliIo, deps: ModelsCommandDeps): Promise<number> {
  const model = findModel(manifest, id);
  const controller = new AbortController();
  const stopListening = deps.onInterrupt(() => controller.abort());
  const started = performance.now();
  try {
    const result = await pullModel(cache, model, {
      fetch: deps.fetch,
      signal: controller.signal,
      createHash: createNodeSha256,
      ...(deps.retryDelayMs === undefined ? {} : { retryDelayMs: deps.retryDelayMs }),
      onProgress: io.progress ? (p) => io.progress?.(progressLine(p)) : undefined,
      onFile: (f) => io.stdout(`  ${f.name}  ${formatBytes(f.bytes)}  ${checkedText(f)}\n`),
    });
    const state = await modelState(cache, model);
    const where = cache.modelFolder(model.id);
    if (result.alreadyInstalled) {
      io.stdout(`${model.id} is already installed (${formatBytes(state.bytesOnHand)}) in ${where}\n`);
      return 0;
    }
    const seconds = (performance.now() - started) / 1000;
    const speed = seconds > 0 ? `, ${formatBytes(result.downloadedBytes / seconds)}/s` : '';
    io.stdout(`Pulled ${model.id}: ${formatBytes(state.bytesOnHand)} in ${model.files.length} files, ${formatBytes(result.downloadedBytes)} downloaded in ${formatDuration(seconds)}${speed}, into ${where}\n`);
    return 0;
  } catch (e) {
    if (!isTesseraError(e) || e.code !== 'cancelled') throw e;
    const state = await modelState(cache, model);
    io.stderr(`tessera models: cancelled; ${formatBytes(state.bytesOnHand)} of ${model.id} kept. Run "tessera models pull ${model.id}" again to resume.\n`);
    return 130;
  } finally {
    stopListening();
  }
}

async function verify(manifest: Manifest, cache: NodeModelCache, id: string | undefined, io: CliIo): Promise<number> {
  const states = await Promise.all((id === undefined ? manifest.models : [findModel(manifest, id)]).map((m) => modelState(cache, m)));
  const present = states.filter((s) => s.files.some((f) => f.status === 'installed' || f.status === 'stale'));
  if (id !== undefined && present.length === 0) throw modelMissingError(states[0]);
  if (present.length === 0) {
    io.stdout(`No model is installed in ${cache.location}. "tessera models list" shows what there is.\n`);
    return 0;
  }
  let damaged = 0;
  for (const state of present) {
    const report = await cache.verify(state.model, {
      createHash: createNodeSha256,
      onProgress: io.progress ? (p) => io.progress?.(`Verifying ${p.fileName} ${Math.floor((100 * p.checkedBytes) / Math.max(1, p.totalBytes))}%`) : undefined,
    });
    io.stdout(`${state.model.id}: ${report.ok ? 'ok' : report.files.some((f) => f.status === 'damaged') ? 'DAMAGED' : 'incomplete'}\n`);
    const width = Math.max(...report.files.map((f) => f.name.length));
    for (const f of report.files) io.stdout(`  ${f.name.padEnd(width)}  ${verdictText(f)}\n`);
    if (report.files.some((f) => f.status === 'damaged')) {
      damaged++;
      io.stdout(`  Run "tessera models pull ${state.model.id}" to download the deleted files again.\n`);
    }
  }
  return damaged > 0 ? 1 : 0;
}

async function remove(manifest: Manifest, cache: NodeModelCache, id: string, io: CliIo): Promise<number> {
  const cached = (await cache.list()).find((m) => m.modelId === id);
  if (!cached) {
    findModel(manifest, id); // an id that is neither in the manifest nor in the cache is a typo
    io.stdout(`${id} is not in the cache; nothing to remove.\n`);
    return 0;
  }
  const freed = await cache.remove(id);
  io.stdout(`Removed ${id} (${formatBytes(freed)}) from ${cache.location}\n`);
  return 0;
}

function sizeOf(state: ModelState): string {
  return `${state.exact ? '' : '≈'}${formatBytes(state.totalBytes)}`;
}

function stateOf(state: ModelState): string {
  if (state.kind === 'installed') return 'installed';
  if (state.kind === 'missing') return 'not installed';
  return `partial (${Math.min(99, Math.floor((100 * state.bytesOnHand) / Math.max(1, state.totalBytes)))}%)`;
}

function progressLine(p: PullProgress): string {
  const percent = Math.floor((100 * p.modelReceivedBytes) / Math.max(1, p.modelTotalBytes));
  const file = `${p.fileName} (${p.fileIndex + 1}/${p.fileCount}) ${formatBytes(p.receivedBytes)}${p.totalBytes === null ? '' : ` of ${formatBytes(p.totalBytes)}`}`;
  const speed = p.bytesPerSecond > 0 ? `, ${formatBytes(p.bytesPerSecond)}/s` : '';
  const left = p.secondsLeft === null || p.secondsLeft === 0 ? '' : `, ${formatDuration(p.secondsLeft)} left`;
  return `Pulling ${p.modelId} ${percent}%: ${file}${speed}${left}`;
}

function checkedText(f: PulledFile): string {
  switch (f.checkedBy) {
    case 'already-installed': return 'already installed';
    case 'sha256': return 'sha256 ok';
    case 'server-sha256': return "sha256 ok (the server's)";
    case 'size': return 'size ok (no sha256 published)';
  }
}

function verdictText(f: FileVerdict): string {
  if (f.status === 'not-installed') return 'not installed';
  const how = f.checkedBy === 'sha256' ? 'sha256' : f.checkedBy === 'recorded-sha256' ? 'sha256 recorded at download' : 'size only';
  if (f.status === 'ok') return `ok (${how})`;
  return `DAMAGED: expected ${f.expected}, found ${f.actual}${f.removed ? '; deleted' : ''}`;
}
