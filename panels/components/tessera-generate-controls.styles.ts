import { css } from 'lit';

/** A column: the prompt full width, then label-column rows, then the Generate button and its reason. */
export const generateControlsStyles = css`
  :host {
    display: block;
  }
  .generate {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
  .prompt-label {
    flex: none;
  }
  textarea {
    font: inherit;
    color: inherit;
    margin: 0;
    min-height: 56px;
    padding: var(--tessera-space-1) var(--tessera-space-2);
    border: 1px solid var(--tessera-border-strong);
    border-radius: var(--tessera-radius);
    background: var(--tessera-surface);
    resize: vertical;
  }
  input[type='number'] {
    flex: 1 1 auto;
    width: auto;
  }
  .dice {
    flex: none;
    font-size: 16px;
  }
  .backend {
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
