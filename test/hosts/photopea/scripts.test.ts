import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { wrapScript } from '../../../src/hosts/photopea/photopea-client.js';
import { parseDocumentInfo, parseNameReply } from '../../../src/hosts/photopea/script-replies.js';
import { documentInfoScript, exportActiveLayerScript, literal, nameResultScript, placeImageScript, resizeCanvasScript, resizeImageScript } from '../../../src/hosts/photopea/scripts.js';
import { solidImage } from '../../fixtures/images.js';
import { linkFakePhotopea } from './fake-photopea/node-link.js';

const SCRIPTS: Record<string, string> = {
  documentInfo: documentInfoScript(),
  exportActiveLayer: exportActiveLayerScript(),
  placeImage: placeImageScript('data:image/png;base64,AAAA'),
  nameResult: nameResultScript(3, 'Pixelate · PICO-8 · 16×12 · none'),
  resizeCanvas: resizeCanvasScript(640, 480),
  resizeImage: resizeImageScript(1280, 960),
};

describe('Photopea scripts', () => {
  // TypeScript rewrites anything newer than ES5 (let/const, arrows, template literals, shorthand
  // properties…) when compiling for ES5; a script that is ES5 already comes out as it would
  // for the newest target.
  it.each(Object.entries(SCRIPTS))('%s is plain ES5, wrapped as the client sends it', (_name, script) => {
    const source = wrapScript(1, script);
    const compile = (target: ts.ScriptTarget) => ts.transpileModule(source, { compilerOptions: { target, module: ts.ModuleKind.None }, reportDiagnostics: true });
    const untouched = compile(ts.ScriptTarget.ESNext);
    expect(untouched.diagnostics).toEqual([]);
    expect(compile(ts.ScriptTarget.ES5).outputText).toBe(untouched.outputText);
  });

  it('would notice ES2015 syntax', () => {
    const compile = (target: ts.ScriptTarget) => ts.transpileModule('var f = (a) => `${a}`; let g = { f };', { compilerOptions: { target } }).outputText;
    expect(compile(ts.ScriptTarget.ES5)).not.toBe(compile(ts.ScriptTarget.ESNext));
  });

  it('puts values in as literals that survive quotes, backslashes, line breaks and U+2028', () => {
    const nasty = 'a "quoted" \\ name\n</script>\u2028\u2029end';
    const text = literal(nasty);
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(new Function(`return ${text};`)()).toBe(nasty);
    expect(literal(12)).toBe('12');
  });

  it('names the placed layer exactly as asked, whatever the characters', async () => {
    const { fake, client } = linkFakePhotopea();
    const doc = fake.openDocument({ name: 'a.png', width: 4, height: 4, layers: [{ name: 'Image', pixels: solidImage(4, 4, [1, 2, 3, 255]) }] });
    const name = 'Pixelate · "PICO-8" · 16×12 \\ none\u2028';
    const [reply] = await client.runScript(nameResultScript(0, name), { expect: 'string', step: 'name the result layer' });
    expect(parseNameReply(reply)).toEqual({ placed: true, id: String(doc.layers[0].id) });
    expect(doc.layers[0].name).toBe(name);
  });

  it('reads the document, its active layer and the selection bounds (UnitValues) as pixels', async () => {
    const { fake, client } = linkFakePhotopea();
    const run = async () => parseDocumentInfo((await client.runScript(documentInfoScript(), { expect: 'string', step: 'read the document' }))[0]);
    expect(await run()).toEqual({ document: null });
    const doc = fake.openDocument({
      name: 'a.png', width: 30, height: 20, selection: { x: 2, y: 3, width: 10, height: 5 },
      layers: [{ name: 'Top', visible: false, pixels: solidImage(3, 3, [0, 0, 0, 255]) }, { name: 'Bottom', pixels: solidImage(30, 20, [9, 9, 9, 255]) }],
    });
    expect(await run()).toEqual({
      document: { width: 30, height: 20, layer: { name: 'Top', kind: 'ArtLayer', visible: false }, selection: { x: 2, y: 3, width: 10, height: 5 } },
    });
    doc.selectionRect = null;
    doc.active = null;
    expect(await run()).toEqual({ document: { width: 30, height: 20, layer: null, selection: null } });
    expect(doc.history).toEqual(['Open']);
  });
});
