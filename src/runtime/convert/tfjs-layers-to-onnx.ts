/**
 * Converts a TF.js Layers model (Keras functional model exported by tfjs-converter: model.json +
 * weight shards) to an ONNX model, for the handful of layer types the RDN super-resolution models
 * of @upscalerjs use. The graph becomes NCHW: input `input` [1,C,H,W] and output `output`, with H
 * and W left free when the Keras model leaves them free.
 *
 * DEV/TEST-TIME TOOL. This module imports onnx-proto, a devDependency (CommonJS, 23 MB with
 * protobufjs 6). Nothing the browser or UXP bundles import may import this file; it is used by
 * tests and is what a future `tessera models convert` command would call from Node.
 *
 * Supported (anything else is `model-mismatch`, naming the layer):
 * - InputLayer with batch_input_shape [null, h|null, w|null, c]
 * - Conv2D, channels_last, groups 1, padding `same` (explicit pads, extra at the end as in TF)
 *   or `valid`, any strides/dilations, activation `linear` or `relu`; HWIO → OIHW weights
 * - Activation `relu` (→ Relu) and `linear` (→ Identity)
 * - Concatenate (NHWC axis → NCHW axis; 3 / -1 → 1)
 * - Add (2 inputs → Add; more → a chain of Adds)
 * - UpSampling2D, interpolation `nearest` → Resize nearest/floor/asymmetric, scales [1,1,sh,sw]
 * Weights must be float32 and unquantized; the manifest's shapes are checked against the shapes
 * the layers imply, and the weight bytes' length against the manifest.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { TesseraError } from '../../core/errors.js';

const { onnx } = onnxProto;

type NodeProto = OnnxTypes.INodeProto;
type TensorProto = OnnxTypes.ITensorProto;
type AttributeProto = OnnxTypes.IAttributeProto;

// ---------------------------------------------------------------------------------------------
// The parts of model.json we read

export interface TfjsWeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: unknown;
}

export interface TfjsWeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly TfjsWeightEntry[];
}

export interface TfjsKerasLayer {
  readonly class_name: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly inbound_nodes: readonly unknown[];
}

/** model.json as tfjs-converter writes it for a Keras model (`format: 'layers-model'`). */
export interface TfjsLayersModelJson {
  readonly format?: string;
  readonly modelTopology: {
    readonly model_config?: { readonly class_name: string; readonly config: TfjsModelConfig };
    readonly class_name?: string;
    readonly config?: TfjsModelConfig;
  };
  readonly weightsManifest: readonly TfjsWeightGroup[];
}

export interface TfjsModelConfig {
  readonly name?: string;
  readonly layers: readonly TfjsKerasLayer[];
  readonly input_layers: readonly (readonly [string, number, number])[];
  readonly output_layers: readonly (readonly [string, number, number])[];
}

export interface ConvertOptions {
  /** ONNX input name; default `input`. */
  inputName?: string;
  /** ONNX output name; default `output`. */
  outputName?: string;
  /** Written into the model's graph name; default the Keras model's name. */
  graphName?: string;
}

export interface ConvertResult {
  /** The serialized ONNX ModelProto (opset 17, IR 8). */
  readonly bytes: Uint8Array;
  /** Keras layer count and ONNX node count, for messages. */
  readonly layerCount: number;
  readonly nodeCount: number;
}

// ---------------------------------------------------------------------------------------------
// A tiny graph builder (src must not import test/fixtures)

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const ATTR = onnx.AttributeProto.AttributeType;

const attr = {
  int: (i: number): AttributeProto => ({ type: ATTR.INT, i }),
  ints: (ints: readonly number[]): AttributeProto => ({ type: ATTR.INTS, ints: [...ints] }),
  string: (s: string): AttributeProto => ({ type: ATTR.STRING, s: new TextEncoder().encode(s) }),
};

function makeNode(opType: string, name: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, AttributeProto> = {}): NodeProto {
  return { opType, name, input: [...inputs], output: [...outputs], attribute: Object.entries(attributes).map(([n, a]) => ({ ...a, name: n })) };
}

