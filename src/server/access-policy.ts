import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import PHOTOPEA_PLUGIN from '../../photopea-plugin.json';

/**
 * Who may use the server. A browser page may call it only from the origins of Tessera's own
 * pages (the Photopea plugin page and the standalone editor): a request with any other Origin
 * (or a browser's cross-site mark without one) is refused before any work, which also stops
 * other web pages from making a local server run models for them. Requests without an Origin
 * (the CLI, Photoshop's UXP panel, scripts) pass. A token, when set, is required on everything
 * but the health endpoints; a server on loopback also checks the Host header, so a DNS-rebinding
 * page cannot reach it under a name of its own.
 */

/** The standalone editor (`npm start`, build/serve.ts) and the Photopea plugin page served locally for development (docs/photopea.md). */
const LOCAL_PAGE_ORIGINS = ['http://localhost:4173', 'http://127.0.0.1:4173', 'http://localhost:4180', 'http://127.0.0.1:4180'];

/** The published Photopea plugin page (photopea-plugin.json) and Tessera's local pages. */
export function defaultAllowedOrigins(): string[] {
  return [new URL(PHOTOPEA_PLUGIN.url).origin, ...LOCAL_PAGE_ORIGINS];
}

/** `https://host[:port]` from a URL, or `invalid-input`-worthy null. */
export function originOf(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null; // not a URL: the caller reports it
  }
}

/** 127.0.0.0/8, ::1, localhost: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export interface AccessPolicy {
  /** Required as `Authorization: Bearer …` when set. */
  readonly token: string | null;
  readonly allowedOrigins: ReadonlySet<string>;
  /** On loopback: the port, so `Host` must be a loopback name with it; null: any Host. */
  readonly loopbackPort: number | null;
}

export type OriginVerdict = { readonly kind: 'none' } | { readonly kind: 'allowed'; readonly origin: string } | { readonly kind: 'refused'; readonly origin: string };

export function checkOrigin(req: IncomingMessage, policy: AccessPolicy): OriginVerdict {
  const origin = header(req, 'origin');
  if (origin === null) {
    // A browser marks cross-site requests even where it leaves Origin out.
    return header(req, 'sec-fetch-site') === 'cross-site' ? { kind: 'refused', origin: '(cross-site, no Origin)' } : { kind: 'none' };
  }
  return policy.allowedOrigins.has(origin) ? { kind: 'allowed', origin } : { kind: 'refused', origin };
}

/** Headers on every answer to an allowed browser origin. */
export function corsHeaders(origin: string): Record<string, string> {
  // ETag and Repr-Digest carry a model file's sha256 (model-files.ts); a page reads them only if exposed.
  return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': 'Inference-Header-Content-Length, ETag, Repr-Digest' };
}

/** The answer to a preflight from an allowed origin; Chrome's Private Network Access asks before a public page reaches localhost. */
export function preflightHeaders(origin: string, req: IncomingMessage): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'Authorization, Content-Type, Inference-Header-Content-Length',
    'access-control-max-age': '600',
    ...(header(req, 'access-control-request-private-network') === 'true' ? { 'access-control-allow-private-network': 'true' } : {}),
  };
}

export function isAuthorized(req: IncomingMessage, policy: AccessPolicy): boolean {
  if (policy.token === null) return true;
  const given = header(req, 'authorization')?.match(/^Bearer\s+(.+)$/i)?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(policy.token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function hostAllowed(req: IncomingMessage, policy: AccessPolicy): boolean {
  if (policy.loopbackPort === null) return true;
  const host = header(req, 'host');
  if (host === null) return true; // HTTP/1.0 without Host: no name to rebind
  const match = host.match(/^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/);
  return match !== null && isLoopbackHost(match[1]) && (match[2] === undefined || Number(match[2]) === policy.loopbackPort);
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}
