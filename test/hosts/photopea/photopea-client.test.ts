import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import { PhotopeaClient, type ExpectedResult, type ScriptOptions } from '../../../src/hosts/photopea/photopea-client.js';
import { FakeInbox, linkFakePhotopea } from './fake-photopea/node-link.js';

/**
 * A parent window under the test's control: it records the scripts posted to it and sends back
 * exactly the messages a test gives it, synchronously, with `event.source` set to itself.
 */
class ScriptedParent {
  readonly scripts: string[] = [];
  readonly inbox = new FakeInbox();
  postMessage(script: string): void {
    this.scripts.push(script);
  }
  send(...messages: unknown[]): void {
    for (const message of messages) this.inbox.deliver(message, this);
  }
  /** The sentinel the n-th script posted ends with when it succeeds. */
  ok(n: number): string {
    return `TESSERA#${idOf(this.scripts[n])}#ok`;
  }
}

function idOf(script: string): string {
  const match = /TESSERA#(\d+)#ok/.exec(script);
  if (!match) throw new Error('not a wrapped script');
  return match[1];
}

function setup(timeoutMs = 1000) {
  const parent = new ScriptedParent();
  const client = new PhotopeaClient({ parent, inbox: parent.inbox, timeoutMs });
  return { parent, client };
}

