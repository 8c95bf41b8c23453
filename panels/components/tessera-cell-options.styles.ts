import { css } from 'lit';

export const cellOptionsStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
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
`;
