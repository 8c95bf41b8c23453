import type { IncomingMessage, ServerResponse } from 'node:http';
import { TesseraError } from '../core/errors.js';
import type { ServedModel } from './served-model.js';
import { decodeInferRequest, encodeInferResponse, DEFAULT_WIRE_LIMITS } from '../runtime/remote/inference-codec.js';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '../runtime/remote/inference-protocol.js';
import { WireFormatError } from '../runtime/remote/wire-body.js';
import type { Tensor } from '../runtime/tensor.js';
import { ModelQueue, QueueFullError } from './model-queue.js';
import { BodyTooLargeError, readRequestBody } from './request-body.js';
import { send, sendError, type ResponseNote } from './respond.js';

export interface InferLimits {
  readonly maxRequestBytes: number;
}

interface InferState {
  readonly limits: InferLimits;
  readonly stopping: boolean;
}

/**
 * POST /v2/models/{name}/infer: read the body (size-limited), decode it, check the feeds against
 * the model's spec, wait for the model's queue, run, and answer with the outputs asked for, as
 * binary or JSON as asked. A client that goes away stops its request from running if it is still
 * queued; a result nobody waits for is dropped.
 */
export async function handleInfer(req: IncomingMessage, res: ServerResponse, note: ResponseNote, model: ServedModel & { readonly queue: ModelQueue }, state: InferState): Promise<void> {
  if (state.stopping) return sendError(res, note, 503, 'the server is stopping', { 'retry-after': '1' });
  let body: Uint8Array;
  try {
    body = await readRequestBody(req, state.limits.maxRequestBytes);
  } catch (e) {
    if (e instanceof BodyTooLargeError) {
      // The rest of the body is not read: close the connection after this answer.
      return sendError(res, note, 413, `the request is too large: ${e.message} (tessera serve --max-request-mb raises the limit)`, { connection: 'close' });
    }
    res.destroy();
    return;
  }
  const header = req.headers[INFERENCE_HEADER_CONTENT_LENGTH.toLowerCase()];
  let request;
  try {
    request = decodeInferRequest(body, typeof header === 'string' ? header : null, DEFAULT_WIRE_LIMITS);
  } catch (e) {
    if (e instanceof WireFormatError) return sendError(res, note, 400, `malformed inference request: ${e.message}`);
    throw e;
  }
  const known = model.spec.outputs.map((t) => t.name);
  const unknownOutput = request.outputs?.find((o) => !known.includes(o.name));
  if (unknownOutput) return sendError(res, note, 400, `model ${model.name} has no output "${unknownOutput.name.slice(0, 80)}"; its outputs are ${known.join(', ')}`);

  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort(new DOMException('The client went away.', 'AbortError'));
  });
  let outputs: Record<string, Tensor>;
  try {
    outputs = await model.queue.run(() => model.runner.run(request.inputs, { signal: gone.signal }), gone.signal);
  } catch (e) {
    if (gone.signal.aborted) return;
    if (e instanceof QueueFullError) return sendError(res, note, 503, `model ${model.name} is busy: ${e.message}`, { 'retry-after': '1' });
    if (e instanceof TesseraError) return sendError(res, note, e.code === 'invalid-input' ? 400 : 500, e.userMessage);
    throw e;
  }
  const wanted = request.outputs ?? known.map((name) => ({ name, binary: request.binaryOutputs }));
  const selected: Record<string, Tensor> = {};
  for (const o of wanted) if (outputs[o.name] !== undefined) selected[o.name] = outputs[o.name];
  try {
    const binary = (name: string) => wanted.find((o) => o.name === name)?.binary ?? request.binaryOutputs;
    send(res, note, 200, encodeInferResponse({ model_name: model.name, model_version: '1', ...(request.id === undefined ? {} : { id: request.id }) }, selected, binary));
  } catch (e) {
    if (e instanceof WireFormatError) return sendError(res, note, 400, e.message);
    throw e;
  }
}
