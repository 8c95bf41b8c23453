import { pngDataUrl } from '../../src/core/codecs/base64.js';
import { encodePng } from '../../src/core/codecs/png.js';
import { parseHexColor } from '../../src/core/color.js';
import { createImage } from '../../src/core/image.js';

/**
 * A small pixel-art landscape drawn in PICO-8 colours, standing in for a pixelated preview.
 * The gallery draws it so no fixture is a binary file; nothing here runs in the panel.
 */
export function landscapePreview(width = 64, height = 48): { dataUrl: string; width: number; height: number; colorsUsed: number } {
  const image = createImage(width, height);
  const used = new Set<string>();
  const sky = ['#1d2b53', '#7e2553', '#ff77a8', '#ffccaa'];
  const set = (x: number, y: number, hex: string): void => {
    const rgb = parseHexColor(hex)!;
    const i = (y * width + x) * 4;
    image.data.set([rgb[0], rgb[1], rgb[2], 255], i);
    used.add(hex);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Sky bands with a checker where two bands meet, like ordered dithering.
      const t = (y / (height * 0.62)) * (sky.length - 1);
      const band = Math.min(sky.length - 1, Math.floor(t));
      const edge = t - band > 0.7 && (x + y) % 2 === 0;
      let c = sky[Math.min(sky.length - 1, band + (edge ? 1 : 0))];
      const sun = Math.hypot(x - width * 0.68, y - height * 0.4);
      if (sun < height * 0.16) c = sun < height * 0.11 ? '#ffec27' : '#ffa300';
      const far = height * 0.55 + Math.sin(x * 0.21) * 3 + Math.sin(x * 0.07 + 1) * 4;
      const near = height * 0.7 + Math.sin(x * 0.13 + 2) * 2.5;
      if (y > far) c = '#83769c';
      if (y > far + 2 && (x * 7 + y * 3) % 11 === 0) c = '#5f574f';
      if (y > near) c = y > near + 1 ? '#008751' : '#00e436';
      if (y > height * 0.86) c = (x + y) % 3 === 0 ? '#ab5236' : '#008751';
      set(x, y, c);
    }
  }
  // A tree: trunk and crown.
  for (let y = Math.round(height * 0.62); y < Math.round(height * 0.8); y++) set(Math.round(width * 0.2), y, '#5f574f');
  for (let y = 0; y < 9; y++) {
    for (let x = -4; x <= 4; x++) {
      if (Math.abs(x) <= y / 2 + 1) set(Math.round(width * 0.2) + x, Math.round(height * 0.46) + y, y % 3 === 0 ? '#00e436' : '#008751');
    }
  }
  return { dataUrl: pngDataUrl(encodePng(image)), width, height, colorsUsed: used.size };
}
