import { unzipSync } from 'fflate';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAll } from '../../../build/build.js';
import { manifestFiles, packageUxp } from '../../../build/package-uxp.js';

/** The Photoshop plugin as shipped: the UXP bundle, manifest.json and the .ccx package. */
const root = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Icon { readonly width: number; readonly height: number; readonly path: string; readonly scale?: number[]; readonly theme?: string[] }
interface Entrypoint {
  readonly type: string;
  readonly id: string;
  readonly label: { readonly default: string };
  readonly minimumSize?: { width: number; height: number };
  readonly maximumSize?: { width: number; height: number };
  readonly preferredDockedSize?: { width: number; height: number };
  readonly icons?: Icon[];
}
interface Manifest {
  readonly manifestVersion: number;
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly main: string;
  readonly host: { readonly app: string; readonly minVersion: string; readonly data?: { apiVersion?: number } };
  readonly entrypoints: Entrypoint[];
  readonly icons: Icon[];
  readonly requiredPermissions: Record<string, unknown>;
}

const manifest = JSON.parse(read('manifest.json')) as Manifest;
const ALL_THEMES = ['darkest', 'dark', 'medium', 'light', 'lightest'];
/** Set once build/build.ts copies the icons under UXP's @1x/@2x names (see docs/photoshop.md). */
const scaledIconsBuilt = read('build/build.ts').includes('icons/tessera@1x.png');

