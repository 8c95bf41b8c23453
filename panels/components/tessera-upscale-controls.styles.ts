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
    min-height: 40px;
  }
  textarea:disabled,
  input:disabled {
    opacity: 0.45;
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
