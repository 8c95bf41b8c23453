import type { Rect } from '../../core/image.js';

/**
 * The scripts Tessera runs inside Photopea, and readers for what they echo back. Photopea runs
 * Photoshop's ExtendScript DOM and not every ES6 feature, so the scripts are ES5 (no let/const,
 * arrows or template literals; test/hosts/photopea/scripts.test.ts checks). Values go in only
 * through `literal()` (JSON, safe inside a script); PhotopeaClient wraps each script in
 * try/catch, so a script reports failure simply by throwing.
 *
 * History entries each script adds to the user's document (Photopea has no grouping, see
 * hosts.md §0.1): info 0, export 0 (it works in a scratch document), place 1 (the placed layer),
 * name 1 (the rename), canvas resize 1, image resize 1.
 */

/** What `documentInfoScript` reports. */
export interface DocumentInfo {
  /** null when no document is open. */
  readonly document: {
    readonly width: number;
    readonly height: number;
    /** The active layer; null when none is selected (Photopea can deselect all layers). */
    readonly layer: { readonly name: string; readonly kind: string; readonly visible: boolean } | null;
    /** The selection's bounding box in document pixels; null when nothing is selected. */
    readonly selection: Rect | null;
  } | null;
}

/** Layer bounds are not read: Photopea cannot report them while a selection is active (hosts.md §1.2); the host finds them in the exported pixels. */
export function documentInfoScript(): string {
  return `${PX}
if (!app.documents || app.documents.length === 0) { app.echoToOE(JSON.stringify({ document: null })); return; }
var doc = app.activeDocument;
var layer = null;
try { layer = doc.activeLayer || null; } catch (e) { layer = null; }
var selection = null;
// Photoshop's idiom: selection.bounds throws (or is undefined) when nothing is selected.
try {
  var b = doc.selection.bounds;
  if (b && b.length === 4) selection = { x: px(b[0]), y: px(b[1]), width: px(b[2]) - px(b[0]), height: px(b[3]) - px(b[1]) };
} catch (e) { selection = null; }
app.echoToOE(JSON.stringify({ document: {
  width: px(doc.width), height: px(doc.height),
  layer: layer ? { name: String(layer.name), kind: String(layer.typename), visible: layer.visible !== false } : null,
  selection: selection
} }));`;
}

/**
 * Sends the active layer alone as a canvas-sized PNG (`saveToOE`), leaving the user's history
 * as it was. Why a scratch document: Photopea has no per-layer export, and the usual trick of
 * hiding every other layer (sd-ps-pea's exportSelectedLayerOnly) costs a history entry per
 * visibility change in Photoshop and most likely in Photopea too: two per other layer, in a
 * history only 30 entries deep (issue #1063), so a big document would push out the user's own
 * steps, and every preview would flicker the canvas. Duplicating the layer into a new document
 * records history only there, and that document is closed without saving (a tab may flash).
 * The copy is made visible there, so a hidden layer reads like a shown one. Whatever fails, the
 * scratch document is closed and the user's document made active again before the error goes
 * back: closing it would otherwise show the last document, not the user's (issue #2200).
 */
export function exportActiveLayerScript(): string {
  return `var source = app.activeDocument;
var layer = source.activeLayer;
var scratch = app.documents.add(source.width, source.height, source.resolution, "Tessera export");
var failure = null;
try {
  app.activeDocument = source;
  layer.duplicate(scratch, ElementPlacement.PLACEATBEGINNING);
  app.activeDocument = scratch;
  // A new document may start with a filled background layer: only the copy may show.
  while (scratch.layers.length > 1) scratch.layers[scratch.layers.length - 1].remove();
  scratch.layers[0].visible = true;
  scratch.saveToOE("png");
} catch (e) { failure = e; }
var closing = null;
try { scratch.close(SaveOptions.DONOTSAVECHANGES); } catch (e) { closing = e; }
app.activeDocument = source;
if (failure) throw failure;
if (closing) throw closing;`;
}

/** What `placeImageScript` reports: the number of layers (groups' contents included) before placing. */
export interface PlaceReply {
  readonly layersBefore: number;
}

/**
 * Places a PNG (a data URL) into the active document as a new smart-object layer, one history
 * entry. Photopea centres a placed image, so a canvas-sized PNG with the result already in
 * position needs no move afterwards. Photopea answers "done" before the image has arrived
 * (issue #5228): `nameResultScript` waits for it.
 */
export function placeImageScript(dataUrl: string): string {
  return `${COUNT_LAYERS}
var doc = app.activeDocument;
var before = countLayers(doc);
app.open(${literal(dataUrl)}, null, true);
app.echoToOE(JSON.stringify({ layersBefore: before }));`;
}

/** What `nameResultScript` reports: not placed yet, or placed and named (with Photopea's layer id when it has one). */
export type NameReply = { readonly placed: false } | { readonly placed: true; readonly id: string | null };

/**
 * Once the placed layer has arrived (the document has more layers than `layersBefore`; the new
 * one is the active layer, issue #6136), renames it: one history entry. Until then it changes
 * nothing and reports `placed: false`, so it can be polled.
 */
export function nameResultScript(layersBefore: number, name: string): string {
  return `${COUNT_LAYERS}
var doc = app.activeDocument;
if (countLayers(doc) <= ${literal(layersBefore)}) { app.echoToOE(JSON.stringify({ placed: false })); return; }
var layer = doc.activeLayer;
layer.name = ${literal(name)};
app.echoToOE(JSON.stringify({ placed: true, id: layer.id === undefined || layer.id === null ? null : String(layer.id) }));`;
}

/** What `resizeCanvasScript` reports. */
export interface ResizeReply {
  readonly document: boolean;
}

/** Resizes the canvas anchored top-left, so layers keep their positions: one history entry. */
export function resizeCanvasScript(width: number, height: number): string {
  return `if (!app.documents || app.documents.length === 0) { app.echoToOE(JSON.stringify({ document: false })); return; }
app.activeDocument.resizeCanvas(${literal(width)}, ${literal(height)}, AnchorPosition.TOPLEFT);
app.echoToOE(JSON.stringify({ document: true }));`;
}

/**
 * Image › Image Size for Upscale in place: every layer is scaled by Photopea's own resampling so
 * it stays aligned under the result placed next; one history entry. Sizes are plain numbers, as
 * for resizeCanvas (pixels in Photopea).
 */
export function resizeImageScript(width: number, height: number): string {
  return `if (!app.documents || app.documents.length === 0) { app.echoToOE(JSON.stringify({ document: false })); return; }
app.activeDocument.resizeImage(${literal(width)}, ${literal(height)});
app.echoToOE(JSON.stringify({ document: true }));`;
}

/**
 * A JSON literal that is also valid ES5 source: JSON allows U+2028/U+2029 inside strings, ES5
 * string literals do not.
 */
export function literal(value: string | number): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Photoshop sizes and bounds are UnitValues; Photopea may give plain numbers. Both become pixels. */
const PX = `function px(v) { return typeof v === "number" ? v : Number(v && v.value !== undefined ? v.value : v); }`;

/** Layers at every depth, so a result placed inside a group still counts. */
const COUNT_LAYERS = `function countLayers(parent) {
  var n = 0;
  for (var i = 0; i < parent.layers.length; i++) {
    n++;
    if (parent.layers[i].typename === "LayerSet") n += countLayers(parent.layers[i]);
  }
  return n;
}`;
