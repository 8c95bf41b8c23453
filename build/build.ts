/**
 * One file builds every artifact. Targets are named here with the reason for their settings;
 * `npm run build` builds them all, `--watch` rebuilds on change. esbuild strips types without
 * checking them: `npm test` runs tsc for that.
 */
import * as esbuild from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

const common: esbuild.BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: true,
  target: 'es2022',
  logLevel: 'warning',
  define: { TESSERA_VERSION: JSON.stringify(pkg.version) },
};

/** Each artifact: what it is for and what differs from `common`. */
const TARGETS: Record<string, esbuild.BuildOptions> = {
  // The `tessera` command: one ESM file for Node 20, every dependency inlined so the CLI starts
  // without resolving node_modules. jpeg-js is CommonJS; esbuild wraps it.
  cli: {
    entryPoints: ['src/cli/tessera.ts'],
    outfile: 'dist/cli/tessera.js',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: "import { createRequire as __tesseraRequire } from 'node:module'; const require = __tesseraRequire(import.meta.url);" },
  },
};

async function buildAll(watch: boolean): Promise<void> {
  for (const [name, options] of Object.entries(TARGETS)) {
    const config = { ...common, ...options };
    if (watch) {
      const ctx = await esbuild.context(config);
      await ctx.watch();
      console.log(`build: watching ${name}`);
      continue;
    }
    await esbuild.build(config);
    const out = path.join(root, String(config.outfile));
    console.log(`build: ${name} → ${path.relative(root, out)} (${(statSync(out).size / 1024).toFixed(0)} KiB)`);
  }
}

buildAll(process.argv.includes('--watch')).catch((e: unknown) => {
  console.error(`build failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