describe('the UXP bundle', () => {
  let bundle = '';
  beforeAll(async () => {
    await buildAll({ only: ['uxp'] });
    bundle = read('dist/uxp/index.js');
  }, 60_000);

  it('uses nothing UXP lacks: no Worker, no canvas pixel access', () => {
    expect(bundle).not.toMatch(/new Worker\b/);
    expect(bundle).not.toMatch(/getImageData|putImageData|toDataURL|drawImage/);
  });

  it("requires only UXP's own modules, 'photoshop' and 'uxp'", () => {
    const required = new Set([...bundle.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]));
    expect([...required].sort()).toEqual(['photoshop', 'uxp']);
    expect(bundle).not.toMatch(/\bimport\s*\(|^\s*import\s/m);
  });

  it('calls entrypoints.setup exactly once', () => {
    expect(bundle.match(/entrypoints\.setup\(/g)).toHaveLength(1);
  });

  it('ships the manifest and a page that loads the bundle', () => {
    expect(read('dist/uxp/manifest.json')).toBe(read('manifest.json'));
    expect(read('dist/uxp/index.html')).toMatch(/<script src="index\.js"><\/script>/);
  });

  it.skipIf(!scaledIconsBuilt)('holds every file the manifest names', () => {
    const missing = manifestFiles(manifest).filter((f) => !existsSync(path.join(root, 'dist/uxp', f)));
    expect(missing).toEqual([]);
  });
});

describe('manifest.json', () => {
  it('is a v5 Photoshop manifest for this version, on a Photoshop with the imaging API and Selection.bounds', () => {
    const pkg = JSON.parse(read('package.json')) as { version: string };
    expect(manifest).toMatchObject({ manifestVersion: 5, name: 'Tessera', version: pkg.version, main: 'index.html', host: { app: 'PS', data: { apiVersion: 2 } } });
    expect(manifest.id).toMatch(/^\S+$/);
    const [major, minor] = manifest.host.minVersion.split('.').map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(2500);
  });

  it('declares the panel and the two commands, with the ids uxp.ts sets up', () => {
    const panels = manifest.entrypoints.filter((e) => e.type === 'panel');
    const commands = manifest.entrypoints.filter((e) => e.type === 'command');
    expect(panels.map((p) => [p.id, p.label.default])).toEqual([['tessera', 'Tessera']]);
    expect(commands.map((c) => [c.id, c.label.default])).toEqual([['pixelateLayer', 'Pixelate layer'], ['upscaleCanvas', 'Upscale canvas']]);

    const entry = read('panels/entries/uxp.ts');
    const panelId = /const PANEL_ID = '([^']+)'/.exec(entry)?.[1];
    const commandIds = [.../COMMAND_IDS = \{([^}]*)\}/.exec(entry)![1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(panelId).toBe('tessera');
    expect([...new Set(commandIds)].sort()).toEqual(commands.map((c) => c.id).sort());
  });

  it('sizes the panel for a ~300 px dock', () => {
    const panel = manifest.entrypoints.find((e) => e.type === 'panel')!;
    expect(panel.minimumSize!.width).toBeLessThanOrEqual(300);
    expect(panel.maximumSize!.width).toBeGreaterThanOrEqual(300);
    expect(panel.preferredDockedSize!.width).toBe(300);
  });

  it('has icons for every Photoshop theme, on the plugin and on the panel', () => {
    const themes = (icons: Icon[] = []) => [...new Set(icons.flatMap((i) => i.theme ?? []))].sort();
    expect(themes(manifest.icons)).toEqual([...ALL_THEMES].sort());
    expect(themes(manifest.entrypoints.find((e) => e.type === 'panel')!.icons)).toEqual([...ALL_THEMES].sort());
    for (const icon of [...manifest.icons, ...manifest.entrypoints.flatMap((e) => e.icons ?? [])]) expect(icon.path).toMatch(/^icons\//);
  });

  it('asks for no permission it does not use', () => {
    const permissions = manifest.requiredPermissions;
    expect(permissions).not.toHaveProperty('allowCodeGenerationFromStrings');
    expect(permissions).not.toHaveProperty('launchProcess');
    expect(['plugin', undefined]).toContain(permissions.localFileSystem);
    const network = permissions.network as { domains?: unknown } | undefined;
    if (network) {
      expect(Array.isArray(network.domains)).toBe(true);
      // https anywhere; plain http only to this machine (a local tessera serve).
      for (const domain of network.domains as string[]) expect(domain).toMatch(/^(https:\/\/[a-z0-9.-]+(\/|$)|http:\/\/(127\.0\.0\.1|localhost):\d+$)/);
    }
  });
});

describe('the .ccx package', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tessera-ccx-'));
    const plugin = path.join(dir, 'plugin');
    cpSync(path.join(root, 'manifest.json'), path.join(plugin, 'manifest.json'));
    writeFileSync(path.join(plugin, 'index.html'), '<script src="index.js"></script>');
    writeFileSync(path.join(plugin, 'index.js'), '"use strict";');
    writeFileSync(path.join(plugin, 'index.js.map'), '{}');
    cpSync(path.join(root, 'assets/icons/tessera-24.png'), path.join(plugin, 'icons/tessera@1x.png'));
    cpSync(path.join(root, 'assets/icons/tessera-48.png'), path.join(plugin, 'icons/tessera@2x.png'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('zips the plugin folder, manifest at the root, sorted, without source maps, the same bytes every time', () => {
    const first = packageUxp({ pluginDir: path.join(dir, 'plugin'), outDir: dir });
    expect(path.basename(first.file)).toBe(`tessera-${manifest.version}.ccx`);
    const bytes = readFileSync(first.file);
    expect(first.bytes).toBe(bytes.length);
    const files = unzipSync(new Uint8Array(bytes));
    expect(Object.keys(files)).toEqual(['icons/tessera@1x.png', 'icons/tessera@2x.png', 'index.html', 'index.js', 'manifest.json']);
    expect(new TextDecoder().decode(files['manifest.json'])).toBe(read('manifest.json'));

    const again = packageUxp({ pluginDir: path.join(dir, 'plugin'), outDir: dir });
    expect(readFileSync(again.file)).toEqual(bytes);
  });

  it('refuses a plugin folder missing a file the manifest names', () => {
    rmSync(path.join(dir, 'plugin/icons/tessera@2x.png'));
    expect(() => packageUxp({ pluginDir: path.join(dir, 'plugin'), outDir: dir })).toThrow(/icons\/tessera@2x\.png/);
  });
});
