import { css } from 'lit';

export const modelManagerStyles = css`
  .empty {
    margin: 0;
    color: var(--tessera-fg-muted);
  }
  .models {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .model {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-1);
    padding: var(--tessera-space-2);
    border: 1px solid var(--tessera-border);
    border-radius: var(--tessera-radius);
    background: var(--tessera-surface);
  }
  .head,
  .meta,
  .actions {
    display: flex;
    align-items: baseline;
    gap: var(--tessera-space-2);
  }
  .name {
    flex: 1 1 auto;
    min-width: 0;
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .size,
  .meta {
    color: var(--tessera-fg-muted);
    font-variant-numeric: tabular-nums;
  }
  .size {
    flex: none;
    white-space: nowrap;
  }
  .state {
    flex: 1 1 auto;
  }
  .actions {
    justify-content: flex-end;
  }
  .note {
    margin: var(--tessera-space-2) 0 0;
    color: var(--tessera-fg-muted);
  }
`;
