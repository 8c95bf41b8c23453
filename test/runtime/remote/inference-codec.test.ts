import { describe, expect, it } from 'vitest';
import { decodeInferRequest, decodeInferResponse, encodeInferRequest, encodeInferResponse } from '../../../src/runtime/remote/inference-codec.js';
import { WireFormatError } from '../../../src/runtime/remote/wire-body.js';
import { normaliseServerUrl } from '../../../src/runtime/remote/inference-client.js';
import { modelMetadataOf, readModelMetadata, signatureOfMetadata } from '../../../src/runtime/remote/model-metadata.js';
import { checkSessionAgainstSpec } from '../../../src/runtime/model-runner.js';
import { createTensor, float32Tensor, int32Tensor, int64Tensor, type Tensor } from '../../../src/runtime/tensor.js';
import { unetSpec } from '../../fixtures/onnx/index.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function roundTrip(feeds: Record<string, Tensor>, binaryFromBytes: number | null) {
  const body = encodeInferRequest(feeds, { binaryFromBytes, outputs: [] });
  return { body, decoded: decodeInferRequest(body.bytes, body.headerLength === null ? null : String(body.headerLength)) };
}

describe('inference requests', () => {
  const feeds = {
    sample: float32Tensor(Float32Array.from({ length: 64 }, (_, i) => i / 7 - 3), [1, 4, 4, 4]),
    ids: int64Tensor([49406, 320, 49407], [1, 3]),
    small: int32Tensor([-(2 ** 31), 0, 2 ** 31 - 1], [3]),
  };

  it('round-trip as JSON, exactly (float32 values survive JSON numbers)', () => {
    const { body, decoded } = roundTrip(feeds, null);
    expect(body.contentType).toBe('application/json');
    expect(body.headerLength).toBeNull();
    const json = JSON.parse(text(body.bytes)) as { inputs: { name: string; shape: number[]; datatype: string; data: number[] }[] };
    expect(json.inputs.map((i) => [i.name, i.datatype, i.shape])).toEqual([['sample', 'FP32', [1, 4, 4, 4]], ['ids', 'INT64', [1, 3]], ['small', 'INT32', [3]]]);
    expect(decoded.inputs).toEqual(feeds);
  });

  it('round-trip as binary tensor data: JSON header, then the bytes in input order, sized by binary_data_size', () => {
    const { body, decoded } = roundTrip(feeds, 0);
    expect(body.contentType).toBe('application/octet-stream');
    const head = JSON.parse(text(body.bytes.subarray(0, body.headerLength!))) as { inputs: { parameters: { binary_data_size: number }; data?: unknown }[] };
    expect(head.inputs.map((i) => i.parameters.binary_data_size)).toEqual([256, 24, 12]);
    expect(head.inputs.every((i) => i.data === undefined)).toBe(true);
    expect(body.bytes.length).toBe(body.headerLength! + 256 + 24 + 12);
    expect(decoded.inputs).toEqual(feeds);
  });

  it('sends only large tensors as binary', () => {
    const { body } = roundTrip(feeds, 100);
    const head = JSON.parse(text(body.bytes.subarray(0, body.headerLength!))) as { inputs: { name: string; parameters?: object }[] };
    expect(head.inputs.filter((i) => i.parameters).map((i) => i.name)).toEqual(['sample']);
  });

  it('sends what JSON cannot carry (float16, NaN, int64 past 2^53) as binary, or refuses without the extension', () => {
    const awkward = {
      half: createTensor('float16', Uint16Array.of(0x3c00, 0x7e00), [2]),
      nan: float32Tensor([1, NaN, Infinity], [3]),
      huge: int64Tensor([2n ** 60n], [1]),
    };
    const { decoded } = roundTrip(awkward, 1 << 20);
    expect(decoded.inputs.half).toEqual(awkward.half);
    expect(Array.from(decoded.inputs.nan.data as Float32Array)).toEqual([1, NaN, Infinity]);
    expect(decoded.inputs.huge).toEqual(awkward.huge);
    expect(() => encodeInferRequest({ half: awkward.half }, { binaryFromBytes: null, outputs: [] })).toThrow(/cannot be sent as JSON/);
  });

  it('reads the outputs asked for, and binary_data_output as their default', () => {
    const body = new TextEncoder().encode(JSON.stringify({ parameters: { binary_data_output: true }, inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], outputs: [{ name: 'a' }, { name: 'b', parameters: { binary_data: false } }] }));
    expect(decodeInferRequest(body, null)).toMatchObject({ binaryOutputs: true, outputs: [{ name: 'a', binary: true }, { name: 'b', binary: false }] });
  });

  it.each([
    ['Inference-Header-Content-Length longer than the body', '{"inputs":[]}', '999', /longer than the body/],
    ['a header length that is not a number', '{"inputs":[]}', '12abc', /is not a byte count/],
    ['bytes left over after the tensors', '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}XYZ', '66', /3 bytes of binary data after the last tensor/],
    ['a name given twice', '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]},{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}', null, /names x twice/],
    ['both data and binary_data_size', '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"parameters":{"binary_data_size":4}}]}', null, /both data and binary_data_size/],
    ['a wrong binary size', '{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":4}}]}', null, /does not fit FP32\[2\] \(8 bytes\)/],
    ['a shape too large to allocate', '{"inputs":[{"name":"x","shape":[65536,65536,65536],"datatype":"FP32","data":[]}]}', null, /more than \d+ elements/],
    ['negative dims', '{"inputs":[{"name":"x","shape":[-1],"datatype":"FP32","data":[]}]}', null, /must be a whole number ≥ 0/],
    ['an int32 out of range', '{"inputs":[{"name":"x","shape":[1],"datatype":"INT32","data":[2147483648]}]}', null, /is not a int32 value/],
    ['FP16 as JSON', '{"inputs":[{"name":"x","shape":[1],"datatype":"FP16","data":[1]}]}', null, /FP16 has no JSON form/],
    ['too many values in nested data', '{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[[1,2],[3]]}]}', null, /more than the 2 values/],
  ])('refuses %s with a WireFormatError', (_label, json, header, pattern) => {
    const bytes = new TextEncoder().encode(json);
    expect(() => decodeInferRequest(bytes, header === '66' ? String(json.length - 3) : header)).toThrow(WireFormatError);
    expect(() => decodeInferRequest(bytes, header === '66' ? String(json.length - 3) : header)).toThrow(pattern);
  });

  it('keeps a tensor called __proto__ a plain name', () => {
    const body = new TextEncoder().encode('{"inputs":[{"name":"__proto__","shape":[1],"datatype":"FP32","data":[2]}]}');
    const { inputs } = decodeInferRequest(body, null);
    expect(Object.keys(inputs)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(inputs)).toBeNull();
  });
});

