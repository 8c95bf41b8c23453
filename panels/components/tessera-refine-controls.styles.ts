import { css } from 'lit';

/** Laid out like the cell options: a checkbox under the label column, then its own rows. */
export const refineControlsStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
    margin-bottom: var(--tessera-space-2);
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
