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
  .where {
    align-items: flex-start;
  }
  .choice {
    display: flex;
    flex: 1 1 auto;
    flex-direction: column;
    gap: var(--tessera-space-1);
    min-width: 0;
  }
  .option {
    display: flex;
    align-items: center;
    gap: var(--tessera-space-2);
    cursor: pointer;
  }
  .option input {
    flex: 0 0 auto;
    margin: 0;
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
