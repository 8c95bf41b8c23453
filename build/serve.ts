/**
 * `npm start`: build everything, then serve the standalone editor with the Tessera panel on
 * http://localhost:4173 (PORT overrides). `--photopea` serves the Photopea plugin page instead,
 * for developing against Photopea (docs/photopea.md). Ctrl+C stops it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.js';
import { startStaticServer } from './static-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.PORT === undefined ? 4173 : Number(process.env.PORT);

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}".`);
  process.exit(1);
}

try {
  await buildAll({ watch: process.argv.includes('--watch') });
  const photopea = process.argv.includes('--photopea');
  const server = await startStaticServer(path.join(root, photopea ? 'dist/photopea' : 'dist/standalone'), port);
  console.log(
    photopea
      ? `\nTessera plugin page for Photopea: ${server.url}\n(add it as a plugin URL in Photopea, see docs/photopea.md; Ctrl+C stops the server)`
      : `\nTessera editor: ${server.url}\n(the sample photo opens with it; Ctrl+C stops the server)`,
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  console.error(code === 'EADDRINUSE' ? `Port ${port} is in use. Stop what uses it, or run PORT=4174 npm start.` : `Cannot start: ${(e as Error).message}`);
  process.exit(1);
}
