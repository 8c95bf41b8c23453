import { availableParallelism, cpus, loadavg } from 'node:os';
import { USAGE, parseBenchArgs, type BenchArgs } from './args.js';
import { createImageSet } from './images.js';
import type { Suite, TargetResult } from './suite.js';
import { extractSuite } from './suites/extract.js';
import { refineSuite } from './suites/refine.js';
import { generateOverheadSuite } from './suites/generate-overhead.js';
import { fullResFsSuite } from './suites/fullres-fs.js';
import { pixelateSuite } from './suites/pixelate.js';
import { serveLoadSuite } from './suites/serve-load.js';
import { upscaleSuite } from './suites/upscale.js';
import { printTable } from './table.js';

const SUITES: readonly Suite[] = [pixelateSuite, fullResFsSuite, extractSuite, refineSuite, generateOverheadSuite, serveLoadSuite, upscaleSuite];

function main(): void {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const unknown = args.suites.filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length) {
    console.error(`Unknown suite ${unknown.map((n) => `"${n}"`).join(', ')}. Suites: ${SUITES.map((s) => s.name).join(', ')}.`);
    process.exitCode = 2;
    return;
  }
  const selected = args.suites.length ? SUITES.filter((s) => args.suites.includes(s.name)) : SUITES;

  const { plan } = args;
  console.log(`Tessera bench · Node ${process.version} · ${cpus()[0]?.model ?? 'unknown CPU'} · ${availableParallelism()} cores · ${process.platform}/${process.arch}`);
  console.log(
    `Each figure: ${plan.warmup} warm-up calls, then the median (and p90) of ${plan.runs} timed calls; ` +
      `calls whose warm-up took over ${plan.slowMs} ms get ${plan.slowRuns} timed calls (mostly image-q and libimagequant at 1024²; each table's runs column says). ` +
      `All single-threaded, in this one process.${args.quick ? ' (--quick)' : ''}`,
  );
  console.log(`${formatLoad()} at start: other work on this machine skews timings and ratios.`);

  const started = performance.now();
  const images = createImageSet();
  const results: TargetResult[] = [];
  for (const suite of selected) {
    console.log(`\n=== ${suite.title} ===`);
    const suiteStarted = performance.now();
    results.push(...suite.run({ images, plan }));
    console.log(`(${suite.name}: ${((performance.now() - suiteStarted) / 1000).toFixed(1)} s)`);
  }

  console.log('\n=== summary ===');
  printTable(
    'targets',
    [{ title: 'suite' }, { title: 'status' }, { title: 'target' }, { title: 'measured' }],
    results.map((r) => [r.suite, r.met ? 'MET' : 'MISSED', r.target, r.measured]),
  );
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s; ${formatLoad()}; targets are reported, never asserted (exit code 0).`);
}

/** The 1-minute load average beside the core count, so a reader can tell a busy machine's figures apart. */
function formatLoad(): string {
  return `load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`;
}

main();
