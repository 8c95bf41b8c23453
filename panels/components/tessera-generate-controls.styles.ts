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
    min-height: 56px;
  }
  input[type='number'] {
    flex: 1 1 auto;
    width: auto;
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
