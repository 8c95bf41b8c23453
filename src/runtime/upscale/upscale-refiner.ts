import type { ClipTokenizer } from '../../core/diffusion/clip-tokenizer.js';
import { latentShapeFor, type TensorRange } from '../../core/diffusion/image-tensor.js';
import type { LatentShape } from '../../core/diffusion/latents.js';
import { minimumPatchCalls, pixelsmithRefine, type PatchDenoiser } from '../../core/diffusion/pixelsmith.js';
import { tiledDecode, tiledEncode } from '../../core/diffusion/tiled-vae.js';
import { TesseraError } from '../../core/errors.js';
import type { RgbaImage } from '../../core/image.js';
import type { Dim } from '../model-runner.js';
import { floatOutput, resolveSdxsIo, timestepTensor, tokenTensor } from '../sdxs/sdxs-io.js';
import type { SdxsModel } from '../sdxs/sdxs-pipeline.js';
import { createTensor, type Tensor } from '../tensor.js';

/** What one refinement needs: an ε-prediction UNet with its text encoder and tokenizer, and a TAESD pair. */
export interface UpscaleRefinerModels {
  /** Manifest id of the diffusion model, for messages and layer names. */
  readonly modelId: string;
  readonly textEncoder: SdxsModel;
  readonly unet: SdxsModel;
  readonly vaeEncoder: SdxsModel;
  readonly vaeDecoder: SdxsModel;
  readonly tokenizer: ClipTokenizer;
  /** The UNet's native latent size from the manifest (64 for 512-px models). */
  readonly patchLatents: number;
  /** Value range of the VAE's images. Default 'neg-one-to-one'. */
  readonly vaeRange?: TensorRange;
}

export interface RefineSettings {
  readonly prompt: string;
  /** DDIM steps. */
  readonly steps: number;
  /** Guided steps counted from the noisiest, 0..steps. */
  readonly slider: number;
  readonly seed: number;
}

export type RefinePhase = 'encode' | 'refine' | 'decode';

export interface RefineProgress {
  readonly phase: RefinePhase;
  /** 0..1 within the phase. */
  readonly fraction: number;
  /** UNet calls so far in this refinement. */
  readonly patchesDone: number;
  /** Best current estimate of this refinement's UNet calls. */
  readonly patchesEstimate: number;
}

export interface RefineRun {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: RefineProgress) => void;
  /** Streaming: the refined image in bands, top to bottom; `refine` then resolves to null. */
  readonly onBand?: (y: number, band: RgbaImage) => void | Promise<void>;
}

/**
 * Adds detail to an upsampled image: tiled TAESD encode → Pixelsmith's patch-wise reverse
 * process guided by that encoding → tiled decode (src/core/diffusion). Memory is a few latents
 * (1/16 of the image's bytes each) plus one VAE tile and one UNet patch, whatever the size.
 */
export interface UpscaleRefiner {
  readonly modelId: string;
  readonly patchLatents: number;
  /** The fewest UNet calls refining a width × height image (multiples of 8) takes. */
  patchCalls(width: number, height: number, steps: number): number;
  /**
   * `image`'s sides must be multiples of 8 (the caller pads); its alpha is ignored (transparent
   * pixels are taken over white). Returns an opaque image of the same size. The prompt is
   * encoded once and reused while it stays the same (every stage of a cascade).
   */
  refine(image: RgbaImage, settings: RefineSettings, run?: RefineRun): Promise<RgbaImage | null>;
}

/** TAESD's image tile when the encoder leaves the size free: 512 px, the size it was trained at. */
const DEFAULT_ENCODER_TILE = 512;
/** The decoder's latent tile when free: 64 (512 px). */
const DEFAULT_DECODER_TILE = 64;

