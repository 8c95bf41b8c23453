import { TesseraError } from '../../core/errors.js';
import type { Rect } from '../../core/image.js';
import type { DocumentInfo, NameReply, PlaceReply, ResizeReply } from './scripts.js';

/**
 * Readers for the JSON our scripts echo (see scripts.ts). Photopea is another program: a reply
 * of the wrong shape is its failure (`host-failed`), never a crash of ours.
 */

export function parseDocumentInfo(text: string): DocumentInfo {
  const reply = parseObject(text, 'read the document');
  if (reply.document === null) return { document: null };
  const doc = object(reply.document, 'read the document');
  const layer = doc.layer === null ? null : object(doc.layer, 'read the document');
  return {
    document: {
      width: size(doc.width, 'read the document'),
      height: size(doc.height, 'read the document'),
      layer: layer && { name: String(layer.name), kind: String(layer.kind), visible: layer.visible !== false },
      selection: doc.selection === null || doc.selection === undefined ? null : rect(doc.selection),
    },
  };
}

export function parsePlaceReply(text: string): PlaceReply {
  const reply = parseObject(text, 'place the result');
  const layersBefore = reply.layersBefore;
  if (typeof layersBefore !== 'number' || !Number.isInteger(layersBefore) || layersBefore < 0) throw unexpected('place the result', text);
  return { layersBefore };
}

export function parseNameReply(text: string): NameReply {
  const reply = parseObject(text, 'name the result layer');
  if (reply.placed === false) return { placed: false };
  if (reply.placed !== true) throw unexpected('name the result layer', text);
  return { placed: true, id: typeof reply.id === 'string' ? reply.id : null };
}

export function parseResizeReply(text: string, step = 'resize the canvas'): ResizeReply {
  const reply = parseObject(text, step);
  if (typeof reply.document !== 'boolean') throw unexpected(step, text);
  return { document: reply.document };
}

function parseObject(text: string, step: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw unexpected(step, text, e);
  }
  return object(value, step, text);
}

function object(value: unknown, step: string, text = JSON.stringify(value)): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unexpected(step, text);
  return value as Record<string, unknown>;
}

function size(value: unknown, step: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) throw unexpected(step, String(value));
  return Math.round(value);
}

/** A selection's bounding box, rounded outwards to whole pixels (Photopea may report fractions for feathered selections). */
function rect(value: unknown): Rect | null {
  const r = object(value, 'read the selection');
  const [x, y, width, height] = [r.x, r.y, r.width, r.height].map(Number);
  if (![x, y, width, height].every(Number.isFinite)) throw unexpected('read the selection', JSON.stringify(value));
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.ceil(x + width), y1 = Math.ceil(y + height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

function unexpected(step: string, text: string, cause?: unknown): TesseraError {
  return new TesseraError('host-failed', `Photopea gave an answer Tessera does not understand while trying to ${step}. Reload the plugin and try again.`, {
    message: `Unexpected Photopea reply (${step}): ${text.slice(0, 200)}`,
    details: { step, reply: text.slice(0, 200) },
    cause,
  });
}
