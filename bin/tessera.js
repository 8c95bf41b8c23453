#!/usr/bin/env node
// The CLI is bundled by `npm run build` (which `npm ci` runs through "prepare").
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/tessera.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('tessera: the CLI is not built yet. Run "npm run build" in the Tessera folder first.\n');
  process.exit(1);
}
await import(bundle.href);
