/**
 * One file builds every artifact. Targets are named here with the reason for their settings;
 * `npm run build` builds them all. esbuild strips types without checking them: `npm test` runs
 * tsc for that.
 */
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLearnedUpsampler, LEARNED_UPSAMPLER_OUTPUT } from './learned-upsampler-asset.js';

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

/** Files the build makes itself (not bundles), each at most once per build, before the targets that need them. */
const GENERATED = {
  // RDN ×2 converted to ONNX (~0.9 MB), for "Learned ×2" in Upscale; skipped when up to date.
  'learned-upsampler': async () => {
    const made = await buildLearnedUpsampler();
    console.log(`build: learned-upsampler → ${LEARNED_UPSAMPLER_OUTPUT} (${(made.bytes / 1024).toFixed(0)} KiB${made.converted ? '' : ', up to date'})`);
  },
} satisfies Record<string, () => Promise<void>>;

interface Target {
  readonly options: esbuild.BuildOptions;
  /** Generated files this target reads or copies. */
  readonly needs?: readonly (keyof typeof GENERATED)[];
  /** Static files copied beside the bundle: [from, to], relative to the repository. */
  readonly copy?: readonly (readonly [string, string])[];
}

/** Each artifact: what it is for and what differs from `common`. */
const TARGETS: Record<string, Target> = {
  // The `tessera` command: one ESM file for Node 20 with its dependencies inlined, except
  // onnxruntime-web, which finds its .wasm files beside its own module and so must load from
  // node_modules (only Generate imports it, on first use), and onnxruntime-node, a native addon
  // whose binary sits in node_modules. jpeg-js is CommonJS and expects `require`. `--upsampler
  // learned` reads dist/models/rdn-2x.onnx (src/cli/learned-upsampler-source.ts).
  cli: {
    needs: ['learned-upsampler'],
    options: {
      entryPoints: ['src/cli/tessera.ts'],
      outfile: 'dist/cli/tessera.js',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['onnxruntime-web', 'onnxruntime-node'],
      banner: { js: "import { createRequire as __tesseraRequire } from 'node:module'; const require = __tesseraRequire(import.meta.url);" },
    },
  },
  // `tessera serve` runs each model in a worker thread (src/runtime/worker): its entry, beside
  // the CLI bundle where worker-runner.ts looks for it, with the CLI's settings.
  'model-worker': {
    options: {
      entryPoints: ['src/runtime/worker/model-worker.ts'],
      outfile: 'dist/cli/model-worker.js',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['onnxruntime-web', 'onnxruntime-node'],
      banner: { js: "import { createRequire as __tesseraRequire } from 'node:module'; const require = __tesseraRequire(import.meta.url);" },
    },
  },
  // The standalone editor page with the panel (what `npm start` serves). Browser ESM.
  standalone: {
    options: { entryPoints: ['panels/entries/standalone.ts'], outfile: 'dist/standalone/app.js', platform: 'browser', format: 'esm' },
    needs: ['learned-upsampler'],
    copy: [
      ['panels/entries/standalone.html', 'dist/standalone/index.html'],
      ['assets/images/coffee.jpg', 'dist/standalone/sample.jpg'],
      // onnxruntime-web's WebGPU + wasm binary, which Generate loads on first use (standalone.ts points ORT here).
      ['node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm', 'dist/standalone/ort-wasm-simd-threaded.jsep.wasm'],
      // The learned ×2 upsampler, fetched by standalone.ts only when an Upscale with "Learned ×2" runs.
      [LEARNED_UPSAMPLER_OUTPUT, 'dist/standalone/rdn-2x.onnx'],
    ],
  },
  // The pixelate pipeline in a module Worker, so big layers never freeze the page.
  'pixelate-worker': {
    options: { entryPoints: ['panels/workers/pixelate-worker.ts'], outfile: 'dist/standalone/pixelate-worker.js', platform: 'browser', format: 'esm' },
  },
  // The Photopea plugin: a normal web page that Photopea opens in an iframe and talks to with
  // postMessage. Browser ESM, with the same worker beside it. No onnxruntime-web and no models
  // (the page keeps it small), so no rdn-2x.onnx either: "Learned ×2" falls back to Lanczos there.
  photopea: {
    options: { entryPoints: ['panels/entries/photopea.ts'], outfile: 'dist/photopea/app.js', platform: 'browser', format: 'esm' },
    copy: [
      ['panels/entries/photopea.html', 'dist/photopea/index.html'],
      ['assets/icons/tessera-96.png', 'dist/photopea/icon.png'],
    ],
  },
  'photopea-worker': {
    options: { entryPoints: ['panels/workers/pixelate-worker.ts'], outfile: 'dist/photopea/pixelate-worker.js', platform: 'browser', format: 'esm' },
  },
  // The Photoshop UXP plugin: UXP runs classic scripts and provides `require` for its own
  // modules, so one IIFE with `photoshop` and `uxp` left to UXP. No Worker exists there: the
  // pipeline runs sliced on the panel's thread.
  uxp: {
    options: { entryPoints: ['panels/entries/uxp.ts'], outfile: 'dist/uxp/index.js', platform: 'browser', format: 'iife', external: ['photoshop', 'uxp'] },
    copy: [
      ['manifest.json', 'dist/uxp/manifest.json'],
      ['panels/entries/uxp.html', 'dist/uxp/index.html'],
      // UXP looks an icon up as <name>@<scale>x.png: manifest "icons/tessera.png" at scales 1 and 2.
      ['assets/icons/tessera-24.png', 'dist/uxp/icons/tessera@1x.png'],
      ['assets/icons/tessera-48.png', 'dist/uxp/icons/tessera@2x.png'],
    ],
  },
};

export async function buildAll({ watch = false, only }: { watch?: boolean; only?: readonly string[] } = {}): Promise<void> {
  const generated = new Set<string>();
  for (const [name, target] of Object.entries(TARGETS)) {
    if (only && !only.includes(name)) continue;
    for (const need of target.needs ?? []) {
      if (generated.has(need)) continue;
      await GENERATED[need]();
      generated.add(need);
    }
    const config = { ...common, ...target.options };
    for (const [from, to] of target.copy ?? []) {
      mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
      copyFileSync(path.join(root, from), path.join(root, to));
    }
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildAll({ watch: process.argv.includes('--watch') }).catch((e: unknown) => {
    console.error(`build failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
