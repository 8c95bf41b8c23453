/**
 * The one PRNG (sfc32, a small fast counter generator that passes PractRand). Every random step
 * takes a seed so the same seed and inputs give the same pixels; `fork(label)` gives an
 * independent stream so that adding a draw in one stage never shifts another.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** An independent generator derived from this one's seed and `label`. */
  fork(label: string): Rng;
  readonly seed: number;
}

export function createRng(seed: number): Rng {
  const s = seed >>> 0;
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = s;
  const step = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) step(); // warm up: sfc32 needs a few rounds to mix a small seed
  let spareNormal: number | null = null;
  const next = () => step() / 4294967296;
  return {
    seed: s,
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spareNormal !== null) {
        const v = spareNormal;
        spareNormal = null;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    fork: (label) => createRng(hashLabel(s, label)),
  };
}

/** FNV-1a over the label, mixed with the parent seed (murmur3 finaliser). */
function hashLabel(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
