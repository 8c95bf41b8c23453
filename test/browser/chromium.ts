import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Real-Chromium testing for browser code: bundle entry files with esbuild, serve them on
 * 127.0.0.1, and drive a headless Chromium through playwright-core. Everything started here has
 * a `close()`; `startBrowserFixture` bundles the three for a `beforeAll` / `afterAll` pair.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The Chromium to drive: `TESSERA_CHROMIUM`, else Debian's package. */
export const CHROMIUM_PATH = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';

/** For `describe.skipIf(!hasChromium())` on machines without a browser. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export interface BundleOptions {
  /**
   * Extra files to serve as they are, by URL path ("index.html" → /index.html). An entry `name`
   * gets a generated /name.html that loads /name.js unless one is given here.
   */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /**
   * Package export conditions; `['development']` gives lit's dev build, which warns about
   * mistakes such as class fields that shadow reactive properties.
   */
  readonly conditions?: readonly string[];
}

export interface ServedBundle {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** The folder the bundle was written to. */
  readonly dir: string;
  /** The generated page that runs entry `name`. */
  pageUrl(name: string): string;
  close(): Promise<void>;
}

/**
 * Bundles each entry (`{ name: 'path/from/repo/root.ts' }`) as an ES module into a temporary
 * folder and serves it. Bundling fails loudly: esbuild's errors reach the test.
 */
export async function bundleAndServe(entries: Readonly<Record<string, string>>, options: BundleOptions = {}): Promise<ServedBundle> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-browser-'));
  let server: Server | null = null;
  try {
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.resolve(ROOT, file)])),
      outdir: dir,
      bundle: true,
      format: 'esm',
      target: 'es2022',
      sourcemap: 'inline',
      conditions: options.conditions ? [...options.conditions] : undefined,
      logLevel: 'silent',
    });
    const files = new Map<string, string | Uint8Array>();
    for (const name of Object.keys(entries)) files.set(`/${name}.html`, entryPage(name));
    for (const [file, body] of Object.entries(options.files ?? {})) files.set(`/${file.replace(/^\//, '')}`, body);
    server = await serve(dir, files);
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const running = server;
    return {
      origin,
      dir,
      pageUrl: (name) => `${origin}/${name}.html`,
      close: async () => {
        await new Promise<void>((resolve) => running.close(() => resolve()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    server?.close();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

function entryPage(name: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name}</title></head><body><script type="module" src="./${name}.js"></script></body></html>`;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.map': 'application/json',
};

function serve(dir: string, files: ReadonlyMap<string, string | Uint8Array>): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const type = TYPES[path.extname(url.pathname)] ?? 'application/octet-stream';
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const given = files.get(url.pathname);
    if (given !== undefined) {
      res.writeHead(200, { 'content-type': type }).end(given);
      return;
    }
    const file = path.join(dir, path.normalize(url.pathname));
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': type }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export interface OpenedPage {
  readonly page: Page;
  /** Uncaught exceptions and console errors/warnings seen so far (lit's dev warnings included). */
  readonly problems: string[];
}

export interface BrowserFixture {
  readonly browser: Browser;
  readonly bundle: ServedBundle;
  /** A fresh page (its own context) running entry `name`, loaded and ready. */
  open(name: string, viewport?: { width: number; height: number }): Promise<OpenedPage>;
  close(): Promise<void>;
}

/** One browser and one bundle for a test file; call `close()` in `afterAll`. */
export async function startBrowserFixture(entries: Readonly<Record<string, string>>, options: BundleOptions = {}): Promise<BrowserFixture> {
  const [bundle, browser] = await Promise.all([bundleAndServe(entries, options), launchBrowser()]);
  return {
    browser,
    bundle,
    async open(name, viewport = { width: 800, height: 600 }) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      await page.goto(bundle.pageUrl(name));
      return { page, problems };
    },
    async close() {
      // Both are closed even if one fails; the first failure is still reported.
      const results = await Promise.allSettled([browser.close(), bundle.close()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
