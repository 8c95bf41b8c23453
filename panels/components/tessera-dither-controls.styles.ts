import { css } from 'lit';

export const ditherControlsStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
`;
