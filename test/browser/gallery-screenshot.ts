/**
 * Builds the gallery and photographs it in headless Chromium, to look at the panel without a host:
 *   npx tsx test/browser/gallery-screenshot.ts [out.png] [--scheme light|dark] [--width 1600] [--scale 1] [--each]
 * `--each` also writes one picture per fixture (out-1.png, …), at `--scale` device pixels per px.
 * A dev tool: it borrows the browser-test helper and is never bundled.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleAndServe, launchBrowser } from './chromium.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const scheme = flag('--scheme') === 'dark' ? 'dark' : 'light';
const width = Number(flag('--width') ?? 1600);
const scale = Number(flag('--scale') ?? 1);
const each = args.includes('--each');
if (each) args.splice(args.indexOf('--each'), 1);
const out = path.resolve(args[0] ?? '/tmp/gallery.png');

const bundle = await bundleAndServe(
  { gallery: 'panels/gallery/gallery.ts' },
  { files: { 'index.html': readFileSync(path.join(import.meta.dirname, '../../panels/gallery/index.html'), 'utf8') } },
);
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme, deviceScaleFactor: scale });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(`${bundle.origin}/index.html`);
  await page.waitForFunction(() => document.querySelectorAll('tessera-panel').length > 0);
  await page.screenshot({ path: out, fullPage: true });
  if (each) {
    const figures = await page.locator('figure').all();
    for (const [i, figure] of figures.entries()) await figure.screenshot({ path: out.replace(/\.png$/, `-${i + 1}.png`) });
  }
  console.log(`gallery → ${out}${problems.length ? `\npage problems:\n${problems.join('\n')}` : ''}`);
} finally {
  await browser.close();
  await bundle.close();
}
