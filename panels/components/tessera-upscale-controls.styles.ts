import { css } from 'lit';

/** A column of label-column rows; the refinement values grouped; the Upscale button at the end, right-aligned. */
export const upscaleControlsStyles = css`
  :host {
    display: block;
  }
  .upscale,
  .refine {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
  .segmented {
    display: flex;
    flex: 1 1 auto;
    padding: 1px;
    border: 1px solid var(--tessera-border-strong);
    border-radius: var(--tessera-radius);
    background: var(--tessera-surface-sunken);
  }
  .segmented button {
    flex: 1 1 0;
    height: 20px;
    border: 0;
    border-radius: 3px;
    background: transparent;
    color: var(--tessera-fg-muted);
  }
  .segmented button[aria-pressed='true'] {
    background: var(--tessera-surface);
    color: var(--tessera-fg);
    font-weight: 600;
    box-shadow: 0 0 0 1px var(--tessera-border);
  }
  .row > input[type='number'] {
    flex: 1 1 0;
    width: auto;
  }
  .times,
  .unit {
    flex: 0 0 auto;
    color: var(--tessera-fg-subtle);
  }
  .ends {
    display: flex;
    justify-content: space-between;
    gap: var(--tessera-space-2);
    margin: calc(-1 * var(--tessera-space-2)) 48px 0 calc(var(--tessera-label-width) + var(--tessera-space-2));
    color: var(--tessera-fg-subtle);
    font-size: var(--tessera-font-size-small);
    white-space: nowrap;
  }
  .prompt-label {
    flex: none;
  }
  .optional {
    color: var(--tessera-fg-subtle);
  }
  textarea {
    font: inherit;
    color: inherit;
    margin: 0;
    min-height: 40px;
    padding: var(--tessera-space-1) var(--tessera-space-2);
    border: 1px solid var(--tessera-border-strong);
    border-radius: var(--tessera-radius);
    background: var(--tessera-surface);
    resize: vertical;
  }
  textarea:disabled,
  input:disabled {
    opacity: 0.45;
  }
  .dice {
    flex: none;
    font-size: 16px;
  }
  .refine-note {
    color: var(--tessera-fg-muted);
    overflow-wrap: anywhere;
  }
  .run {
    align-self: flex-end;
  }
  .reason {
    text-align: right;
    color: var(--tessera-fg-muted);
  }
`;
