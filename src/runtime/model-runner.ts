import { TesseraError } from '../core/errors.js';
import { elementCount, formatDims, type Tensor, type TensorType } from './tensor.js';

/**
 * One loaded model, whatever runs it (onnxruntime-web on WebGPU or wasm, a remote server…).
 * Created once per model and reused for every run; `release()` it in a `finally`.
 */
export interface ModelRunner {
  /** The manifest id of the model, used in every message. */
  readonly id: string;
  /** What actually runs it: `'webgpu'`, `'wasm'`, … */
  readonly backend: string;
  /** Why that backend, in words the panel can show ("no WebGPU in this environment"). */
  readonly backendReason: string;
  /** Read from the loaded model, in the model's own order. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Runs the model once. Feeds are checked against the spec first (`invalid-input`); the signal
   * is checked before and after, but a run that has started cannot be interrupted.
   */
  run(feeds: Readonly<Record<string, Tensor>>, options?: RunOptions): Promise<Record<string, Tensor>>;
  /** Frees the session. Idempotent; waits for a run in progress. */
  release(): Promise<void>;
}

export interface RunOptions {
  signal?: AbortSignal;
}

/** A dimension: a fixed size, or a symbolic name (`'batch_size'`) for a size the file leaves free. */
export type Dim = number | string;

export interface TensorSpec {
  readonly name: string;
  readonly type: TensorType;
  readonly shape: readonly Dim[];
}

/**
 * What we expect of a model file: the part of a manifest entry the runtime checks. Structural,
 * so a manifest entry with more fields (files, URLs, sha256) can be passed as it is.
 */