export function createUpscaleRefiner(models: UpscaleRefinerModels): UpscaleRefiner {
  const { modelId, textEncoder, unet, vaeEncoder, vaeDecoder, tokenizer, patchLatents, vaeRange = 'neg-one-to-one' } = models;
  const io = resolveSdxsIo({ textEncoder: textEncoder.spec, unet: unet.spec, vaeDecoder: vaeDecoder.spec, vaeEncoder: vaeEncoder.spec });
  const encoderInput = io.encoderInput!, encoderOutput = io.encoderOutput!;
  const unetSize = fixedSquare(io.unetSample.shape, unet.spec.id);
  if (unetSize !== null && unetSize !== patchLatents) {
    throw new TesseraError('model-mismatch', `The UNet of ${modelId} takes ${unetSize}×${unetSize} latents, but the manifest gives it a patch size of ${patchLatents}.`, {
      details: { model: modelId, unet: unetSize, patchLatents },
    });
  }
  const patchShape = unetSize === null ? 'up-to' : 'fixed';
  const encoderTile = fixedSquare(encoderInput.shape, vaeEncoder.spec.id) ?? DEFAULT_ENCODER_TILE;
  const decoderTile = fixedSquare(io.decoderInput.shape, vaeDecoder.spec.id) ?? DEFAULT_DECODER_TILE;
  if (encoderTile % 8 !== 0) {
    throw new TesseraError('model-mismatch', `The image encoder ${vaeEncoder.spec.id} takes ${encoderTile}-px images; Tessera needs a multiple of 8.`, {
      details: { model: vaeEncoder.spec.id, tile: encoderTile },
    });
  }
  let lastText: { prompt: string; embedding: Tensor } | null = null;

  const encodeText = async (prompt: string, signal: AbortSignal | undefined): Promise<Tensor> => {
    if (lastText?.prompt === prompt) return lastText.embedding;
    signal?.throwIfAborted();
    const out = await textEncoder.runner.run({ [io.textIds.name]: tokenTensor(io.textIds, tokenizer.encode(prompt)) }, { signal });
    const hidden = floatOutput(out, io.textOutput, textEncoder.spec.id);
    const embedding = createTensor('float32', hidden.data, hidden.dims);
    lastText = { prompt, embedding };
    return embedding;
  };

  return {
    modelId,
    patchLatents,
    patchCalls: (width, height, steps) => minimumPatchCalls(latentShapeFor(width, height), patchLatents, steps),

    refine(image, settings, run = {}) {
      const { signal, onProgress, onBand } = run;
      const shape = latentShapeFor(image.width, image.height);
      let patchesEstimate = minimumPatchCalls(shape, patchLatents, settings.steps);
      let patchesDone = 0;
      const report = (phase: RefinePhase, fraction: number) => onProgress?.({ phase, fraction, patchesDone, patchesEstimate });

      const denoiseWith = (embedding: Tensor): PatchDenoiser => async (patch, patchShape, timestep, s) => {
        const out = await unet.runner.run(
          {
            [io.unetSample.name]: createTensor('float32', patch, patchShape),
            [io.unetTimestep.name]: timestepTensor(io.unetTimestep, timestep),
            [io.unetContext.name]: embedding,
          },
          { signal: s },
        );
        return floatOutput(out, io.unetOutput, unet.spec.id).data;
      };
      const refineLatent = async (embedding: Tensor, guidance: { data: Float32Array; shape: LatentShape }) => {
        report('refine', 0);
        return pixelsmithRefine({
          shape: guidance.shape,
          guidance: guidance.data,
          steps: settings.steps,
          slider: settings.slider,
          patchSize: patchLatents,
          patchShape,
          seed: settings.seed,
          denoise: denoiseWith(embedding),
          signal,
          onProgress: (p) => {
            patchesDone = p.patchesDone;
            patchesEstimate = p.patchesEstimate;
            report('refine', Math.min(1, p.patchesDone / Math.max(1, p.patchesEstimate)));
          },
        });
      };
      const decode = (latent: Float32Array) => {
        report('decode', 0);
        return tiledDecode(latent, shape, {
          tileLatents: decoderTile,
          overlapLatents: overlapOf(decoderTile, 1),
          range: vaeRange,
          signal,
          onProgress: (f) => report('decode', f),
          onBand,
          decodeTile: async (latentTile, tileShape, s) => {
            const out = await vaeDecoder.runner.run({ [io.decoderInput.name]: createTensor('float32', latentTile, tileShape) }, { signal: s });
            const decoded = floatOutput(out, io.decoderOutput, vaeDecoder.spec.id);
            const [, , h, w] = decoded.dims;
            return { data: decoded.data, shape: [1, 3, h ?? 0, w ?? 0] };
          },
        });
      };

      // A chain, not one async function, and no closure here mentions `image` (V8 keeps one
      // context per scope, so a single capture would keep it alive through the patches and the
      // decode): once encoded, the caller's big upsampled image can be freed.
      report('encode', 0);
      return encodeImage(image, signal, (f) => report('encode', f))
        .then((guidance) => encodeText(settings.prompt, signal).then((embedding) => refineLatent(embedding, guidance)))
        .then(decode);
    },
  };

  function encodeImage(image: RgbaImage, signal: AbortSignal | undefined, onProgress: (f: number) => void) {
    return tiledEncode(image, {
      tile: encoderTile,
      overlap: overlapOf(encoderTile, 8),
      range: vaeRange,
      signal,
      onProgress,
      encodeTile: async (tile, s) => {
        const out = await vaeEncoder.runner.run({ [encoderInput.name]: createTensor('float32', tile.data, tile.shape) }, { signal: s });
        return floatOutput(out, encoderOutput, vaeEncoder.spec.id).data;
      },
    });
  }
}

/** A quarter of the tile, in whole `align` units: Pixelsmith's 25 % (128 px of 512, 16 latents of 64). */
function overlapOf(tile: number, align: number): number {
  return Math.floor(tile / 4 / align) * align;
}

/** The side of a square spatial size the model fixes, or null when both sides are free. */
function fixedSquare(shape: readonly Dim[], modelId: string): number | null {
  const [, , h, w] = shape;
  const fixed = (d: Dim | undefined) => typeof d === 'number' && d > 0;
  if (!fixed(h) && !fixed(w)) return null;
  if (fixed(h) && h === w) return h as number;
  throw new TesseraError('model-mismatch', `The model ${modelId} takes images of shape [${shape.join(', ')}]; Upscale needs a square size or a free one.`, {
    details: { model: modelId, shape: shape.map(String) },
  });
}
