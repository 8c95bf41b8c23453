/**
 * Incremental SHA-256 (FIPS 180-4) in plain TypeScript. WebCrypto's `digest` only hashes a whole
 * buffer at once, and a model file is up to ~630 MB, so downloads hash each chunk as it arrives
 * and a resume re-feeds the bytes already on disk. The same code runs in Node, browsers and UXP.
 */

/** The first 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2). */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The initial hash value (§5.3.3). */
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Something that hashes a byte stream chunk by chunk; `Sha256` is the one we ship. */
export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  /** Lowercase hex; the hash cannot be updated afterwards. */
  digestHex(): string;
}

export class Sha256 implements IncrementalHash {
  private readonly state = new Int32Array(H0);
  private readonly w = new Int32Array(64);
  private readonly block = new Uint8Array(64);
  private blockLength = 0;
  private totalBytes = 0;
  private finished = false;

  update(bytes: Uint8Array): void {
    if (this.finished) throw new Error('Sha256: update after digest');
    this.totalBytes += bytes.length;
    let offset = 0;
    if (this.blockLength > 0) {
      const take = Math.min(64 - this.blockLength, bytes.length);
      this.block.set(bytes.subarray(0, take), this.blockLength);
      this.blockLength += take;
      offset = take;
      if (this.blockLength < 64) return;
      compressBlocks(this.state, this.w, this.block, 0, 64);
      this.blockLength = 0;
    }
    const wholeEnd = offset + ((bytes.length - offset) & ~63);
    compressBlocks(this.state, this.w, bytes, offset, wholeEnd);
    offset = wholeEnd;
    if (offset < bytes.length) {
      this.block.set(bytes.subarray(offset));
      this.blockLength = bytes.length - offset;
    }
  }

  digest(): Uint8Array {
    if (this.finished) throw new Error('Sha256: digest called twice');
    const bitsHigh = Math.floor(this.totalBytes / 0x20000000);
    const bitsLow = (this.totalBytes * 8) >>> 0;
    // Padding: 0x80, zeros to 56 mod 64, then the message length in bits as 64-bit big-endian.
    const padLength = this.blockLength < 56 ? 56 - this.blockLength : 120 - this.blockLength;
    const tail = new Uint8Array(padLength + 8);
    tail[0] = 0x80;
    const view = new DataView(tail.buffer);
    view.setUint32(padLength, bitsHigh);
    view.setUint32(padLength + 4, bitsLow);
    this.update(tail);
    this.finished = true;
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setInt32(i * 4, this.state[i]);
    return out;
  }

  digestHex(): string {
    let hex = '';
    for (const b of this.digest()) hex += b.toString(16).padStart(2, '0');
    return hex;
  }
}

/**
 * Hashes the whole 64-byte blocks in `bytes[offset, end)` (§6.2.2) into `state`, keeping the
 * working variables in locals across blocks; 32-bit arithmetic stays in int32 through `| 0`.
 */
function compressBlocks(state: Int32Array, w: Int32Array, bytes: Uint8Array, offset: number, end: number): void {
  let h0 = state[0], h1 = state[1], h2 = state[2], h3 = state[3], h4 = state[4], h5 = state[5], h6 = state[6], h7 = state[7];
  for (; offset + 64 <= end; offset += 64) {
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + S0 + maj) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  state[0] = h0; state[1] = h1; state[2] = h2; state[3] = h3;
  state[4] = h4; state[5] = h5; state[6] = h6; state[7] = h7;
}

/** SHA-256 of one buffer, as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  const hash = new Sha256();
  hash.update(bytes);
  return hash.digestHex();
}