export interface ModelSpec {
  readonly id: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** One input or output as a loaded session reports it; ORT's `ValueMetadata` fits. */
export interface SessionValueInfo {
  readonly name: string;
  readonly isTensor?: boolean;
  readonly type?: string;
  /** Empty when the file does not say. */
  readonly shape?: readonly Dim[];
}

/** What a loaded session tells about itself; an ORT `InferenceSession` fits. */
export interface SessionSignature {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly SessionValueInfo[];
  readonly outputMetadata?: readonly SessionValueInfo[];
}

/**
 * Checks a loaded session against the spec: the same input and output names (as sets), and where
 * the session reports them, the same dtypes and ranks, no conflicting fixed sizes, and no input
 * size fixed in the file that the spec says is free. Throws `model-mismatch` naming every difference.
 */
export function checkSessionAgainstSpec(spec: ModelSpec, session: SessionSignature): void {
  const problems = sessionSpecProblems(spec, session);
  if (problems.length === 0) return;
  throw new TesseraError(
    'model-mismatch',
    `The model file for "${spec.id}" does not match what Tessera expects: ${problems.join('; ')}. ` +
      'Delete the file and download it again, or update Tessera.',
    {
      message: `Model ${spec.id} does not match its manifest: ${problems.join('; ')}`,
      details: {
        model: spec.id,
        expected: describeSpec(spec),
        actual: describeSession(session),
        problems,
      },
    },
  );
}

/**
 * The differences `checkSessionAgainstSpec` finds, one phrase each, without throwing: for callers
 * whose advice differs from "download the file again" (a model on a remote server).
 */
export function sessionSpecProblems(spec: ModelSpec, session: SessionSignature): string[] {
  return [
    ...compareSide('input', spec.inputs, session.inputNames, session.inputMetadata),
    ...compareSide('output', spec.outputs, session.outputNames, session.outputMetadata),
  ];
}

/** The expected and actual tensors of a mismatch, for `details`. */
export function describeSpecAndSession(spec: ModelSpec, session: SessionSignature): { expected: string[]; actual: string[] } {
  return { expected: describeSpec(spec), actual: describeSession(session) };
}

function compareSide(
  side: 'input' | 'output',
  expected: readonly TensorSpec[],
  actualNames: readonly string[],
  metadata: readonly SessionValueInfo[] | undefined,
): string[] {
  const problems: string[] = [];
  const expectedNames = expected.map((t) => t.name);
  const missing = expectedNames.filter((n) => !actualNames.includes(n));
  const unexpected = actualNames.filter((n) => !expectedNames.includes(n));
  if (missing.length > 0 || unexpected.length > 0) {
    problems.push(`${side}s differ: expected [${expectedNames.join(', ')}], the file has [${actualNames.join(', ')}]`);
  }
  for (const want of expected) {
    const info = metadata?.find((m) => m.name === want.name);
    if (!info) continue;
    if (info.isTensor === false) {
      problems.push(`${side} ${want.name} is not a tensor in the file`);
      continue;
    }
    if (info.type !== undefined && info.type !== want.type) {
      problems.push(`${side} ${want.name} is ${info.type} in the file, expected ${want.type}`);
    }
    const shape = info.shape ?? [];
    if (shape.length === 0) continue;
    if (shape.length !== want.shape.length) {
      problems.push(`${side} ${want.name} has shape ${formatDims(shape)} in the file, expected ${formatDims(want.shape)}`);
      continue;
    }
    // A size fixed in the file conflicts with a different fixed size, and, for inputs, with a
    // free one (the spec promises any size would be accepted). ORT reports output shapes after
    // its own shape inference, so a free output dim in the spec may well show as fixed there.
    const conflicts = shape.some((d, i) => {
      const w = want.shape[i];
      if (typeof d !== 'number' || d < 0) return false;
      return typeof w === 'number' ? w >= 0 && w !== d : side === 'input';
    });
    if (conflicts) problems.push(`${side} ${want.name} has shape ${formatDims(shape)} in the file, expected ${formatDims(want.shape)}`);
  }
  return problems;
}

/**
 * Checks feeds against the spec's inputs: every input present, nothing extra, the right dtype,
 * rank and fixed sizes, data as long as the dims say, and each symbolic size (`batch_size`) the
 * same wherever it appears. Throws `invalid-input`; returns the sizes bound to each symbol.
 */
export function checkFeedsAgainstSpec(spec: ModelSpec, feeds: Readonly<Record<string, Tensor>>): Record<string, number> {
  const problems: string[] = [];
  const given = Object.keys(feeds);
  const expectedNames = spec.inputs.map((t) => t.name);
  const missing = expectedNames.filter((n) => !given.includes(n));
  const extra = given.filter((n) => !expectedNames.includes(n));
  if (missing.length > 0) problems.push(`missing ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`unexpected ${extra.join(', ')} (the model takes ${expectedNames.join(', ')})`);
  const bound: Record<string, number> = {};
  for (const want of spec.inputs) {
    const t = feeds[want.name];
    if (t === undefined) continue;
    problems.push(...tensorProblems(want, t, bound));
  }
  if (problems.length > 0) {
    throw new TesseraError('invalid-input', `Model "${spec.id}" was given inputs it cannot take: ${problems.join('; ')}.`, {
      details: {
        model: spec.id,
        expected: spec.inputs.map(describeTensorSpec),
        actual: given.map((n) => describeTensor(n, feeds[n])),
        problems,
      },
    });
  }
  return bound;
}

/**
 * Checks a run's outputs against the spec (names, dtypes, ranks, fixed sizes, symbols consistent
 * with those bound by the feeds). A failure means the file lied about itself: `model-mismatch`.
 */
export function checkOutputsAgainstSpec(spec: ModelSpec, outputs: Readonly<Record<string, Tensor>>, bound: Record<string, number> = {}): void {
  const symbols = { ...bound };
  const problems: string[] = [];
  for (const want of spec.outputs) {
    const t = outputs[want.name];
    if (t === undefined) problems.push(`no output ${want.name}`);
    else problems.push(...tensorProblems(want, t, symbols));
  }
  if (problems.length === 0) return;
  throw new TesseraError('model-mismatch', `Model "${spec.id}" returned outputs Tessera does not expect: ${problems.join('; ')}.`, {
    details: {
      model: spec.id,
      expected: spec.outputs.map(describeTensorSpec),
      actual: Object.keys(outputs).map((n) => describeTensor(n, outputs[n])),
      problems,
    },
  });
}

function tensorProblems(want: TensorSpec, t: Tensor, bound: Record<string, number>): string[] {
  const problems: string[] = [];
  if (t.type !== want.type) problems.push(`${want.name} is ${t.type}, the model takes ${want.type}`);
  if (!t.dims.every((d) => Number.isInteger(d) && d >= 0)) {
    problems.push(`${want.name} has invalid dims ${formatDims(t.dims)}`);
    return problems;
  }
  if (t.data.length !== elementCount(t.dims)) {
    problems.push(`${want.name} has ${t.data.length} values for dims ${formatDims(t.dims)} (${elementCount(t.dims)})`);
  }
  if (t.dims.length !== want.shape.length) {
    problems.push(`${want.name} has shape ${formatDims(t.dims)}, the model takes ${formatDims(want.shape)}`);
    return problems;
  }
  want.shape.forEach((w, i) => {
    const d = t.dims[i];
    if (typeof w === 'number') {
      if (w >= 0 && d !== w) problems.push(`${want.name} has shape ${formatDims(t.dims)}, dim ${i} must be ${w}`);
    } else if (bound[w] === undefined) {
      bound[w] = d;
    } else if (bound[w] !== d) {
      problems.push(`${want.name} dim ${i} (${w}) is ${d} but ${w} is ${bound[w]} elsewhere`);
    }
  });
  return problems;
}

export function describeTensorSpec(t: TensorSpec): string {
  return `${t.name} ${t.type}${formatDims(t.shape)}`;
}

function describeTensor(name: string, t: Tensor | undefined): string {
  return t === undefined ? name : `${name} ${t.type}${formatDims(t.dims)}`;
}

function describeSpec(spec: ModelSpec): string[] {
  return [...spec.inputs.map((t) => `input ${describeTensorSpec(t)}`), ...spec.outputs.map((t) => `output ${describeTensorSpec(t)}`)];
}

function describeSession(session: SessionSignature): string[] {
  const line = (side: string, name: string, meta: readonly SessionValueInfo[] | undefined): string => {
    const info = meta?.find((m) => m.name === name);
    if (!info || info.isTensor === false || info.type === undefined) return `${side} ${name}`;
    return `${side} ${name} ${info.type}${formatDims(info.shape ?? [])}`;
  };
  return [
    ...session.inputNames.map((n) => line('input', n, session.inputMetadata)),
    ...session.outputNames.map((n) => line('output', n, session.outputMetadata)),
  ];
}
