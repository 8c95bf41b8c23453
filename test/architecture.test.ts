import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** The layering of ARCHITECTURE.md, enforced: core is pure and imports nothing of ours outside itself. */
const root = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.ts$/.test(name) ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
}

const BANNED_GLOBALS = new Set(['document', 'window', 'process', 'require', 'Buffer', 'fetch', 'localStorage', 'self', 'navigator']);

/**
 * Uses of a banned global: the identifier followed by `.` or `(`, not itself a property (`x.window`)
 * or an object key. TypeScript's scanner skips comments and strings, so a path like
 * './latent-window.js' or the word "process (" in a comment is not a use.
 */
function bannedGlobalUses(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const uses: string[] = [];
  let previous = ts.SyntaxKind.Unknown;
  let pending: string | null = null;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (pending !== null && (kind === ts.SyntaxKind.DotToken || kind === ts.SyntaxKind.OpenParenToken)) uses.push(pending);
    pending = null;
    if (kind === ts.SyntaxKind.Identifier && BANNED_GLOBALS.has(scanner.getTokenText()) && previous !== ts.SyntaxKind.DotToken && previous !== ts.SyntaxKind.QuestionDotToken) {
      pending = scanner.getTokenText();
    }
    previous = kind;
  }
  return uses;
}

/** Pure-JS codecs that run in browsers, UXP and Node alike. */
const CORE_PACKAGES = new Set(['fast-png', 'jpeg-js']);

describe('architecture', () => {
  const core = path.join(root, 'src/core');

  it('core imports only core modules and its pure codec packages', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(core)) {
      for (const spec of importsOf(file)) {
        const inCore = spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(core + path.sep);
        if (!inCore && !CORE_PACKAGES.has(spec)) offenders.push(`${path.relative(root, file)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('core uses no DOM, Node or host globals', () => {
    const offenders = sourceFiles(core).flatMap((f) => bannedGlobalUses(readFileSync(f, 'utf8')).map((use) => `${path.relative(root, f)}: ${use}`));
    expect(offenders).toEqual([]);
  });

  it('nothing in src/ uses Math.random: every random step takes a seed', () => {
    const offenders = sourceFiles(path.join(root, 'src')).filter((f) => /Math\.random\s*\(/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });
});
