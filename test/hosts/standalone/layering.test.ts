import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The editor engine runs in Node and in the browser page: it imports only itself, core, the
 * Host interface and its size check (document-limits), and touches no DOM or Node global (its own tsconfig.json checks the same with
 * lib ES2022; this catches it in the test run too).
 */
const root = path.resolve(import.meta.dirname, '../../..');
const folder = path.join(root, 'src/hosts/standalone');
const files = readdirSync(folder).filter((f) => f.endsWith('.ts'));
const source = (file: string) => readFileSync(path.join(folder, file), 'utf8');

describe('src/hosts/standalone layering', () => {
  it('imports only its own files, src/core, the Host interface and its size check', () => {
    const allowed = [folder + path.sep, path.join(root, 'src/core') + path.sep, path.join(root, 'src/hosts/host.js'), path.join(root, 'src/hosts/document-limits.js')];
    const offenders = files.flatMap((file) =>
      [...source(file).matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)]
        .map((m) => m[1])
        .filter((spec) => {
          const target = path.resolve(folder, spec);
          return !spec.startsWith('.') || !allowed.some((a) => target === a || target.startsWith(a));
        })
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('uses no DOM or Node globals and no Math.random', () => {
    const banned = /(?<![.\w$])(document|window|process|require|Buffer|fetch|localStorage|navigator)\s*[.(]|Math\.random/;
    const code = (file: string) => source(file).replace(/\/\/.*$|\/\*[\s\S]*?\*\/|'[^'\n]*'|"[^"\n]*"|`[^`]*`/gm, '');
    const offenders = files.filter((f) => banned.test(code(f)));
    expect(offenders).toEqual([]);
  });
});
