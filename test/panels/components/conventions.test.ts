import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** STYLE.md §4, checked on the source: dumb components that run in all three hosts. */
const dir = path.resolve(import.meta.dirname, '../../../panels/components');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const read = (f: string): string => readFileSync(path.join(dir, f), 'utf8');
const code = (f: string): string => read(f).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
const elements = files.filter((f) => /^tessera-[a-z-]+\.ts$/.test(f) && !f.endsWith('.styles.ts'));

function importsOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
}

describe('panel components', () => {
  it('one element per file: tessera-<thing>.ts with its .styles.ts, registered through define() under its own tag', () => {
    expect(elements.length).toBeGreaterThan(5);
    for (const f of elements) {
      const tag = f.replace(/\.ts$/, '');
      expect(files, f).toContain(`${tag}.styles.ts`);
      expect(code(f), f).toContain(`define('${tag}', `);
      expect(code(f), f).toContain(`'${tag}': `); // the HTMLElementTagNameMap entry
      expect(code(f).match(/\bdefine\(/g), f).toHaveLength(1);
    }
  });

  it('import nothing but lit, each other, panel state, and the option lists of core', () => {
    const offenders = files.flatMap((f) =>
      importsOf(read(f))
        .filter((spec) => !(spec === 'lit' || spec.startsWith('lit/') || spec.startsWith('./') || spec.startsWith('../state/') || spec === '../../src/core/pixelate/options.js'))
        .map((spec) => `${f} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('use no canvas, float, grid layout, network, or hand-made events', () => {
    const banned: [RegExp, string][] = [
      [/<canvas|getContext\(/, 'canvas'],
      [/\bfloat\s*:/, 'float'],
      [/display\s*:\s*(inline-)?grid/, 'grid layout (flexbox only)'],
      [/\bfetch\(|XMLHttpRequest/, 'network'],
      [/@(property|customElement|state)\(/, 'decorators'],
    ];
    const offenders = files.flatMap((f) => banned.filter(([re]) => re.test(code(f))).map(([, what]) => `${f}: ${what}`));
    // Events go through emit(), which makes them bubble and compose.
    offenders.push(...files.filter((f) => f !== 'emit.ts' && /new CustomEvent\(/.test(code(f))).map((f) => `${f}: new CustomEvent outside emit.ts`));
    expect(offenders).toEqual([]);
  });

  it('style with --tessera-* custom properties, never another prefix', () => {
    const offenders = files.flatMap((f) => [...read(f).matchAll(/var\(--([a-z-]+)/g)].map((m) => m[1]).filter((name) => !name.startsWith('tessera-')).map((n) => `${f}: --${n}`));
    expect(offenders).toEqual([]);
  });
});
