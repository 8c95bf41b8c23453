import { css } from 'lit';

export const gridSizeStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
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
