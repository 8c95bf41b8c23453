import { css } from 'lit';

/** The look of native controls, shared by every component so the panel reads as one surface. */
export const controlStyles = css`
  :host {
    display: block;
    color: var(--tessera-fg);
    font-family: var(--tessera-font);
    font-size: var(--tessera-font-size);
    line-height: var(--tessera-line-height);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }

  button,
  select,
  input {
    font: inherit;
    color: inherit;
    margin: 0;
  }
  button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--tessera-space-1);
    height: var(--tessera-control-height);
    padding: 0 var(--tessera-space-2);
    border: 1px solid var(--tessera-border-strong);
    border-radius: var(--tessera-radius);
    background: var(--tessera-surface);
    white-space: nowrap;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: var(--tessera-surface-hover);
  }
  button:disabled {
    opacity: 0.45;
    cursor: default;
  }
  button.primary {
    border-color: var(--tessera-accent);
    background: var(--tessera-accent);
    color: var(--tessera-accent-fg);
    font-weight: 600;
  }
  button.primary:hover:not(:disabled) {
    border-color: var(--tessera-accent-hover);
    background: var(--tessera-accent-hover);
  }
  button.quiet {
    border-color: transparent;
    background: transparent;
    color: var(--tessera-fg-muted);
  }
  button.quiet:hover:not(:disabled) {
    color: var(--tessera-fg);
  }

  select,
  input[type='number'] {
    height: var(--tessera-control-height);
    min-width: 0;
    padding: 0 var(--tessera-space-1);
    border: 1px solid var(--tessera-border-strong);
    border-radius: var(--tessera-radius);
    background: var(--tessera-surface);
  }
  select {
    padding-left: var(--tessera-space-2);
  }
  input[type='number'] {
    flex: 0 0 auto;
    width: 56px;
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  input[type='range'] {
    flex: 1 1 auto;
    min-width: 0;
    height: var(--tessera-control-height);
    accent-color: var(--tessera-accent);
    background: transparent;
  }
  input[type='range']:disabled {
    opacity: 0.45;
  }
  input[type='checkbox'] {
    width: 14px;
    height: 14px;
    accent-color: var(--tessera-accent);
  }

  :focus {
    outline: none;
  }
  :focus-visible {
    outline: 2px solid var(--tessera-focus);
    outline-offset: 1px;
  }

  /* A control row: label column, then the control(s). */
  .row {
    display: flex;
    align-items: center;
    gap: var(--tessera-space-2);
    min-height: var(--tessera-control-height);
  }
  .row > select {
    flex: 1 1 auto;
  }
  .field-label {
    flex: 0 0 var(--tessera-label-width);
    color: var(--tessera-fg-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .note {
    margin: 0;
    color: var(--tessera-fg-subtle);
    font-size: var(--tessera-font-size-small);
  }
  .value {
    flex: 0 0 40px;
    white-space: nowrap; /* "100 %" must not wrap in a narrow dock */
    text-align: right;
    color: var(--tessera-fg-muted);
    font-variant-numeric: tabular-nums;
  }
  /* A thin progress bar: .track with a .fill whose width is the fraction done. */
  .track {
    height: 4px;
    border-radius: 2px;
    background: var(--tessera-surface-sunken);
    box-shadow: inset 0 0 0 1px var(--tessera-border);
    overflow: hidden;
  }
  .fill {
    height: 100%;
    border-radius: 2px;
    background: var(--tessera-accent);
  }
  /* A row of mutually exclusive buttons (aria-pressed) filling the value column. */
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
  /* A multi-line text field (prompts); each panel sets its own min-height. */
  textarea {
    font: inherit;
    color: inherit;
    margin: 0;
    padding: var(--tessera-space-1) var(--tessera-space-2);
    border: 1px solid var(--tessera-border-strong);
    border-radius: var(--tessera-radius);
    background: var(--tessera-surface);
    resize: vertical;
  }
  /* The seed's dice button. */
  .dice {
    flex: none;
    font-size: 16px;
  }
  /* A checkbox with its label, aligned under the value column of the rows above. */
  .check {
    display: flex;
    align-items: center;
    gap: var(--tessera-space-2);
    margin-left: calc(var(--tessera-label-width) + var(--tessera-space-2));
    cursor: pointer;
  }
  .check input {
    flex: 0 0 auto;
    margin: 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
