import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../src/core/random.js';
import type { ModelRunner, ModelSpec } from '../../src/runtime/model-runner.js';
import { createRemoteRunner } from '../../src/runtime/remote/remote-runner.js';
import { connectInferenceServer } from '../../src/runtime/remote/remote-server.js';
import { createTensor, type Tensor } from '../../src/runtime/tensor.js';
import { installTinyModelCache } from '../../test/fixtures/tiny-models.js';
import { servedFixture } from '../../test/server/served-fixtures.js';
import { maxAbsDiff } from '../../test/fixtures/onnx/index.js';
import { printTarget, type BenchContext, type Suite, type TargetResult } from '../suite.js';
import { formatMs, printTable } from '../table.js';

/**
 * N concurrent clients against one `tessera serve` on loopback (its own process, started from the
 * sources with tsx, onnxruntime-node CPU): throughput, p50/p99 latency per request, every output
 * checked against the fixture's TS reference, and the server's RSS before and after (a leak shows
 * as growth from one round to the next). Two cases: the tiny UNet (small tensors, JSON) and the
 * TAESD encoder on a 256² image (768 KiB in, binary tensor data).
 *
 * Suite.run is synchronous and the clients are async, so the measurement runs in a child Node
 * process (this file with --child, through tsx) and reports JSON on its last stdout line.
 */

const CLIENTS = 8;
const RSS_GROWTH_TARGET_MB = 20;

interface CaseReport {
  readonly name: string;
  readonly requests: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly wrong: number;
}

interface ChildReport {
  readonly clients: number;
  readonly rounds: number;
  readonly cases: CaseReport[];
  /** Server RSS in MB: after warm-up, after each load round. */
  readonly rssMb: number[];
}

export const serveLoadSuite: Suite = {
  name: 'serve-load',
  title: `serve-load: ${CLIENTS} concurrent clients against tessera serve on loopback (tiny models, onnxruntime-node CPU)`,
  run(ctx: BenchContext): readonly TargetResult[] {
    const perClient = Math.max(5, ctx.plan.runs * 2);
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(perClient)], { encoding: 'utf8', maxBuffer: 16 << 20, timeout: 600_000 });
    const lastLine = child.stdout?.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !lastLine.startsWith('{')) {
      const why = child.error?.message ?? `exit ${child.status}: ${(child.stderr ?? '').trim().split('\n').slice(-5).join(' / ')}`;
      const failed: TargetResult = { suite: 'serve-load', target: 'correct outputs, no RSS growth', measured: `not measured (${why})`, met: false };
      printTarget(failed);
      return [failed];
    }
    const report = JSON.parse(lastLine) as ChildReport;
    console.log(`${report.clients} clients × ${perClient} requests each, ${report.rounds} rounds per case; latency = one ModelRunner.run() through the server (encode, HTTP, queue, run, decode, checks).`);
    printTable(
      'serve-load · per case, all rounds',
      [{ title: 'case' }, { title: 'requests', align: 'right' }, { title: 'req/s', align: 'right' }, { title: 'p50 ms', align: 'right' }, { title: 'p99 ms', align: 'right' }, { title: 'wrong outputs', align: 'right' }],
      report.cases.map((c) => [c.name, String(c.requests), (c.requests / c.seconds).toFixed(0), formatMs(c.p50Ms), formatMs(c.p99Ms), String(c.wrong)]),
    );
    const [warm, ...after] = report.rssMb;
    console.log(`server RSS: ${warm.toFixed(0)} MB after warm-up; ${after.map((r) => r.toFixed(0)).join(' → ')} MB after each round`);
    // RSS moves with the garbage collector; a leak shows as a climb that the last round keeps.
    const growth = after[after.length - 1] - after[0];
    const wrong = report.cases.reduce((n, c) => n + c.wrong, 0);
    const results: TargetResult[] = [
      { suite: 'serve-load', target: 'every output correct under concurrent load', measured: `${wrong} wrong of ${report.cases.reduce((n, c) => n + c.requests, 0)}`, met: wrong === 0 },
      {
        suite: 'serve-load',
        target: `server RSS grows < ${RSS_GROWTH_TARGET_MB} MB from the first load round to the last`,
        measured: `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (${after.map((r) => r.toFixed(0)).join(' → ')} MB)`,
        met: growth < RSS_GROWTH_TARGET_MB,
      },
    ];
    results.forEach(printTarget);
    return results;
  },
};

// ---- the child: a server process and async clients ---------------------------------------------

const ROUNDS = 4;