/** A promise's state without waiting for it. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const strings = (step = 'test'): ScriptOptions<'string'> => ({ expect: 'string', step });
const opts = <E extends ExpectedResult>(expect: E, extra: Partial<ScriptOptions<E>> = {}): ScriptOptions<E> => ({ expect, step: 'test', ...extra });

async function rejection(promise: Promise<unknown>): Promise<TesseraError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TesseraError);
  return error as TesseraError;
}

describe('PhotopeaClient', () => {
  it('resolves with what the script echoed, at the "done" after its sentinel', async () => {
    const { parent, client } = setup();
    const reply = track(client.runScript('app.echoToOE("a")', strings()));
    expect(parent.scripts).toHaveLength(1);
    parent.send('a', 'b', parent.ok(0));
    await tick();
    expect(reply.settled).toBe(false);
    parent.send('done');
    await tick();
    expect(reply.value).toEqual(['a', 'b']);
  });

  it('returns the files a script saves, as ArrayBuffers', async () => {
    const { parent, client } = setup();
    const reply = client.runScript('app.activeDocument.saveToOE("png")', opts('arraybuffer'));
    const file = new Uint8Array([1, 2, 3]).buffer;
    parent.send(file, parent.ok(0), 'done');
    expect(await reply).toEqual([file]);
  });

  it('keeps one script in flight: the next is sent after the first is done', async () => {
    const { parent, client } = setup();
    const first = client.runScript('first', strings());
    const second = client.runScript('second', strings());
    expect(parent.scripts).toHaveLength(1);
    expect(parent.scripts[0]).toContain('first');
    parent.send('1', parent.ok(0), 'done');
    expect(await first).toEqual(['1']);
    expect(parent.scripts).toHaveLength(2);
    expect(parent.scripts[1]).toContain('second');
    parent.send('2', parent.ok(1), 'done');
    expect(await second).toEqual(['2']);
  });

  it('ignores noise, other windows, and every "done" before its sentinel', async () => {
    const { parent, client } = setup();
    const reply = track(client.runScript('x', strings()));
    parent.send('done'); // Photopea's start-up "done", late
    parent.send('MSFAPI#1.2#addThis#8213#ping', 'done'); // third-party ping and its stray "done"
    parent.inbox.deliver('not ours', {}); // another window
    parent.inbox.deliver('done', {});
    parent.send('a');
    parent.send('done'); // early: the script has not finished
    await tick();
    expect(reply.settled).toBe(false);
    parent.send('MSFAPI#1.2#addThis#77#ping', parent.ok(0), 'done');
    await tick();
    expect(reply.value).toEqual(['a']);
  });

  it('times out as host-failed naming the step, and moves on; the late answer is not taken for the next one', async () => {
    const { parent, client } = setup();
    const slow = client.runScript('slow', { expect: 'string', step: 'export the layer', timeoutMs: 20 });
    const next = client.runScript('next', strings());
    const error = await rejection(slow);
    expect(error.code).toBe('host-failed');
    expect(error.userMessage).toMatch(/^Photopea did not answer while trying to export the layer/);
    expect(parent.scripts).toHaveLength(2);
    parent.send('stale', parent.ok(0), 'done'); // the first script's answer, after all
    parent.send('fresh', parent.ok(1), 'done');
    expect(await next).toEqual(['fresh']);
  });

  it("turns a script's exception into host-failed naming the step, with Photopea's message", async () => {
    const { fake, client } = linkFakePhotopea();
    const error = await rejection(client.runScript('throw new Error("The layer is locked")', { expect: 'none', step: 'export the layer' }));
    expect(error.code).toBe('host-failed');
    expect(error.userMessage).toMatch(/^Photopea could not export the layer: The layer is locked\./);
    expect(error.details).toEqual({ step: 'export the layer', photopeaMessage: 'The layer is locked' });
    expect(fake.uncaught).toEqual([]); // caught by our wrapper, not by Photopea
    // A runtime error inside Photopea's own objects reads the same way.
    const typeError = await rejection(client.runScript('app.activeDocument.activeLayer.name', { expect: 'none', step: 'read the layer' }));
    expect(typeError.userMessage).toMatch(/^Photopea could not read the layer: No document is open/);
  });

  it('runs scripts for real against the fake, through start-up "done" and noise', async () => {
    const { fake, client } = linkFakePhotopea();
    fake.ready();
    fake.ping();
    const reply = client.runScript('app.echoToOE(String(app.documents.length)); app.echoToOE("x")', strings());
    fake.ping();
    expect(await reply).toEqual(['0', 'x']);
    await expect(client.runScript('var unused = 1;', opts('none'))).resolves.toBeUndefined();
  });

  it('cancels a queued request without sending it; the queue moves on', async () => {
    const { parent, client } = setup();
    const first = client.runScript('first', strings());
    const controller = new AbortController();
    const second = client.runScript('second', { ...strings(), signal: controller.signal });
    const third = client.runScript('third', strings());
    controller.abort();
    expect((await rejection(second)).code).toBe('cancelled');
    parent.send('1', parent.ok(0), 'done');
    await first;
    expect(parent.scripts).toHaveLength(2);
    expect(parent.scripts[1]).toContain('third');
    parent.send('3', parent.ok(1), 'done');
    expect(await third).toEqual(['3']);
  });

  it('lets go of a cancelled request in flight at once; its late answer is ignored', async () => {
    const { parent, client } = setup();
    const controller = new AbortController();
    const first = client.runScript('first', { ...strings(), signal: controller.signal });
    const second = client.runScript('second', strings());
    controller.abort();
    expect((await rejection(first)).code).toBe('cancelled');
    expect(parent.scripts).toHaveLength(2);
    parent.send('late', parent.ok(0), 'done', 'mine', parent.ok(1), 'done');
    expect(await second).toEqual(['mine']);
  });

  it('rejects at once, sending nothing, when the signal is already aborted', async () => {
    const { parent, client } = setup();
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(client.runScript('x', { ...strings(), signal: controller.signal }))).code).toBe('cancelled');
    expect(parent.scripts).toEqual([]);
  });

  it('fails as host-failed when a script sends back nothing of what was expected', async () => {
    const { parent, client } = setup();
    const reply = client.runScript('x', { expect: 'arraybuffer', step: 'export the layer' });
    parent.send('not a file', parent.ok(0), 'done');
    const error = await rejection(reply);
    expect(error.code).toBe('host-failed');
    expect(error.userMessage).toMatch(/sent nothing back while trying to export the layer/);
  });

  it('on dispose, stops listening and cancels what is pending', async () => {
    const { parent, client } = setup();
    const first = client.runScript('first', strings());
    const second = client.runScript('second', strings());
    client.dispose();
    expect((await rejection(first)).code).toBe('cancelled');
    expect((await rejection(second)).code).toBe('cancelled');
    expect(parent.inbox.listening).toBe(0);
  });
});