describe('inference responses', () => {
  const outputs = { out: float32Tensor([0.5, -1, NaN], [3]), ids: int64Tensor([1, 2], [2]) };

  it('encode each output as the request asked, and decode back', () => {
    const body = encodeInferResponse({ model_name: 'm', model_version: '1', id: 'r1' }, outputs, (name) => name === 'out');
    const head = JSON.parse(text(body.bytes.subarray(0, body.headerLength!))) as Record<string, unknown>;
    expect(head).toEqual({
      model_name: 'm',
      model_version: '1',
      id: 'r1',
      outputs: [
        { name: 'out', shape: [3], datatype: 'FP32', parameters: { binary_data_size: 12 } },
        { name: 'ids', shape: [2], datatype: 'INT64', data: [1, 2] },
      ],
    });
    const decoded = decodeInferResponse(body.bytes, String(body.headerLength));
    expect(decoded.head).toEqual({ model_name: 'm', model_version: '1', id: 'r1' });
    expect(Array.from(decoded.outputs.out.data as Float32Array)).toEqual([0.5, -1, NaN]);
    expect(decoded.outputs.ids).toEqual(outputs.ids);
  });

  it('write NaN as null in JSON (the protocol has no NaN), and read null back as NaN', () => {
    const body = encodeInferResponse({ model_name: 'm' }, { out: outputs.out }, () => false);
    expect(text(body.bytes)).toContain('"data":[0.5,-1,null]');
    expect(Number.isNaN((decodeInferResponse(body.bytes, null).outputs.out.data as Float32Array)[2])).toBe(true);
  });

  it('refuse FP16 as JSON', () => {
    expect(() => encodeInferResponse({ model_name: 'm' }, { h: createTensor('float16', Uint16Array.of(1), [1]) }, () => false)).toThrow(/FP16, which has no JSON form/);
  });
});

describe('model metadata', () => {
  it('describes a spec with −1 for free sizes, and reads back to a signature the spec check accepts', () => {
    const spec = unetSpec({ flavour: 'optimum' });
    const metadata = modelMetadataOf('m.unet', spec, { execution_provider: 'cpu' });
    expect(metadata.inputs[0]).toEqual({ name: 'sample', datatype: 'FP32', shape: [-1, -1, -1, -1] });
    const read = readModelMetadata(JSON.parse(JSON.stringify(metadata)));
    expect(read).toEqual(metadata);
    expect(() => checkSessionAgainstSpec(spec, signatureOfMetadata(read))).not.toThrow();
    // A server model with fixed sizes does not serve a spec that promises free ones.
    const fixed = signatureOfMetadata(modelMetadataOf('m.unet', unetSpec()));
    expect(() => checkSessionAgainstSpec(spec, fixed)).toThrow(/input sample has shape \[1,4,8,8\] in the file, expected \[batch_size,num_channels,height,width\]/);
  });

  it('passes a datatype Tessera does not know to the check, which names it', () => {
    const read = readModelMetadata({ name: 'x', platform: 'p', inputs: [{ name: 'sample', datatype: 'BF16', shape: [1, 4, 8, 8] }], outputs: [] });
    expect(signatureOfMetadata(read).inputMetadata?.[0].type).toBe('BF16');
  });
});

describe('server addresses', () => {
  it.each([
    ['http://127.0.0.1:8765/', 'http://127.0.0.1:8765'],
    ['https://gpu.example/kserve/', 'https://gpu.example/kserve'],
    [' http://localhost:8000 ', 'http://localhost:8000'],
  ])('normalise %j', (given, expected) => expect(normaliseServerUrl(given)).toBe(expected));

  it.each(['localhost:8765', 'ftp://x', 'http://user:pw@host', 'http://host/?token=x', 'not a url'])('refuse %j', (given) => {
    expect(() => normaliseServerUrl(given)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });
});
