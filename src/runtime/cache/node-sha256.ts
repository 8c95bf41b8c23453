import { createHash } from 'node:crypto';
import type { IncrementalHash } from '../download/sha256.js';

/**
 * node:crypto's SHA-256 behind the downloader's `IncrementalHash`: about ten times faster than
 * the portable one, which matters when `verify` re-reads ~880 MB. Node only.
 */
export function createNodeSha256(): IncrementalHash {
  const hash = createHash('sha256');
  return {
    update: (bytes) => {
      hash.update(bytes);
    },
    digestHex: () => hash.digest('hex'),
  };
}
