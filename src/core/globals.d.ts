// The few portable globals core may use. They exist in browsers, UXP and Node alike; declaring
// them here (instead of pulling in lib "DOM" or @types/node) keeps everything else out of core.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function queueMicrotask(callback: () => void): void;
declare const performance: { now(): number };

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
}
