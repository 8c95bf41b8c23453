import { TesseraError } from '../../core/errors.js';

/** The part of `fetch` the downloader uses; inject a fake or a wrapped one in tests. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

const MAX_REDIRECTS = 10;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/**
 * `fetch` that follows redirects itself so each hop's headers can be read: Hugging Face puts the
 * file's sha256 (`X-Linked-ETag`) and size (`X-Linked-Size`) on the redirect to its CDN, not on
 * the CDN's answer. The same request headers (Range, If-Range) go to every hop. Browsers hide
 * redirects from scripts (an opaque response); there the request is simply repeated with
 * `redirect: 'follow'` and the hops stay unseen.
 */
export async function fetchFollowingRedirects(
  fetchFn: Fetch,
  url: string,
  init: RequestInit,
  onRedirect: (headers: Headers) => void,
): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetchFn(current, { ...init, redirect: 'manual' });
    if (response.type === 'opaqueredirect') return fetchFn(current, { ...init, redirect: 'follow' });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUS.has(response.status) || !location) return response;
    onRedirect(response.headers);
    await response.body?.cancel();
    const next = new URL(location, current);
    if (next.protocol !== 'https:' && new URL(current).protocol === 'https:') {
      throw new TesseraError('network', `Could not download ${url}: the server redirected to an insecure address (${next.origin}).`, {
        details: { url, redirect: next.href },
      });
    }
    current = next.href;
  }
  throw new TesseraError('network', `Could not download ${url}: the server redirected more than ${MAX_REDIRECTS} times.`, {
    details: { url },
  });
}
