import type { TesseraErrorCode } from '../../src/core/errors.js';
import type { RgbaImage } from '../../src/core/image.js';
import type { PixelateOptions } from '../../src/core/pixelate/options.js';
import type { PixelateResult, RefineGridPreview } from '../../src/core/pixelate/pipeline.js';
import type { Progress } from '../../src/core/progress.js';
import type { PriorImage, RefinePriorRequest } from '../../src/core/refine/prior.js';

/**
 * Messages between the page and the pixelate worker. One job at a time per worker. The worker
 * has no models: for Refine's diffusion prior it asks the page ('prior-request'), which runs the
 * models where they are loaded and answers with 'prior-target'.
 */
export type WorkerRequest =
  | {
      readonly kind: 'pixelate';
      readonly id: number;
      readonly source: RgbaImage;
      readonly options: PixelateOptions;
      /** The page answers prior requests (options.refine.prior is set and the page has the models). */
      readonly withPrior: boolean;
      /** Post Refine's intermediate results. */
      readonly previews: boolean;
    }
  | { readonly kind: 'prior-target'; readonly id: number; readonly requestId: number; readonly target: PriorImage };

/** A prior request as it crosses threads: the signal stays with the page. */
export type PriorRequestMessage = Omit<RefinePriorRequest, 'signal'>;

export type WorkerReply =
  | { readonly kind: 'progress'; readonly id: number; readonly progress: Progress }
  | { readonly kind: 'refine-preview'; readonly id: number; readonly preview: RefineGridPreview }
  | { readonly kind: 'prior-request'; readonly id: number; readonly requestId: number; readonly soft: PriorImage; readonly request: PriorRequestMessage }
  | { readonly kind: 'done'; readonly id: number; readonly result: PixelateResult }
  | { readonly kind: 'failed'; readonly id: number; readonly error: { readonly code: TesseraErrorCode; readonly userMessage: string; readonly message: string } };
