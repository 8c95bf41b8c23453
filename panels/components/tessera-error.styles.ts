import { css } from 'lit';

export const errorStyles = css`
  .box {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
    padding: var(--tessera-space-2) var(--tessera-space-3);
    border: 1px solid var(--tessera-danger-border);
    border-left: 3px solid var(--tessera-danger);
    border-radius: var(--tessera-radius);
    background: var(--tessera-danger-soft);
  }
  .message {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .foot {
    display: flex;
    align-items: center;
    gap: var(--tessera-space-1);
  }
  .code {
    flex: 1 1 auto;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--tessera-fg-subtle);
    font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    font-size: 10px;
  }
  .foot button {
    height: 20px;
    padding: 0 6px;
  }
`;
