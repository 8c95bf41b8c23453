import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from '../../../src/runtime/download/sha256.js';
import { testBytes } from './file-server.js';

const ascii = (s: string) => new TextEncoder().encode(s);

/** FIPS 180-4 examples (NIST CSRC "Examples with intermediate values") and the NESSIE long vector. */
const NIST_VECTORS: [string, Uint8Array, string][] = [
  ['empty', new Uint8Array(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['"abc"', ascii('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['448-bit message', ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  [
    '896-bit message',
    ascii('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'),
    'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  ],
  ['one million "a"', new Uint8Array(1_000_000).fill(0x61), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
];

describe('Sha256', () => {
  it.each(NIST_VECTORS)('matches the NIST vector for the %s', (_, message, digest) => {
    expect(sha256Hex(message)).toBe(digest);
  });

  it('gives the same digest however the input is split into chunks', () => {
    const message = NIST_VECTORS[4][1];
    const hash = new Sha256();
    for (let offset = 0, step = 1; offset < message.length; offset += step, step = (step * 7 + 3) % 997) hash.update(message.subarray(offset, offset + step));
    expect(hash.digestHex()).toBe(NIST_VECTORS[4][2]);
  });

  it('agrees with node:crypto on random data of every length around the block and padding boundaries', () => {
    for (const length of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_537]) {
      const data = testBytes(length, length);
      expect(sha256Hex(data), `length ${length}`).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('agrees with node:crypto on 8 MB fed in uneven chunks', () => {
    const data = testBytes(8 * 1024 * 1024 + 13, 99);
    const hash = new Sha256();
    let offset = 0;
    for (let i = 0; offset < data.length; i++) {
      const size = [1, 63, 64, 65, 4096, 65_536, 100_003][i % 7];
      hash.update(data.subarray(offset, offset + size));
      offset += size;
    }
    expect(hash.digestHex()).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('refuses to be updated or digested after its digest was taken', () => {
    const hash = new Sha256();
    hash.update(ascii('abc'));
    hash.digestHex();
    expect(() => hash.update(ascii('d'))).toThrow(/after digest/);
    expect(() => hash.digest()).toThrow(/twice/);
  });
});
