export { PhotoshopHost } from './photoshop-host.js';
export { wrapPhotoshopError, type PhotoshopStep } from './photoshop-errors.js';
export { PS_16BIT_MAX, psMaskTo8Bit, psPixelsToRgba, rgbaToPsPixels, type PsBitDepth, type PsPixelLayout } from './pixel-conversion.js';
export {
  type PhotoshopModules,
  type PsApp,
  type PsBounds,
  type PsCore,
  type PsDocument,
  type PsExecutionContext,
  type PsHistorySuspension,
  type PsHostControl,
  type PsImageData,
  type PsImaging,
  type PsLayer,
  type PsSelection,
} from './photoshop-modules.js';
