import { css } from 'lit';

/** Laid out like the cell options: a checkbox under the label column, then its own rows. */
export const refineControlsStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
    margin-bottom: var(--tessera-space-2);
  }
`;
