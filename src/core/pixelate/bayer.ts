/**
 * Bayer threshold matrices by the recursion M(2n) = [[4M, 4M+2], [4M+3, 4M+1]] from M(1) = [0]
 * (the same matrices as Aseprite's BayerMatrix<N>). Entries 0..n²-1, row-major.
 */
export function bayerMatrix(size: 2 | 4 | 8): Uint8Array {
  let m = Uint8Array.of(0);
  for (let n = 1; n < size; n *= 2) {
    const next = new Uint8Array(4 * n * n);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const v = 4 * m[y * n + x];
        next[y * 2 * n + x] = v;
        next[y * 2 * n + x + n] = v + 2;
        next[(y + n) * 2 * n + x] = v + 3;
        next[(y + n) * 2 * n + x + n] = v + 1;
      }
    }
    m = next;
  }
  return m;
}

export const BAYER_2 = bayerMatrix(2);
export const BAYER_4 = bayerMatrix(4);
export const BAYER_8 = bayerMatrix(8);
