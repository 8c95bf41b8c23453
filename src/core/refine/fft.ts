/**
 * A small complex FFT for any length, for the refiner's high-frequency loss. Powers of two use an
 * iterative radix-2 transform; every other length uses Bluestein's chirp-z algorithm (the DFT as
 * a convolution, done with a power-of-two FFT of length ≥ 2n − 1), because pixel grids are rarely
 * powers of two (64×48, 96×54). Double precision throughout: the gradient checks need it.
 *
 * Convention: forward X_k = Σ_j x_j·e^{−2πi·jk/n}, unnormalised (numpy/torch `fft`). The adjoint
 * (conjugate transpose, n·ifft) is conj(FFT(conj(x))), so no separate inverse is needed.
 */
export interface FftPlan {
  readonly n: number;
  /** In place, forward, unnormalised; `re` and `im` hold n values each. */
  transform(re: Float64Array, im: Float64Array): void;
}

export function createFftPlan(n: number): FftPlan {
  if (!Number.isInteger(n) || n < 1) throw new Error(`FFT length must be a positive integer (got ${n})`);
  return (n & (n - 1)) === 0 ? radix2Plan(n) : bluesteinPlan(n);
}

function radix2Plan(n: number): FftPlan {
  const bits = Math.round(Math.log2(n));
  const reversed = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reversed[i] = r;
  }
  const cos = new Float64Array(n >> 1), sin = new Float64Array(n >> 1);
  for (let k = 0; k < n >> 1; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  return { n, transform: (re, im) => radix2(re, im, n, reversed, cos, sin) };
}

/** Decimation in time: bit-reverse, then log2(n) passes of butterflies with tabled twiddles. */
function radix2(re: Float64Array, im: Float64Array, n: number, reversed: Uint32Array, cos: Float64Array, sin: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const j = reversed[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1, stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0, t = 0; k < half; k++, t += stride) {
        const a = start + k, b = a + half;
        const wr = cos[t], wi = sin[t];
        const xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
    }
  }
}

/**
 * Bluestein: with w_k = e^{−πi·k²/n}, X_k = w_k · Σ_j (x_j w_j)·conj(w_{k−j}), a convolution with
 * the fixed chirp conj(w), whose transform is computed once.
 */
function bluesteinPlan(n: number): FftPlan {
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const inner = radix2Plan(m);
  const chirpRe = new Float64Array(n), chirpIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const angle = (Math.PI * ((k * k) % (2 * n))) / n; // k² mod 2n keeps the angle exact for large k
    chirpRe[k] = Math.cos(angle);
    chirpIm[k] = -Math.sin(angle);
  }
  const kernelRe = new Float64Array(m), kernelIm = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    kernelRe[k] = chirpRe[k];
    kernelIm[k] = -chirpIm[k];
    if (k > 0) {
      kernelRe[m - k] = chirpRe[k];
      kernelIm[m - k] = -chirpIm[k];
    }
  }
  inner.transform(kernelRe, kernelIm);
  const workRe = new Float64Array(m), workIm = new Float64Array(m);
  const transform = (re: Float64Array, im: Float64Array): void => {
    workRe.fill(0);
    workIm.fill(0);
    for (let k = 0; k < n; k++) {
      workRe[k] = re[k] * chirpRe[k] - im[k] * chirpIm[k];
      workIm[k] = re[k] * chirpIm[k] + im[k] * chirpRe[k];
    }
    inner.transform(workRe, workIm);
    // Multiply by the kernel's transform, conjugated, so the next forward FFT acts as an inverse.
    for (let k = 0; k < m; k++) {
      const r = workRe[k] * kernelRe[k] - workIm[k] * kernelIm[k];
      const i = workRe[k] * kernelIm[k] + workIm[k] * kernelRe[k];
      workRe[k] = r;
      workIm[k] = -i;
    }
    inner.transform(workRe, workIm);
    for (let k = 0; k < n; k++) {
      const r = workRe[k] / m, i = -workIm[k] / m;
      re[k] = r * chirpRe[k] - i * chirpIm[k];
      im[k] = r * chirpIm[k] + i * chirpRe[k];
    }
  };
  return { n, transform };
}

/** 2-D transforms of a row-major width × height complex image, in place. */
export interface Fft2d {
  readonly width: number;
  readonly height: number;
  /** Unnormalised forward 2-D DFT. */
  forward(re: Float64Array, im: Float64Array): void;
  /** Its adjoint (conjugate transpose): width·height times the inverse DFT. */
  adjoint(re: Float64Array, im: Float64Array): void;
}

