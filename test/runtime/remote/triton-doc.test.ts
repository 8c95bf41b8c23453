import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import BUNDLED_MANIFEST from '../../../models/manifest.json';
import { loadManifest } from '../../../src/runtime/models/manifest.js';
import { servedModelName } from '../../../src/runtime/remote/served-model-name.js';
import { manifestFileSpec } from '../../../src/runtime/sdxs/manifest-file-spec.js';

/** docs/triton.md must stay true to the manifest: one config.pbtxt per ONNX file, with its tensors. */
const doc = readFileSync(path.resolve(import.meta.dirname, '../../../docs/triton.md'), 'utf8');
const DATA_TYPE = { float32: 'TYPE_FP32', int64: 'TYPE_INT64', int32: 'TYPE_INT32', float16: 'TYPE_FP16' } as const;

interface ConfigTensor {
  name: string;
  dataType: string;
  dims: number[];
}

function configOf(model: string): { platform: string; maxBatch: number; inputs: ConfigTensor[]; outputs: ConfigTensor[] } {
  const block = doc.match(new RegExp(`### \`${model.replace(/\./g, '\\.')}/config\\.pbtxt\`\\n\\n\`\`\`\\n([\\s\\S]*?)\`\`\``))?.[1];
  if (!block) throw new Error(`docs/triton.md has no config.pbtxt for ${model}`);
  expect(block).toContain(`name: "${model}"`);
  const tensors = (side: 'input' | 'output') =>
    [...(block.match(new RegExp(`^${side} \\[([\\s\\S]*?)^\\]`, 'm'))?.[1] ?? '').matchAll(/\{ name: "([^"]+)" data_type: (\w+) dims: \[ ([^\]]*) \] \}/g)].map((m) => ({
      name: m[1],
      dataType: m[2],
      dims: m[3].split(',').map((d) => Number(d.trim())),
    }));
  return { platform: block.match(/platform: "([^"]+)"/)![1], maxBatch: Number(block.match(/max_batch_size: (\d+)/)![1]), inputs: tensors('input'), outputs: tensors('output') };
}

describe('docs/triton.md', () => {
  const manifest = loadManifest(BUNDLED_MANIFEST);
  const files = manifest.models.flatMap((model) => model.files.filter((f) => f.format === 'onnx').map((file) => ({ model, file })));

  it.each(files.map(({ model, file }) => [servedModelName(model.id, file.role), model, file] as const))('has the config of %s with the manifest\'s tensors', (name, model, file) => {
    const spec = manifestFileSpec(model, file);
    const config = configOf(name);
    expect(config.platform).toBe('onnxruntime_onnx');
    expect(config.maxBatch).toBe(0);
    const expected = (list: typeof spec.inputs) => list.map((t) => ({ name: t.name, dataType: DATA_TYPE[t.type], dims: t.shape.map((d) => (typeof d === 'number' ? d : -1)) }));
    expect(config.inputs).toEqual(expected(spec.inputs));
    expect(config.outputs).toEqual(expected(spec.outputs));
    expect(doc).toContain(`${name} ${model.id}/${file.name}`); // the copy script
  });
});
