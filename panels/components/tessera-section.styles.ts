import { css } from 'lit';

export const sectionStyles = css`
  :host {
    border-top: 1px solid var(--tessera-border);
  }
  h2 {
    margin: 0;
    font: inherit;
  }
  .toggle {
    display: flex;
    justify-content: flex-start;
    width: 100%;
    height: 32px;
    padding: 0 var(--tessera-space-3);
    gap: var(--tessera-space-2);
    border: 0;
    border-radius: 0;
    background: transparent;
    color: var(--tessera-fg);
    font-size: var(--tessera-font-size-small);
    font-weight: 600;
    letter-spacing: 0.08em;
    text-transform: uppercase;
  }
  .toggle:hover:not(:disabled) {
    background: var(--tessera-surface-hover);
  }
  .toggle:focus-visible {
    outline-offset: -2px;
  }
  .chevron {
    flex: 0 0 auto;
    width: 6px;
    height: 6px;
    margin: 0 2px;
    border-right: 1.5px solid var(--tessera-fg-muted);
    border-bottom: 1.5px solid var(--tessera-fg-muted);
    transform: rotate(-45deg);
  }
  :host([open]) .chevron {
    transform: translateY(-2px) rotate(45deg);
  }
  .title {
    flex: 1 1 auto;
    text-align: left;
  }
  .badge {
    flex: 0 0 auto;
    padding: 0 6px;
    border: 1px solid var(--tessera-border-strong);
    border-radius: 8px;
    color: var(--tessera-fg-muted);
    font-size: 10px;
    font-weight: 500;
    line-height: 14px;
    letter-spacing: 0.02em;
    text-transform: none;
  }
  .body {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-3);
    padding: var(--tessera-space-1) var(--tessera-space-3) var(--tessera-space-4);
  }
`;
