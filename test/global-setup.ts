import { buildAll } from '../build/build.js';

/** CLI and browser tests run the real bundles: build them once before any test file runs. */
export default async function setup(): Promise<void> {
  await buildAll({ only: ['cli', 'model-worker'] });
}
