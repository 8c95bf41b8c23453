import { decodePng } from '../../../../src/core/codecs/png.js';
import type { Rect } from '../../../../src/core/image.js';
import { AnchorPosition, ElementPlacement, FakeDocument, FakeLayer, LayerKind, SaveOptions, type FakeAppLink, type LayerInit } from './fake-document.js';

/**
 * A fake Photopea for the plugin to talk to, with the observable protocol of the real one
 * (hosts.md §1.1): each string received runs as a script against the in-memory documents with
 * `app` in scope; what the script sends (`saveToOE` files, `echoToOE` strings) goes out in
 * order, then "done". And its quirks: "done" once at start-up (`ready`), third-party noise
 * (`ping`: "MSFAPI#…#ping" then a stray "done"), and `app.open(url, null, true)` answering
 * "done" before the placed image arrives (`placeDelayMs` later). Where messages go is up to the
 * caller (`send`): straight to a PhotopeaClient in Node, postMessage to an iframe in the page.
 */

export type OutgoingMessage = string | ArrayBuffer;

export interface FakePhotopeaOptions {
  readonly send: (message: OutgoingMessage) => void;
  /** How long after its script answered a placed image arrives; 30 ms by default. */
  readonly placeDelayMs?: number;
  /** Makes `layer.duplicate()` throw, as in Photopea issue #6134. */
  readonly failDuplicate?: boolean;
}

export interface DocumentSetup {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Top first. */
  readonly layers: readonly LayerInit[];
  /** Index into `layers` of the active layer; null for none. 0 by default. */
  readonly activeLayer?: number | null;
  readonly selection?: Rect | null;
}

export class FakePhotopea {
  readonly documents: FakeDocument[] = [];
  active: FakeDocument | null = null;
  /** Counters for tests: noise sent, scripts run, scripts run while a placed image was still on its way, script errors nobody caught. */
  noiseSent = 0;
  scriptsRun = 0;
  scriptsWhilePlacing = 0;
  readonly uncaught: string[] = [];
  /** The `app` global that scripts see. */
  readonly app: object;
  private placing = 0;
  private outbox: OutgoingMessage[] | null = null;
  private readonly link: FakeAppLink;

  constructor(private readonly options: FakePhotopeaOptions) {
    const fake = this;
    this.link = {
      beforeDuplicate: options.failDuplicate ? () => { throw new TypeError("Cannot read properties of undefined (reading 'clone')"); } : undefined,
      close: (doc) => fake.close(doc),
      saveToOE: (bytes) => fake.emit(bytes),
    };
    this.app = {
      get documents() {
        return Object.assign([...fake.documents], {
          add: (width: unknown, height: unknown, resolution: unknown, name?: unknown) => fake.addDocument(String(name ?? 'Untitled'), Number(width), Number(height), Number(resolution ?? 72)),
        });
      },
      get activeDocument() {
        if (!fake.active) throw new Error('No document is open');
        return fake.active;
      },
      set activeDocument(doc: unknown) {
        if (!(doc instanceof FakeDocument) || !fake.documents.includes(doc)) throw new Error('Not an open document');
        fake.active = doc;
      },
      open: (url: unknown, _as: unknown, asSmart: unknown) => fake.place(String(url), asSmart === true),
      echoToOE: (text: unknown) => fake.emit(String(text)),
    };
  }

  /** A document as a user would have it open: history ["Open"], white background off unless given. */
  openDocument(setup: DocumentSetup): FakeDocument {
    const doc = new FakeDocument(this.link, setup.name, setup.width, setup.height);
    setup.layers.forEach((layer, i) => doc.addLayer(layer, i));
    const active = setup.activeLayer === undefined ? 0 : setup.activeLayer;
    doc.active = active === null ? null : doc.layers[active];
    doc.selectionRect = setup.selection ?? null;
    doc.startHistory();
    this.documents.push(doc);
    this.active = doc;
    return doc;
  }

  /** Photopea's "done" when it has started. */
  ready(): void {
    this.options.send('done');
  }

  /** A third-party ping from Photopea's window, and the stray "done" that follows it. */
  ping(): void {
    this.noiseSent++;
    this.options.send(`MSFAPI#1.2#addThis#${this.noiseSent}#ping`);
    this.options.send('done');
  }

  /** A message from the plugin: a string is a script; anything else is ignored, but answered. */
  receive(message: unknown): void {
    if (typeof message === 'string') this.run(message);
    this.options.send('done');
  }

  private run(script: string): void {
    this.scriptsRun++;
    if (this.placing > 0) this.scriptsWhilePlacing++;
    const out: OutgoingMessage[] = (this.outbox = []);
    try {
      new Function('app', 'ElementPlacement', 'SaveOptions', 'AnchorPosition', 'LayerKind', script)(this.app, ElementPlacement, SaveOptions, AnchorPosition, LayerKind);
    } catch (e) {
      this.uncaught.push(e instanceof Error ? e.message : String(e));
    } finally {
      this.outbox = null;
      for (const message of out) this.options.send(message);
    }
  }

  private emit(message: OutgoingMessage): void {
    if (this.outbox) this.outbox.push(message);
    else this.options.send(message);
  }

  private addDocument(name: string, width: number, height: number, resolution: number): FakeDocument {
    // Like Photoshop's default fill: a new document starts with an opaque white background.
    const white = { width, height, data: new Uint8ClampedArray(width * height * 4).fill(255) };
    const doc = this.openDocument({ name, width, height, layers: [{ name: 'Background', pixels: white }] });
    doc.resolution = resolution;
    doc.history.splice(0, 1, 'New');
    doc.startHistory();
    return doc;
  }

  private close(doc: FakeDocument): void {
    this.documents.splice(this.documents.indexOf(doc), 1);
    // Photopea shows the last document afterwards, not the one active before (issue #2200).
    if (this.active === doc) this.active = this.documents[this.documents.length - 1] ?? null;
  }

  /** `app.open(url, null, true)`: the image arrives later, centred, above the active layer, active. */
  private place(url: string, asSmart: boolean): void {
    if (!asSmart) throw new Error('The fake only places images into the active document');
    const doc = this.active;
    if (!doc) throw new Error('No document is open');
    const match = /^data:image\/png;base64,(.*)$/.exec(url);
    if (!match) throw new Error('The fake places PNG data URLs only');
    const pixels = decodePng(Uint8Array.from(atob(match[1]), (c) => c.charCodeAt(0)));
    this.placing++;
    setTimeout(() => {
      this.placing--;
      if (!this.documents.includes(doc)) return;
      const above = doc.active;
      const parent = above ? above.parent : doc;
      const x = Math.floor((doc.width - pixels.width) / 2), y = Math.floor((doc.height - pixels.height) / 2);
      const layer = new FakeLayer(parent, { name: 'Image', pixels, x, y, smart: true });
      parent.layers.splice(above ? parent.layers.indexOf(above) : 0, 0, layer);
      doc.active = layer;
      doc.record('Place');
    }, this.options.placeDelayMs ?? 30);
  }
}
