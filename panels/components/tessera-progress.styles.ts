import { css } from 'lit';

export const progressStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-1);
  }
  .head {
    display: flex;
    align-items: baseline;
    gap: var(--tessera-space-2);
  }
  .label {
    font-weight: 600;
  }
  .stage {
    flex: 1 1 auto;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--tessera-fg-muted);
  }
  .percent {
    color: var(--tessera-fg-muted);
    font-variant-numeric: tabular-nums;
  }
  .track {
    flex: 1 1 auto;
  }
  .detail {
    margin: 0;
    color: var(--tessera-fg-muted);
    font-size: var(--tessera-font-size-small);
    font-variant-numeric: tabular-nums;
    overflow-wrap: anywhere;
  }
  .fill {
    transition: width 120ms linear;
  }
  @media (prefers-reduced-motion: reduce) {
    .fill {
      transition: none;
    }
  }
`;
