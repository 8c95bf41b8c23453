/**
 * Builds the Photoshop plugin afresh (dist/uxp, the `uxp` target of build.ts) and packs it into
 * dist/tessera-<version>.ccx.
 * A .ccx is a zip of the plugin folder with manifest.json at its root; Creative Cloud installs
 * it on double-click (hosts.md §2.8). The archive is reproducible: files in sorted order, one
 * fixed timestamp, fixed compression, so the same build gives the same bytes. Source maps stay
 * out (they help only the UXP Developer Tool, which loads dist/uxp directly).
 */
import { zipSync, type Zippable } from 'fflate';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** DOS time has no zone: a local-time date writes the same fields (1980-01-01 00:00) everywhere. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

export interface PackageResult {
  readonly file: string;
  readonly bytes: number;
  readonly entries: readonly string[];
}

/** Zips `pluginDir` into `<outDir>/tessera-<version>.ccx`; the version comes from the plugin's manifest and must match package.json's. */
export function packageUxp({ pluginDir = path.join(root, 'dist/uxp'), outDir = path.join(root, 'dist') }: { pluginDir?: string; outDir?: string } = {}): PackageResult {
  const manifestPath = path.join(pluginDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${path.relative(root, manifestPath)} is missing: build the plugin first (tsx build/build.ts).`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PluginManifest;
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  if (manifest.version !== pkg.version) {
    throw new Error(`manifest.json says version ${String(manifest.version)} but package.json says ${pkg.version}: make them agree before packaging.`);
  }
  const entries = listFiles(pluginDir).filter((f) => !f.endsWith('.map'));
  const missing = manifestFiles(manifest).filter((f) => !entries.includes(f));
  if (missing.length > 0) {
    throw new Error(`manifest.json names files the plugin folder lacks: ${missing.join(', ')}. Build the plugin first (tsx build/build.ts), or fix the names.`);
  }
  const files: Zippable = {};
  for (const entry of entries) files[entry] = [new Uint8Array(readFileSync(path.join(pluginDir, entry))), { mtime: FIXED_MTIME }];
  const zip = zipSync(files, { level: 9, mtime: FIXED_MTIME });
  const file = path.join(outDir, `tessera-${pkg.version}.ccx`);
  writeFileSync(file, zip);
  return { file, bytes: zip.length, entries };
}

interface ManifestIcon {
  readonly path: string;
  readonly scale?: readonly number[];
}

interface PluginManifest {
  readonly version?: unknown;
  readonly main?: unknown;
  readonly icons?: readonly ManifestIcon[];
  readonly entrypoints?: readonly { readonly icons?: readonly ManifestIcon[] }[];
}

/**
 * The files a manifest points at: manifest.json, `main`, and every icon at every scale. UXP
 * looks an icon up as `<name>@<scale>x.<ext>` ("icons/tessera.png" at scale 2 is
 * "icons/tessera@2x.png"; uxp-misc/plugin-icons).
 */
export function manifestFiles(manifest: PluginManifest): string[] {
  const icons = [...(manifest.icons ?? []), ...(manifest.entrypoints ?? []).flatMap((e) => e.icons ?? [])];
  const scaled = icons.flatMap((icon) => (icon.scale ?? [1]).map((s) => icon.path.replace(/(\.[^./]+)$/, `@${s}x$1`)));
  return [...new Set(['manifest.json', String(manifest.main), ...scaled])];
}

/** Every file under `dir`, as sorted '/'-separated relative paths (sorted so the zip's order never depends on the file system). */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) out.push(...listFiles(full, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** `npm run package:uxp`: a fresh build of the plugin alone (no stale files from older builds), then the .ccx. */
async function main(): Promise<void> {
  rmSync(path.join(root, 'dist/uxp'), { recursive: true, force: true });
  await buildAll({ only: ['uxp'] });
  const { file, bytes, entries } = packageUxp();
  console.log(`package: ${path.relative(root, file)} (${(bytes / 1024).toFixed(0)} KiB, ${entries.length} files)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(`package failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
