import type { Page } from 'playwright-core';
import { startBrowserFixture, type BrowserFixture } from '../../browser/chromium.js';
import type { LoggedEvent } from './component-harness.js';

/** The Node side of component-harness.ts: one browser and one page for a test file. */
export interface HarnessPage {
  readonly page: Page;
  /** Replaces the page's content with one `tag` element with `props` set, rendered; clears the event log. */
  mount(tag: string, props?: Record<string, unknown>): Promise<void>;
  /** Sets properties as an owner does and waits for the render. */
  set(props: Record<string, unknown>): Promise<void>;
  /** The panel events that reached the document since the last mount or `clearEvents`. */
  events(): Promise<LoggedEvent[]>;
  clearEvents(): Promise<void>;
  /** Page errors and console warnings, less lit's one-time dev-mode notice. */
  problems(): string[];
  close(): Promise<void>;
}

export async function openHarness(): Promise<HarnessPage> {
  // lit's development build warns about misuse (e.g. class fields shadowing reactive properties).
  const fixture: BrowserFixture = await startBrowserFixture(
    { harness: 'test/panels/components/component-harness.ts' },
    { conditions: ['development'] },
  );
  try {
    const { page, problems } = await fixture.open('harness', { width: 360, height: 900 });
    await page.waitForFunction(() => 'harness' in window);
    return {
      page,
      mount: (tag, props = {}) => page.evaluate(([t, p]) => window.harness.mount(t, p), [tag, props] as const),
      set: (props) => page.evaluate((p) => window.harness.set(p), props),
      events: () => page.evaluate(() => window.harness.events.slice()),
      clearEvents: () => page.evaluate(() => void (window.harness.events.length = 0)),
      problems: () => problems.filter((p) => !p.includes('Lit is in dev mode')),
      close: () => fixture.close(),
    };
  } catch (e) {
    await fixture.close();
    throw e;
  }
}
