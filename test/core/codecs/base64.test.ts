import { describe, expect, it } from 'vitest';
import { encodeBase64, pngDataUrl } from '../../../src/core/codecs/base64.js';
import { createRng } from '../../../src/core/random.js';

describe('base64', () => {
  it('matches the RFC 4648 test vectors', () => {
    const enc = (s: string) => encodeBase64(new TextEncoder().encode(s));
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map(enc)).toEqual(['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy']);
  });

  it('agrees with Node for random bytes of every length mod 3, across chunk boundaries', () => {
    const rng = createRng(4);
    for (const n of [1, 2, 3, 100, 12287, 12288, 12289, 50000]) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('makes PNG data URLs', () => {
    expect(pngDataUrl(Uint8Array.of(0x89, 0x50))).toBe('data:image/png;base64,iVA=');
  });
});
