import type { TesseraErrorCode } from '../../src/core/errors.js';
import type { RgbaImage } from '../../src/core/image.js';
import type { PixelateOptions } from '../../src/core/pixelate/options.js';
import type { PixelateResult } from '../../src/core/pixelate/pipeline.js';
import type { Progress } from '../../src/core/progress.js';

/** Messages between the page and the pixelate worker. One job at a time per worker. */
export type WorkerRequest = { readonly kind: 'pixelate'; readonly id: number; readonly source: RgbaImage; readonly options: PixelateOptions };

export type WorkerReply =
  | { readonly kind: 'progress'; readonly id: number; readonly progress: Progress }
  | { readonly kind: 'done'; readonly id: number; readonly result: PixelateResult }
  | { readonly kind: 'failed'; readonly id: number; readonly error: { readonly code: TesseraErrorCode; readonly userMessage: string; readonly message: string } };