async function startServer(dir: string): Promise<{ url: string; process: ChildProcess }> {
  const cacheDir = path.join(dir, 'cache');
  const { manifestFile } = installTinyModelCache(dir, cacheDir);
  const cli = fileURLToPath(new URL('../../src/cli/tessera.ts', import.meta.url));
  const server = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--port', '0', '--ep', 'cpu', '--manifest', manifestFile, '--queue', '64'], {
    env: { ...process.env, TESSERA_CACHE: cacheDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/ at (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`tessera serve exited (${code}): ${out}`)));
  });
  server.stdout!.resume(); // request logs: read and dropped
  return { url, process: server };
}

/** Resident memory of a process, in MB (Linux /proc, else ps). */
function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
  } catch {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024; // no /proc: macOS
  }
}

interface LoadCase {
  readonly name: string;
  readonly model: string;
  readonly spec: ModelSpec;
  feeds(seed: number): Record<string, Tensor>;
  reference(feeds: Record<string, Tensor>): Record<string, Tensor>;
}

function cases(): LoadCase[] {
  const unet = servedFixture('unet');
  const encoder = servedFixture('vae-encoder');
  return [
    { name: 'tiny UNet (6 KB in, JSON)', model: unet.name, spec: unet.fixture.spec, feeds: (s) => unet.fixture.sampleFeeds(s), reference: (f) => unet.fixture.reference(f) },
    {
      name: 'TAESD encoder, 256² image (768 KiB in, binary)',
      model: encoder.name,
      spec: encoder.fixture.spec,
      feeds: (s) => {
        const rng = createRng(s);
        return { sample: createTensor('float32', Float32Array.from({ length: 3 * 256 * 256 }, () => rng.next() * 2 - 1), [1, 3, 256, 256]) };
      },
      reference: (f) => encoder.fixture.reference(f),
    },
  ];
}

/** Feeds and their reference outputs, made before timing so the clients' own work stays out of the figures. */
interface Prepared {
  readonly feeds: Record<string, Tensor>;
  readonly expected: Record<string, Tensor>;
}

function prepare(c: LoadCase, count: number, seedBase: number): Prepared[] {
  return Array.from({ length: count }, (_, i) => {
    const feeds = c.feeds(seedBase + i);
    return { feeds, expected: c.reference(feeds) };
  });
}

async function round(runners: ModelRunner[], prepared: readonly Prepared[], perClient: number): Promise<{ latencies: number[]; wrong: number; seconds: number }> {
  const latencies: number[] = [];
  const outputs: { out: Record<string, Tensor>; expected: Record<string, Tensor> }[] = [];
  const t0 = performance.now();
  await Promise.all(
    runners.map(async (runner, i) => {
      for (let k = 0; k < perClient; k++) {
        const { feeds, expected } = prepared[(i * perClient + k) % prepared.length];
        const start = performance.now();
        const out = await runner.run(feeds);
        latencies.push(performance.now() - start);
        outputs.push({ out, expected });
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const wrong = outputs.filter(({ out, expected }) => Object.keys(expected).some((name) => !(maxAbsDiff(out[name], expected[name]) < 1e-4))).length;
  return { latencies, wrong, seconds };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function child(perClient: number): Promise<ChildReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-serve-load-'));
  const server = await startServer(dir);
  try {
    const pid = server.process.pid!;
    const loadCases = cases();
    const runnersOf = async (c: LoadCase) =>
      Promise.all(Array.from({ length: CLIENTS }, async () => createRemoteRunner(c.spec, { server: await connectInferenceServer({ url: server.url }), model: c.model })));
    const runners = await Promise.all(loadCases.map(runnersOf));
    const prepared = loadCases.map((c, i) => prepare(c, 6, 1000 * i));
    for (const [i] of loadCases.entries()) await round(runners[i], prepared[i], 2); // warm-up
    const rss = [rssMb(pid)];
    const totals = loadCases.map(() => ({ latencies: [] as number[], wrong: 0, seconds: 0 }));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i] of loadCases.entries()) {
        const result = await round(runners[i], prepared[i], perClient);
        totals[i].latencies.push(...result.latencies);
        totals[i].wrong += result.wrong;
        totals[i].seconds += result.seconds;
      }
      rss.push(rssMb(pid));
    }
    return {
      clients: CLIENTS,
      rounds: ROUNDS,
      rssMb: rss,
      cases: loadCases.map((c, i) => {
        const sorted = [...totals[i].latencies].sort((a, b) => a - b);
        return { name: c.name, requests: sorted.length, seconds: totals[i].seconds, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), wrong: totals[i].wrong };
      }),
    };
  } finally {
    server.process.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  child(Number(process.argv[3])).then(
    (report) => console.log(JSON.stringify(report)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
