import { css } from 'lit';

export const cellOptionsStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
`;
