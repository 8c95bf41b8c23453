import type { FileRole } from '../models/manifest.js';

/**
 * The name a server knows one ONNX file of a manifest model by: the model id and the file's role,
 * `sdxs-512-dreamshaper.unet`, `taesd.vae-encoder`. One served model per ONNX file, because
 * Triton and KServe serve single networks, and the pipeline runs the tokenizer and the steps
 * between the networks on the client. The same names go into a Triton model repository
 * (docs/triton.md).
 */
export function servedModelName(modelId: string, role: FileRole): string {
  return `${modelId}.${role}`;
}