export function createFft2d(width: number, height: number): Fft2d {
  const rows = createFftPlan(width);
  const cols = height === width ? rows : createFftPlan(height);
  const lineRe = new Float64Array(Math.max(width, height)), lineIm = new Float64Array(Math.max(width, height));
  const rowRe = lineRe.subarray(0, width), rowIm = lineIm.subarray(0, width);
  const colRe = lineRe.subarray(0, height), colIm = lineIm.subarray(0, height);
  const forward = (re: Float64Array, im: Float64Array): void => {
    for (let y = 0; y < height; y++) {
      const o = y * width;
      rowRe.set(re.subarray(o, o + width));
      rowIm.set(im.subarray(o, o + width));
      rows.transform(rowRe, rowIm);
      re.set(rowRe, o);
      im.set(rowIm, o);
    }
    for (let x = 0; x < width; x++) {
      for (let y = 0, i = x; y < height; y++, i += width) {
        colRe[y] = re[i];
        colIm[y] = im[i];
      }
      cols.transform(colRe, colIm);
      for (let y = 0, i = x; y < height; y++, i += width) {
        re[i] = colRe[y];
        im[i] = colIm[y];
      }
    }
  };
  const adjoint = (re: Float64Array, im: Float64Array): void => {
    for (let i = 0; i < im.length; i++) im[i] = -im[i];
    forward(re, im);
    for (let i = 0; i < im.length; i++) im[i] = -im[i];
  };
  return { width, height, forward, adjoint };
}

/**
 * 2-D transforms of real images (and their adjoint back to real), at about half the cost of a
 * complex transform: rows are transformed two at a time as one complex row (row 2j + i·row 2j+1,
 * split afterwards by Hermitian symmetry), and only columns 0..⌊W/2⌋ are transformed, the others
 * being conjugate mirrors.
 */
export interface RealFft2d {
  /** Unnormalised 2-D DFT of the real row-major image `x` into (re, im), the full spectrum. */
  forward(x: Float64Array, re: Float64Array, im: Float64Array): void;
  /** fft2ᴴ(G) for a conjugate-symmetric spectrum G (G(−k) = conj G(k)), whose result is real; into `out`. */
  adjointHermitian(re: Float64Array, im: Float64Array, out: Float64Array): void;
}

export function createRealFft2d(width: number, height: number): RealFft2d {
  const rows = createFftPlan(width);
  const cols = height === width ? rows : createFftPlan(height);
  const half = width >> 1; // columns 0..half are computed
  const rowRe = new Float64Array(width), rowIm = new Float64Array(width);
  const colRe = new Float64Array(height), colIm = new Float64Array(height);
  const forward = (x: Float64Array, re: Float64Array, im: Float64Array): void => {
    for (let y = 0; y < height; y += 2) {
      const o = y * width, paired = y + 1 < height;
      for (let u = 0; u < width; u++) {
        rowRe[u] = x[o + u];
        rowIm[u] = paired ? x[o + width + u] : 0;
      }
      rows.transform(rowRe, rowIm);
      for (let u = 0; u <= half; u++) {
        const m = (width - u) % width;
        const zr = rowRe[u], zi = rowIm[u], mr = rowRe[m], mi = rowIm[m];
        re[o + u] = 0.5 * (zr + mr); im[o + u] = 0.5 * (zi - mi);
        if (paired) {
          re[o + width + u] = 0.5 * (zi + mi); im[o + width + u] = -0.5 * (zr - mr);
        }
      }
    }
    for (let u = 0; u <= half; u++) {
      for (let y = 0, i = u; y < height; y++, i += width) { colRe[y] = re[i]; colIm[y] = im[i]; }
      cols.transform(colRe, colIm);
      for (let y = 0, i = u; y < height; y++, i += width) { re[i] = colRe[y]; im[i] = colIm[y]; }
    }
    for (let v = 0; v < height; v++) {
      const mv = ((height - v) % height) * width;
      for (let u = half + 1; u < width; u++) {
        re[v * width + u] = re[mv + width - u];
        im[v * width + u] = -im[mv + width - u];
      }
    }
  };
  // fft2ᴴ(G)[y][x] = FFT_W(D[y])[x] with D[·][u] = FFT_H(conj G[·][u]), real because G is
  // conjugate-symmetric; D's rows are then Hermitian, so pairs of them share one complex FFT.
  const adjointHermitian = (re: Float64Array, im: Float64Array, out: Float64Array): void => {
    const dRe = out, dIm = scratchFor(out.length);
    for (let u = 0; u <= half; u++) {
      for (let v = 0, i = u; v < height; v++, i += width) { colRe[v] = re[i]; colIm[v] = -im[i]; }
      cols.transform(colRe, colIm);
      for (let y = 0, i = u; y < height; y++, i += width) { dRe[i] = colRe[y]; dIm[i] = colIm[y]; }
    }
    for (let y = 0; y < height; y += 2) {
      const o = y * width, paired = y + 1 < height;
      for (let u = 0; u < width; u++) {
        const src = u <= half ? u : width - u, sign = u <= half ? 1 : -1; // D[y][W−u] = conj D[y][u]
        const ar = dRe[o + src], ai = sign * dIm[o + src];
        const br = paired ? dRe[o + width + src] : 0, bi = paired ? sign * dIm[o + width + src] : 0;
        rowRe[u] = ar - bi; rowIm[u] = ai + br; // D[y] + i·D[y+1]
      }
      rows.transform(rowRe, rowIm);
      for (let x = 0; x < width; x++) {
        out[o + x] = rowRe[x];
        if (paired) out[o + width + x] = rowIm[x];
      }
    }
  };
  let scratch = new Float64Array(0);
  const scratchFor = (n: number): Float64Array => (scratch.length === n ? scratch : (scratch = new Float64Array(n)));
  return { forward, adjointHermitian };
}
