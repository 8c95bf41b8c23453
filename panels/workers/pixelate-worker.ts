import { servePixelate, type WorkerScope } from './serve-pixelate.js';

/** The pixelate pipeline off the UI thread (serve-pixelate.ts). */
servePixelate(self as unknown as WorkerScope);
