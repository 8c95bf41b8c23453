/**
 * What a download needs from HTTP response headers: the server's own sha256 of the file (for files
 * whose manifest entry has none), the byte range a 206 carries, and a validator for `If-Range`.
 */

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The sha256 a server publishes for the whole file, or null. Hugging Face sends the LFS object's
 * sha256 as `X-Linked-ETag` on the redirect to its CDN, and as the ETag of LFS files; RFC 9530
 * `Repr-Digest` and RFC 3230 `Digest` carry it base64-encoded. An ETag is used only when it is
 * strong and exactly 64 hex digits: anything else (a git blob sha1, an MD5) is not a sha256.
 */
export function sha256FromHeaders(headers: Pick<Headers, 'get'>): string | null {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.trim();
    if (!value || value.startsWith('W/')) continue;
    const hex = value.replace(/^"(.*)"$/, '$1').toLowerCase();
    if (SHA256_HEX.test(hex)) return hex;
  }
  const repr = headers.get('repr-digest')?.match(/(?:^|,)\s*sha-256=:([A-Za-z0-9+/=]+):/i);
  if (repr) return base64ToHex(repr[1]);
  const digest = headers.get('digest')?.match(/(?:^|,)\s*sha-256=([A-Za-z0-9+/=]+)/i);
  if (digest) return base64ToHex(digest[1]);
  return null;
}

/** `Content-Range: bytes START-END/TOTAL` of a 206 (TOTAL may be `*`), or null if malformed. */
export function parseContentRange(value: string | null): { start: number; end: number; total: number | null } | null {
  const m = value?.trim().match(/^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i);
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) return null;
  return { start, end, total: m[3] === '*' ? null : Number(m[3]) };
}

/** A non-negative integer header (Content-Length, X-Linked-Size), or null. */
export function integerHeader(headers: Headers, name: string): number | null {
  const value = headers.get(name)?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * The validator to send back in `If-Range`: a strong ETag, else Last-Modified. A weak ETag is not
 * allowed there (RFC 9110 §13.1.5), so it counts as none.
 */
export function rangeValidator(headers: Headers): string | null {
  const etag = headers.get('etag')?.trim();
  if (etag && !etag.startsWith('W/')) return etag;
  return headers.get('last-modified')?.trim() || null;
}

/** True when the body is compressed in transit, so Content-Length does not count the file's bytes. */
export function isEncoded(headers: Headers): boolean {
  const encoding = headers.get('content-encoding')?.trim().toLowerCase();
  return Boolean(encoding) && encoding !== 'identity';
}

function base64ToHex(base64: string): string | null {
  // 32 bytes are 44 base64 characters ending in one "="; anything else is not a sha256.
  if (!/^[A-Za-z0-9+/]{43}=$/.test(base64)) return null;
  const bin = atob(base64);
  let hex = '';
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, '0');
  return hex;
}