function floatInit(name: string, data: Float32Array, dims: readonly number[]): TensorProto {
  return { name, dataType: FLOAT, dims: [...dims], rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

function valueInfo(name: string, dims: readonly (number | string)[]): OnnxTypes.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

// ---------------------------------------------------------------------------------------------

function mismatch(message: string, details: Record<string, string | number> = {}): TesseraError {
  return new TesseraError('model-mismatch', `Cannot convert this TF.js model to ONNX: ${message}.`, { details });
}

function layerError(layer: TfjsKerasLayer, message: string): TesseraError {
  return mismatch(`layer "${layer.name}" (${layer.class_name}): ${message}`, { layer: layer.name, layerType: layer.class_name });
}

/** The weight bytes in manifest order: every group's shards concatenated, as tfjs reads them. */
class WeightReader {
  private readonly entries = new Map<string, { entry: TfjsWeightEntry; offset: number }>();
  private readonly view: DataView;

  constructor(manifest: readonly TfjsWeightGroup[], bytes: Uint8Array) {
    let offset = 0;
    for (const group of manifest) {
      for (const entry of group.weights) {
        if (entry.dtype !== 'float32') throw mismatch(`weight "${entry.name}" is ${entry.dtype}; only float32 is supported`, { weight: entry.name });
        if (entry.quantization !== undefined) throw mismatch(`weight "${entry.name}" is quantized; only plain float32 is supported`, { weight: entry.name });
        this.entries.set(entry.name, { entry, offset });
        offset += count(entry.shape) * 4;
      }
    }
    if (offset !== bytes.byteLength) {
      throw mismatch(`the weight manifest describes ${offset} bytes but the weight files hold ${bytes.byteLength}`, { expectedBytes: offset, actualBytes: bytes.byteLength });
    }
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The weight `name`, which must have exactly `shape`; throws naming the layer otherwise. */
  read(layer: TfjsKerasLayer, name: string, shape: readonly number[]): Float32Array {
    const found = this.entries.get(name);
    if (!found) throw layerError(layer, `no weight "${name}" in the manifest`);
    const actual = found.entry.shape;
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) {
      throw layerError(layer, `weight "${name}" has shape [${actual.join(',')}], expected [${shape.join(',')}]`);
    }
    const out = new Float32Array(count(shape));
    for (let i = 0; i < out.length; i++) out[i] = this.view.getFloat32(found.offset + i * 4, true);
    return out;
  }
}

function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** [kh, kw, cin, cout] → [cout, cin, kh, kw]. */
function hwioToOihw(w: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = w[((y * kw + x) * cin + i) * cout + o];
  return out;
}

function pair(layer: TfjsKerasLayer, key: string, fallback: number): [number, number] {
  const v = layer.config[key];
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && Number.isInteger(n) && n > 0)) return [v[0] as number, v[1] as number];
  throw layerError(layer, `${key} ${JSON.stringify(v)} is not supported`);
}

function checkChannelsLast(layer: TfjsKerasLayer): void {
  const format = layer.config.data_format;
  if (format !== undefined && format !== null && format !== 'channels_last') throw layerError(layer, `data_format ${String(format)} is not supported`);
}

/** The inbound tensors of a layer called once: `[[["F_0", 0, 0, {}], …]]` → layer names. */
function inboundLayers(layer: TfjsKerasLayer): string[] {
  const nodes = layer.inbound_nodes;
  if (nodes.length === 0) return [];
  if (nodes.length !== 1 || !Array.isArray(nodes[0])) throw layerError(layer, 'shared layers (called more than once) are not supported');
  return (nodes[0] as unknown[]).map((t) => {
    if (!Array.isArray(t) || typeof t[0] !== 'string' || t[1] !== 0 || t[2] !== 0) {
      throw layerError(layer, `inbound tensor ${JSON.stringify(t)} is not supported`);
    }
    return t[0];
  });
}

/**
 * Converts `modelJson` (parsed model.json) with `weightBytes` (all shard files of its manifest,
 * concatenated in manifest order) to ONNX. Throws `model-mismatch` for anything it cannot
 * translate faithfully, naming the layer.
 */
