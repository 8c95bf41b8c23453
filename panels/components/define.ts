/**
 * Registers a custom element once. A reloaded plugin iframe, or two bundles on one page, import
 * the same component twice; `customElements.define` would throw on the second call.
 */
export function define(tag: string, cls: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, cls);
}
