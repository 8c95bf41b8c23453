import { css } from 'lit';

export const gridSizeStyles = css`
  :host {
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
  .unit {
    flex: 0 0 auto;
    color: var(--tessera-fg-subtle);
  }
  .note {
    padding-left: calc(var(--tessera-label-width) + var(--tessera-space-2));
    margin-top: calc(-1 * var(--tessera-space-1));
  }
`;
