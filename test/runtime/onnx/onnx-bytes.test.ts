import { describe, expect, it } from 'vitest';
import { checkOnnxModelBytes } from '../../../src/runtime/onnx/onnx-bytes.js';
import { taesdDecoderFixture, textEncoderFixture, unetFixture } from '../../fixtures/onnx/index.js';

describe('checkOnnxModelBytes', () => {
  it('accepts the fixture models', () => {
    for (const f of [textEncoderFixture(), unetFixture(), taesdDecoderFixture({ flavour: 'optimum' })]) expect(checkOnnxModelBytes(f.bytes)).toEqual({ ok: true });
  });

  it('rejects every truncation of a model', () => {
    const bytes = unetFixture().bytes;
    for (let n = 0; n < bytes.length; n += 37) expect(checkOnnxModelBytes(bytes.slice(0, n)).ok, `cut at ${n}`).toBe(false);
  });

  it('gives a reason and an offset', () => {
    expect(checkOnnxModelBytes(new Uint8Array(0))).toEqual({ ok: false, reason: 'the file is empty', offset: 0 });
    const html = checkOnnxModelBytes(new TextEncoder().encode('<html>'));
    expect(html).toEqual({ ok: false, reason: 'unknown wire type 4', offset: 0 });
    // A valid protobuf message that is not a model: one varint field 1, no graph.
    expect(checkOnnxModelBytes(Uint8Array.of(0x08, 0x08))).toEqual({ ok: false, reason: 'no graph in the file', offset: 0 });
  });
});
