/**
 * `tessera serve`'s server with the tiny models in a process of its own, for the tests that kill
 * a server mid-request. Each run waits SERVE_CHILD_DELAY_MS first (a slow model) and prints
 * "run start" when it begins; the URL is printed as the first line: {"url": "…"}.
 */
import { startInferenceServer } from '../../src/server/inference-server.js';
import { hooked, loadTinyServedModels } from './served-fixtures.js';

const delayMs = Number(process.env.SERVE_CHILD_DELAY_MS ?? '0');
const models = await loadTinyServedModels((runner) =>
  hooked(runner, { delayMs, onRun: (event) => event === 'start' && process.stdout.write('run start\n') }),
);
const server = await startInferenceServer({ models, port: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
