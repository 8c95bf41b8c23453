import type { OrtModule } from './ort-module.js';

/** Execution providers onnxruntime-node knows; which ones a platform's build has varies. */
export type OrtNodeExecutionProvider = 'cuda' | 'tensorrt' | 'dml' | 'coreml' | 'webgpu' | 'cpu';

export const ORT_NODE_EXECUTION_PROVIDERS: readonly OrtNodeExecutionProvider[] = ['cuda', 'tensorrt', 'dml', 'coreml', 'webgpu', 'cpu'];

export function isOrtNodeExecutionProvider(value: string): value is OrtNodeExecutionProvider {
  return (ORT_NODE_EXECUTION_PROVIDERS as readonly string[]).includes(value);
}

/** One backend as onnxruntime-node lists it: `bundled` false means its libraries come from a separate install step. */
export interface OrtNodeBackend {
  readonly name: string;
  readonly bundled: boolean;
}

/** The slice of onnxruntime-node the Node runner uses; a test can pass a stand-in. */
export interface OrtNodeModule extends OrtModule<OrtNodeExecutionProvider> {
  listSupportedBackends(): readonly OrtNodeBackend[];
}

/**
 * onnxruntime-node, loaded on first use. It is a native addon: the import fails where its
 * binary does not load (an unsupported platform, a missing system library), and callers fall
 * back to onnxruntime-web's wasm build then.
 */
export async function loadOnnxruntimeNode(): Promise<OrtNodeModule> {
  const mod = (await import('onnxruntime-node')) as unknown as OrtNodeModule & { default?: OrtNodeModule };
  // CommonJS: Node exposes module.exports as the default export.
  return mod.default ?? mod;
}