export function convertTfjsLayersToOnnx(modelJson: TfjsLayersModelJson, weightBytes: Uint8Array, options: ConvertOptions = {}): ConvertResult {
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const topology = modelJson.modelTopology;
  const modelConfig = topology?.model_config ?? (topology?.class_name ? { class_name: topology.class_name, config: topology.config } : undefined);
  if (!modelConfig || !modelConfig.config) throw mismatch('model.json has no Keras model_config');
  if (modelConfig.class_name !== 'Functional' && modelConfig.class_name !== 'Model') {
    throw mismatch(`a Keras ${modelConfig.class_name} model is not supported (only functional models)`);
  }
  const config = modelConfig.config;
  if (config.input_layers.length !== 1 || config.output_layers.length !== 1) {
    throw mismatch(`the model has ${config.input_layers.length} inputs and ${config.output_layers.length} outputs; only one of each is supported`);
  }
  const weights = new WeightReader(modelJson.weightsManifest ?? [], weightBytes);
  const outputLayer = config.output_layers[0][0];

  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const inputs: OnnxTypes.IValueInfoProto[] = [];
  /** Keras layer name → ONNX tensor name and channel count. */
  const tensors = new Map<string, { name: string; channels: number }>();
  const byName = new Map(config.layers.map((l) => [l.name, l]));

  const tensorName = (layer: TfjsKerasLayer): string => (layer.name === outputLayer ? outputName : layer.name);
  const resolve = (layer: TfjsKerasLayer): { name: string; channels: number }[] =>
    inboundLayers(layer).map((n) => {
      const t = tensors.get(n);
      if (!t) throw layerError(layer, `input "${n}" is not defined`);
      return t;
    });
  const expectInputs = (layer: TfjsKerasLayer, ins: readonly unknown[], min: number, max: number): void => {
    if (ins.length < min || ins.length > max) throw layerError(layer, `takes ${ins.length} inputs`);
  };

  // Keras writes layers in topological order, but be safe: convert a layer once its inputs exist.
  const pending = [...config.layers];
  while (pending.length > 0) {
    const index = pending.findIndex((l) => inboundLayers(l).every((n) => tensors.has(n)));
    if (index < 0) {
      const l = pending[0];
      const missing = inboundLayers(l).filter((n) => !tensors.has(n) && !byName.has(n));
      throw layerError(l, missing.length > 0 ? `input "${missing[0]}" is not a layer of the model` : 'the layer graph has a cycle');
    }
    const layer = pending.splice(index, 1)[0];
    const out = tensorName(layer);
    switch (layer.class_name) {
      case 'InputLayer': {
        const shape = layer.config.batch_input_shape;
        if (!Array.isArray(shape) || shape.length !== 4 || typeof shape[3] !== 'number') {
          throw layerError(layer, `batch_input_shape ${JSON.stringify(shape)} is not [batch, h, w, c]`);
        }
        if (layer.name !== config.input_layers[0][0]) throw layerError(layer, 'is not the model input');
        const dim = (d: unknown, symbol: string): number | string => (typeof d === 'number' ? d : symbol);
        inputs.push(valueInfo(inputName, [1, shape[3], dim(shape[1], 'height'), dim(shape[2], 'width')]));
        tensors.set(layer.name, { name: inputName, channels: shape[3] });
        break;
      }
      case 'Conv2D': {
        const ins = resolve(layer);
        expectInputs(layer, ins, 1, 1);
        checkChannelsLast(layer);
        const c = layer.config;
        if (c.groups !== undefined && c.groups !== 1) throw layerError(layer, `groups ${String(c.groups)} is not supported`);
        const filters = c.filters;
        if (typeof filters !== 'number' || !Number.isInteger(filters) || filters < 1) throw layerError(layer, `filters ${String(filters)} is not supported`);
        const [kh, kw] = pair(layer, 'kernel_size', 1);
        const strides = pair(layer, 'strides', 1);
        const dilations = pair(layer, 'dilation_rate', 1);
        const activation = c.activation ?? 'linear';
        if (activation !== 'linear' && activation !== 'relu') throw layerError(layer, `activation ${String(activation)} is not supported`);
        const cin = ins[0].channels;
        const attributes: Record<string, AttributeProto> = {
          kernel_shape: attr.ints([kh, kw]),
          strides: attr.ints(strides),
          dilations: attr.ints(dilations),
        };
        if (c.padding === 'same') {
          if (strides[0] === 1 && strides[1] === 1) {
            // TF puts the odd pixel of padding at the end (bottom/right).
            const th = dilations[0] * (kh - 1), tw = dilations[1] * (kw - 1);
            attributes.pads = attr.ints([Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)]);
          } else {
            attributes.auto_pad = attr.string('SAME_UPPER'); // depends on the input size: TF's rule
          }
        } else if (c.padding !== 'valid') {
          throw layerError(layer, `padding ${String(c.padding)} is not supported`);
        }
        const kernel = weights.read(layer, `${layer.name}/kernel`, [kh, kw, cin, filters]);
        initializers.push(floatInit(`${layer.name}.weight`, hwioToOihw(kernel, kh, kw, cin, filters), [filters, cin, kh, kw]));
        const convInputs = [ins[0].name, `${layer.name}.weight`];
        if (c.use_bias !== false) {
          initializers.push(floatInit(`${layer.name}.bias`, weights.read(layer, `${layer.name}/bias`, [filters]), [filters]));
          convInputs.push(`${layer.name}.bias`);
        }
        if (activation === 'relu') {
          nodes.push(makeNode('Conv', layer.name, convInputs, [`${layer.name}.conv`], attributes));
          nodes.push(makeNode('Relu', `${layer.name}.relu`, [`${layer.name}.conv`], [out]));
        } else {
          nodes.push(makeNode('Conv', layer.name, convInputs, [out], attributes));
        }
        tensors.set(layer.name, { name: out, channels: filters });
        break;
      }
      case 'Activation': {
        const ins = resolve(layer);
        expectInputs(layer, ins, 1, 1);
        const activation = layer.config.activation;
        if (activation === 'relu') nodes.push(makeNode('Relu', layer.name, [ins[0].name], [out]));
        else if (activation === 'linear') nodes.push(makeNode('Identity', layer.name, [ins[0].name], [out]));
        else throw layerError(layer, `activation ${String(activation)} is not supported`);
        tensors.set(layer.name, { name: out, channels: ins[0].channels });
        break;
      }
      case 'Concatenate': {
        const ins = resolve(layer);
        expectInputs(layer, ins, 2, Infinity);
        const axis = layer.config.axis ?? -1;
        if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -4 || axis > 3 || axis === 0 || axis === -4) {
          throw layerError(layer, `axis ${String(axis)} is not supported`);
        }
        const nchwAxis = [0, 2, 3, 1][(axis + 4) % 4];
        nodes.push(makeNode('Concat', layer.name, ins.map((t) => t.name), [out], { axis: attr.int(nchwAxis) }));
        const channels = nchwAxis === 1 ? ins.reduce((s, t) => s + t.channels, 0) : ins[0].channels;
        tensors.set(layer.name, { name: out, channels });
        break;
      }
      case 'Add': {
        const ins = resolve(layer);
        expectInputs(layer, ins, 2, Infinity);
        if (ins.some((t) => t.channels !== ins[0].channels)) throw layerError(layer, `adds tensors of ${ins.map((t) => t.channels).join(' and ')} channels`);
        let acc = ins[0].name;
        for (let i = 1; i < ins.length; i++) {
          const target = i === ins.length - 1 ? out : `${layer.name}.sum${i}`;
          nodes.push(makeNode('Add', i === ins.length - 1 ? layer.name : `${layer.name}.${i}`, [acc, ins[i].name], [target]));
          acc = target;
        }
        tensors.set(layer.name, { name: out, channels: ins[0].channels });
        break;
      }
      case 'UpSampling2D': {
        const ins = resolve(layer);
        expectInputs(layer, ins, 1, 1);
        checkChannelsLast(layer);
        const interpolation = layer.config.interpolation ?? 'nearest';
        if (interpolation !== 'nearest') throw layerError(layer, `interpolation ${String(interpolation)} is not supported`);
        const [sh, sw] = pair(layer, 'size', 2);
        initializers.push(floatInit(`${layer.name}.scales`, Float32Array.from([1, 1, sh, sw]), [4]));
        nodes.push(
          makeNode('Resize', layer.name, [ins[0].name, '', `${layer.name}.scales`], [out], {
            mode: attr.string('nearest'),
            nearest_mode: attr.string('floor'),
            coordinate_transformation_mode: attr.string('asymmetric'),
          }),
        );
        tensors.set(layer.name, { name: out, channels: ins[0].channels });
        break;
      }
      default:
        throw layerError(layer, 'this layer type is not supported by the converter');
    }
  }

  const output = tensors.get(outputLayer);
  if (!output) throw mismatch(`the output layer "${outputLayer}" is not in the model`);
  if (output.name !== outputName) throw mismatch(`the output layer "${outputLayer}" is the input; nothing to convert`);
  if (inputs.length !== 1) throw mismatch('the model has no InputLayer');

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'tessera tfjs-layers-to-onnx',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: options.graphName ?? config.name ?? 'model',
      node: nodes,
      initializer: initializers,
      input: inputs,
      output: [valueInfo(outputName, [1, output.channels, 'out_height', 'out_width'])],
    },
  });
  const problem = onnx.ModelProto.verify(model);
  if (problem) throw new TesseraError('internal', `The converted ONNX model is malformed: ${problem}`);
  return { bytes: new Uint8Array(onnx.ModelProto.encode(model).finish()), layerCount: config.layers.length, nodeCount: nodes.length };
}
