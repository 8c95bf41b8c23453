import { css } from 'lit';

/** A column: the choice, then label-column rows for the server, the test button and what it found. */
export const computeSettingsStyles = css`
  :host {
    display: block;
  }
  .compute {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
  .choice {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-1);
  }
  input[type='url'],
  input[type='password'] {
    flex: 1 1 auto;
    width: auto;
    min-width: 0;
  }
  .test {
    align-self: flex-end;
  }
  .status p,
  p.status {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .failed {
    color: var(--tessera-danger);
  }
  ul {
    margin: var(--tessera-space-1) 0 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-1);
  }
  .name {
    font-weight: 600;
  }
  .detail,
  .note {
    color: var(--tessera-fg-muted);
    overflow-wrap: anywhere;
  }
  .not-ready .name {
    text-decoration: line-through;
  }
`;
