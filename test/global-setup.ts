import { execFileSync } from 'node:child_process';

/** The CLI tests run the real bundled `tessera`; build it once before any test file runs. */
export default function setup(): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'build/build.ts'], { stdio: 'inherit' });
}
