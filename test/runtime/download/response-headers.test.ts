import { describe, expect, it } from 'vitest';
import { integerHeader, isEncoded, parseContentRange, rangeValidator, sha256FromHeaders } from '../../../src/runtime/download/response-headers.js';

const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SHA_BASE64 = Buffer.from(SHA, 'hex').toString('base64');

describe('sha256FromHeaders', () => {
  it.each([
    ['X-Linked-ETag (Hugging Face redirect)', { 'x-linked-etag': `"${SHA}"` }, SHA],
    ['a strong ETag of 64 hex digits', { etag: `"${SHA.toUpperCase()}"` }, SHA],
    ['Repr-Digest (RFC 9530)', { 'repr-digest': `sha-512=:abc=:, sha-256=:${SHA_BASE64}:` }, SHA],
    ['Digest (RFC 3230)', { digest: `SHA-256=${SHA_BASE64}` }, SHA],
    ['a weak ETag', { etag: `W/"${SHA}"` }, null],
    ['a git blob sha1 ETag', { etag: '"3f786850e387550fdab836ed7e6dc881de23001b"' }, null],
    ['an MD5 ETag', { etag: '"9e107d9d372bb6826bd81d3542a419d6"' }, null],
    ['a Digest that is not 32 bytes', { digest: 'sha-256=AAAA' }, null],
    ['no header', {}, null],
  ])('%s', (_, headers, expected) => {
    expect(sha256FromHeaders(new Headers(headers))).toBe(expected);
  });
});

describe('other headers', () => {
  it('parses Content-Range, with an unknown total, and refuses nonsense', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({ start: 100, end: 199, total: 1000 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: null });
    expect(parseContentRange('bytes 9-0/10')).toBeNull();
    expect(parseContentRange('items 0-9/10')).toBeNull();
    expect(parseContentRange(null)).toBeNull();
  });

  it('uses a strong ETag or Last-Modified for If-Range, never a weak ETag', () => {
    expect(rangeValidator(new Headers({ etag: '"a"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }))).toBe('"a"');
    expect(rangeValidator(new Headers({ etag: 'W/"a"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }))).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
    expect(rangeValidator(new Headers({ etag: 'W/"a"' }))).toBeNull();
  });

  it('reads integer headers and content encodings', () => {
    expect(integerHeader(new Headers({ 'content-length': '42' }), 'content-length')).toBe(42);
    expect(integerHeader(new Headers({ 'content-length': '4x' }), 'content-length')).toBeNull();
    expect(isEncoded(new Headers({ 'content-encoding': 'gzip' }))).toBe(true);
    expect(isEncoded(new Headers({ 'content-encoding': 'identity' }))).toBe(false);
    expect(isEncoded(new Headers())).toBe(false);
  });
});
