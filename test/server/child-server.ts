import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ChildServer {
  readonly url: string;
  readonly process: ChildProcess;
  /** Resolves at the next line of the child's stdout that equals `line`. */
  nextLine(line: string): Promise<void>;
  kill(): Promise<void>;
}

/** Starts test/server/serve-child.ts (through tsx) and waits for its URL. */
export async function startChildServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const script = path.join(import.meta.dirname, 'serve-child.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const waiters: { line: string; resolve: () => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve-child exited (${code}) before serving: ${stderr}`)));
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('{')) resolve((JSON.parse(line) as { url: string }).url);
        for (const w of waiters.filter((x) => x.line === line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  });
  return {
    url,
    process: child,
    nextLine: (line) => new Promise((resolve) => waiters.push({ line, resolve })),
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
