import { describe, expect, it } from 'vitest';
import { thrownTesseraError as thrown } from '../fixtures/errors.js';
import { checkFeedsAgainstSpec, checkOutputsAgainstSpec, checkSessionAgainstSpec, type ModelSpec, type SessionSignature } from '../../src/runtime/model-runner.js';
import { createTensor, float32Tensor, int64Tensor } from '../../src/runtime/tensor.js';

/**
 * The runtime-neutral checks of src/runtime/model-runner.ts on plain objects, no ORT.
 * (Kept beside the ORT tests; it mirrors src/runtime/model-runner.ts.)
 */
const SPEC: ModelSpec = {
  id: 'unet',
  inputs: [
    { name: 'sample', type: 'float32', shape: ['batch_size', 4, 'height', 'width'] },
    { name: 'timestep', type: 'int64', shape: ['steps'] },
  ],
  outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch_size', 4, 'height', 'width'] }],
};

describe('checkSessionAgainstSpec', () => {
  const good: SessionSignature = {
    inputNames: ['timestep', 'sample'],
    outputNames: ['out_sample'],
    inputMetadata: [
      { name: 'sample', isTensor: true, type: 'float32', shape: ['b', 4, 'h', 'w'] },
      { name: 'timestep', isTensor: true, type: 'int64', shape: ['s'] },
    ],
    outputMetadata: [{ name: 'out_sample', isTensor: true, type: 'float32', shape: ['b', 4, 64, 64] }],
  };

  it('accepts names in any order, other symbol names, and outputs fixed by shape inference', () => {
    expect(() => checkSessionAgainstSpec(SPEC, good)).not.toThrow();
  });

  it('accepts a session that reports names only', () => {
    expect(() => checkSessionAgainstSpec(SPEC, { inputNames: ['sample', 'timestep'], outputNames: ['out_sample'] })).not.toThrow();
  });

  it('lists every difference: names, dtype, rank, fixed sizes', () => {
    const e = thrown(() =>
      checkSessionAgainstSpec(SPEC, {
        inputNames: ['sample', 'timestep'],
        outputNames: ['out_sample', 'extra'],
        inputMetadata: [
          { name: 'sample', isTensor: true, type: 'float32', shape: ['b', 3, 'h', 'w'] },
          { name: 'timestep', isTensor: true, type: 'float32', shape: [] },
        ],
        outputMetadata: [{ name: 'out_sample', isTensor: true, type: 'float32', shape: ['b', 4, 'h'] }],
      }),
    );
    expect(e.code).toBe('model-mismatch');
    expect(e.details?.problems).toEqual([
      'input sample has shape [b,3,h,w] in the file, expected [batch_size,4,height,width]',
      'input timestep is float32 in the file, expected int64',
      'outputs differ: expected [out_sample], the file has [out_sample, extra]',
      'output out_sample has shape [b,4,h] in the file, expected [batch_size,4,height,width]',
    ]);
    expect(e.details?.actual).toContain('output extra');
    expect(e.userMessage).toMatch(/^The model file for "unet" does not match what Tessera expects: .*Delete the file and download it again, or update Tessera\.$/);
  });

  it('flags non-tensor values', () => {
    const e = thrown(() => checkSessionAgainstSpec(SPEC, { ...good, inputMetadata: [{ name: 'sample', isTensor: false }] }));
    expect(e.details?.problems).toEqual(['input sample is not a tensor in the file']);
  });
});

describe('checkFeedsAgainstSpec / checkOutputsAgainstSpec', () => {
  const feeds = { sample: float32Tensor(new Float32Array(2 * 4 * 3 * 5), [2, 4, 3, 5]), timestep: int64Tensor([1, 2], [2]) };

  it('binds symbolic sizes and checks outputs against them', () => {
    const bound = checkFeedsAgainstSpec(SPEC, feeds);
    expect(bound).toEqual({ batch_size: 2, height: 3, width: 5, steps: 2 });
    expect(() => checkOutputsAgainstSpec(SPEC, { out_sample: float32Tensor(new Float32Array(120), [2, 4, 3, 5]) }, bound)).not.toThrow();
    const e = thrown(() => checkOutputsAgainstSpec(SPEC, { out_sample: float32Tensor(new Float32Array(240), [2, 4, 6, 5]) }, bound));
    expect(e.code).toBe('model-mismatch');
    expect(e.details?.problems).toEqual(['out_sample dim 2 (height) is 6 but height is 3 elsewhere']);
    expect(thrown(() => checkOutputsAgainstSpec(SPEC, {}, bound)).details?.problems).toEqual(['no output out_sample']);
  });

  it('reports invalid dims without crashing', () => {
    const e = thrown(() => checkFeedsAgainstSpec(SPEC, { ...feeds, timestep: { type: 'int64', dims: [-1], data: new BigInt64Array(0) } }));
    expect(e.code).toBe('invalid-input');
    expect(e.details?.problems).toEqual(['timestep has invalid dims [-1]']);
  });
});

describe('createTensor', () => {
  it('checks the data length against the dims', () => {
    expect(createTensor('float32', new Float32Array(6), [2, 3]).dims).toEqual([2, 3]);
    expect(thrown(() => createTensor('int32', new Int32Array(5), [2, 3])).code).toBe('invalid-input');
    expect(thrown(() => createTensor('float32', new Float32Array(1), [0.5])).code).toBe('invalid-input');
  });
});
