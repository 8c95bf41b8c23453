import { describe, expect, it } from 'vitest';
import type { Fetch } from '../../../src/runtime/download/fetch-following-redirects.js';
import { fetchLearnedUpsampler } from '../../../src/runtime/upsample/fetch-learned-upsampler.js';

const URL_ = 'https://tessera.test/rdn-2x.onnx';
const BYTES = Uint8Array.of(8, 1, 18, 4, 0, 255);

/** A fetch that answers from a table and remembers each request with its signal. */
function tableFetch(table: Record<string, () => Response | Promise<Response>>) {
  const requests: { url: string; signal: AbortSignal | null | undefined }[] = [];
  const fetch: Fetch = async (url, init) => {
    requests.push({ url, signal: init.signal });
    const answer = table[url];
    return answer ? answer() : new Response('not found', { status: 404 });
  };
  return { fetch, requests };
}

describe('fetchLearnedUpsampler', () => {
  it('fetches nothing until called, then the bytes the page serves, with the caller’s signal', async () => {
    const { fetch, requests } = tableFetch({ [URL_]: () => new Response(BYTES.slice()) });
    const load = fetchLearnedUpsampler(URL_, fetch);
    expect(requests).toEqual([]);
    const signal = new AbortController().signal;
    expect(await load(signal)).toEqual(BYTES);
    expect(requests).toEqual([{ url: URL_, signal }]);
  });

  it('a page without the file is model-missing, saying to rebuild or choose Lanczos', async () => {
    const { fetch } = tableFetch({});
    const e = await fetchLearnedUpsampler(URL_, fetch)().catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'model-missing', details: { url: URL_, status: 404 } });
    expect((e as { userMessage: string }).userMessage).toMatch(/answered HTTP 404\). Rebuild Tessera with "npm run build", or choose the Lanczos-3 upsampler\.$/);
  });

  it('a failed request is a network error; a cancelled one stays a cancellation', async () => {
    const { fetch } = tableFetch({ [URL_]: () => Promise.reject(new TypeError('Failed to fetch')) });
    const e = await fetchLearnedUpsampler(URL_, fetch)().catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'network', userMessage: expect.stringMatching(/^Could not load the learned ×2 upsampler from .*\(Failed to fetch\)/) });

    const controller = new AbortController();
    const aborting: Fetch = async () => {
      controller.abort();
      throw new DOMException('The operation was aborted.', 'AbortError');
    };
    const cancelled = await fetchLearnedUpsampler(URL_, aborting)(controller.signal).catch((x: unknown) => x);
    expect((cancelled as Error).name).toBe('AbortError');
  });
});
