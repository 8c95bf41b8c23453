import { PhotopeaClient, type MessageInbox, type PhotopeaClientOptions, type PhotopeaMessage } from '../../../../src/hosts/photopea/photopea-client.js';
import { FakePhotopea, type FakePhotopeaOptions } from './fake-photopea.js';

/** An inbox like a window's: it hands listeners real MessageEvents, with `source` set as a browser would. */
export class FakeInbox implements MessageInbox {
  private readonly listeners = new Set<(event: PhotopeaMessage) => void>();

  deliver(data: unknown, source: unknown): void {
    const event = new MessageEvent('message', { data });
    Object.defineProperty(event, 'source', { value: source }); // Node's MessageEvent takes only MessagePorts there
    for (const listener of [...this.listeners]) listener(event);
  }

  addEventListener(_type: 'message', listener: (event: PhotopeaMessage) => void): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'message', listener: (event: PhotopeaMessage) => void): void {
    this.listeners.delete(listener);
  }

  get listening(): number {
    return this.listeners.size;
  }
}

export interface FakeLink {
  readonly fake: FakePhotopea;
  readonly client: PhotopeaClient;
  readonly inbox: FakeInbox;
}

/**
 * A FakePhotopea and a PhotopeaClient in one Node process, joined as postMessage would: each
 * message is delivered in a later task, in order.
 */
export function linkFakePhotopea(options: Omit<FakePhotopeaOptions, 'send'> = {}, clientOptions: Partial<PhotopeaClientOptions> = {}): FakeLink {
  const inbox = new FakeInbox();
  const parent = { postMessage: (message: string) => setTimeout(() => fake.receive(message), 0) };
  const fake: FakePhotopea = new FakePhotopea({ ...options, send: (message) => setTimeout(() => inbox.deliver(message, parent), 0) });
  const client = new PhotopeaClient({ parent, inbox, ...clientOptions });
  return { fake, client, inbox };
}
