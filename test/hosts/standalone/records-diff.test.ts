import { describe, expect, it } from 'vitest';
import { createEmptyDiff, isEmptyDiff, mergeUpdate, recordsEqual, reverseDiff, squashDiffs, type RecordsDiff } from '../../../src/hosts/standalone/records-diff.js';

interface Note {
  readonly id: string;
  readonly text: string;
  readonly done: boolean;
}

const note = (id: string, text: string, done = false): Note => ({ id, text, done });

function diff(parts: { added?: Note[]; updated?: [Note, Note][]; removed?: Note[] }): RecordsDiff<Note> {
  return {
    added: new Map((parts.added ?? []).map((r) => [r.id, r])),
    updated: new Map((parts.updated ?? []).map(([a, b]) => [a.id, [a, b] as const])),
    removed: new Map((parts.removed ?? []).map((r) => [r.id, r])),
  };
}

describe('records diff', () => {
  const a0 = note('a', 'draft');
  const a1 = note('a', 'final');
  const a2 = note('a', 'final', true);

  it('squashes add then update into one add of the last version', () => {
    const d = squashDiffs([diff({ added: [a0] }), diff({ updated: [[a0, a1]] })]);
    expect([...d.added.values()]).toEqual([a1]);
    expect(d.updated.size + d.removed.size).toBe(0);
  });

  it('squashes add then remove into nothing', () => {
    expect(isEmptyDiff(squashDiffs([diff({ added: [a0] }), diff({ removed: [a0] })]))).toBe(true);
  });

  it('squashes two updates into first-from, last-to, and drops a round trip', () => {
    const d = squashDiffs([diff({ updated: [[a0, a1]] }), diff({ updated: [[a1, a2]] })]);
    expect(d.updated.get('a')).toEqual([a0, a2]);
    expect(isEmptyDiff(squashDiffs([diff({ updated: [[a0, a1]] }), diff({ updated: [[a1, a0]] })]))).toBe(true);
  });

  it('squashes update then remove into removing the original', () => {
    const d = squashDiffs([diff({ updated: [[a0, a1]] }), diff({ removed: [a1] })]);
    expect(d.removed.get('a')).toBe(a0);
    expect(d.updated.size).toBe(0);
  });

  it('squashes remove then add into an update, or nothing when it is the same record', () => {
    expect(squashDiffs([diff({ removed: [a0] }), diff({ added: [a1] })]).updated.get('a')).toEqual([a0, a1]);
    expect(isEmptyDiff(squashDiffs([diff({ removed: [a0] }), diff({ added: [note('a', 'draft')] })]))).toBe(true);
  });

  it('reverses adds, updates and removes', () => {
    const b = note('b', 'b');
    const c = note('c', 'c');
    const r = reverseDiff(diff({ added: [b], updated: [[a0, a1]], removed: [c] }));
    expect(r.removed.get('b')).toBe(b);
    expect(r.added.get('c')).toBe(c);
    expect(r.updated.get('a')).toEqual([a1, a0]);
    expect(isEmptyDiff(createEmptyDiff())).toBe(true);
  });

  it('compares records field by field, nested values by reference', () => {
    expect(recordsEqual(note('a', 'x'), note('a', 'x'))).toBe(true);
    expect(recordsEqual(note('a', 'x'), note('a', 'y'))).toBe(false);
    const rect = { x: 0 };
    expect(recordsEqual({ id: 'r', rect }, { id: 'r', rect })).toBe(true);
    expect(recordsEqual({ id: 'r', rect }, { id: 'r', rect: { x: 0 } })).toBe(false);
  });

  it('merges an update field by field, keeping a field changed in between', () => {
    // text: draft → final by the update; done was set to true meanwhile by someone else.
    const current = note('a', 'draft', true);
    expect(mergeUpdate(current, a0, a1)).toEqual(note('a', 'final', true));
    // When nothing changed in between, the target record itself comes back (same reference).
    expect(mergeUpdate(note('a', 'draft'), a0, a1)).toBe(a1);
  });
});
