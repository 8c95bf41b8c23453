const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648) of bytes; pure, since UXP has no `btoa` for binary and Node's Buffer is off-limits in core. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i], b = bytes[i + 1] ?? 0, c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    chunk.push(
      ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63] +
        (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? ALPHABET[n & 63] : '='),
    );
    if (chunk.length === 4096) parts.push(chunk.splice(0).join(''));
  }
  parts.push(chunk.join(''));
  return parts.join('');
}

/** A `data:image/png;base64,…` URL for an <img>, which every host can show without canvas access. */
export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${encodeBase64(png)}`;
}
