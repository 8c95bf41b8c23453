/**
 * A cheap structural check of an ONNX file before ONNX Runtime sees it: the bytes must read as a
 * protobuf `ModelProto` with a graph, and the graph's own fields must fit inside it. This catches
 * truncated downloads, HTML error pages and random bytes with a clear reason and byte offset, so
 * that a damaged file is told apart from a runtime failure without reading ORT's message text.
 * It does not validate the graph: a file that passes can still be refused by ORT.
 */
export type OnnxBytesCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly offset: number };

/** ModelProto field numbers (onnx.proto). */
const MODEL_IR_VERSION = 1;
const MODEL_GRAPH = 7;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

interface Field {
  readonly number: number;
  readonly wireType: number;
  /** For length-delimited fields: where the payload starts and ends. */
  readonly start: number;
  readonly end: number;
}

class ProtoError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

export function checkOnnxModelBytes(bytes: Uint8Array): OnnxBytesCheck {
  if (bytes.length === 0) return { ok: false, reason: 'the file is empty', offset: 0 };
  try {
    const fields = readFields(bytes, 0, bytes.length);
    const graph = fields.find((f) => f.number === MODEL_GRAPH);
    if (!graph || graph.wireType !== WIRE_LEN) return { ok: false, reason: 'no graph in the file', offset: 0 };
    if (!fields.some((f) => f.number === MODEL_IR_VERSION && f.wireType === WIRE_VARINT)) {
      return { ok: false, reason: 'no IR version in the file', offset: 0 };
    }
    readFields(bytes, graph.start, graph.end);
    return { ok: true };
  } catch (e) {
    if (e instanceof ProtoError) return { ok: false, reason: e.reason, offset: e.offset };
    throw e;
  }
}

function readFields(bytes: Uint8Array, start: number, end: number): Field[] {
  const fields: Field[] = [];
  let pos = start;
  while (pos < end) {
    const at = pos;
    const tag = readVarint(bytes, pos, end);
    pos = tag.next;
    const number = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (number === 0) throw new ProtoError('field number 0', at);
    let fieldStart = pos;
    switch (wireType) {
      case WIRE_VARINT:
        pos = readVarint(bytes, pos, end).next;
        break;
      case WIRE_I64:
        pos += 8;
        break;
      case WIRE_I32:
        pos += 4;
        break;
      case WIRE_LEN: {
        const len = readVarint(bytes, pos, end);
        fieldStart = len.next;
        pos = len.next + len.value;
        break;
      }
      default:
        throw new ProtoError(`unknown wire type ${wireType}`, at);
    }
    if (pos > end) throw new ProtoError(`field ${number} runs past the end (the file is cut short?)`, at);
    fields.push({ number, wireType, start: fieldStart, end: pos });
  }
  return fields;
}

/** Varints up to 2^53 (lengths and tags are far smaller); longer ones are only skipped. */
function readVarint(bytes: Uint8Array, pos: number, end: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= end) throw new ProtoError('a number runs past the end (the file is cut short?)', pos);
    const b = bytes[pos + i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  throw new ProtoError('a number longer than 10 bytes', pos);
}
