import { css } from 'lit';

export const palettePickerStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
  .current-name {
    flex: 1 1 auto;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
  }
  .count {
    flex: 0 0 auto;
    color: var(--tessera-fg-subtle);
    font-size: var(--tessera-font-size-small);
    font-variant-numeric: tabular-nums;
  }

  .swatches {
    display: flex;
    flex-direction: column;
    gap: 2px;
    max-height: 132px;
    overflow-y: auto;
  }
  .swatch-row {
    display: flex;
    gap: 2px;
  }
  .swatch {
    flex: 1 1 0;
    min-width: 0;
    min-height: 12px;
    aspect-ratio: 1;
    border-radius: 2px;
    box-shadow: inset 0 0 0 1px rgba(0, 0, 0, 0.14);
  }
  .swatch.pad {
    visibility: hidden;
  }
  .list {
    position: relative;
    display: flex;
    flex-direction: column;
    max-height: 212px;
    overflow-y: auto;
    padding: 2px;
    border: 1px solid var(--tessera-border);
    border-radius: var(--tessera-radius);
    background: var(--tessera-surface);
  }
  .group-label {
    padding: var(--tessera-space-1) var(--tessera-space-2) 2px;
    color: var(--tessera-fg-subtle);
    font-size: 10px;
    font-weight: 600;
    letter-spacing: 0.08em;
    text-transform: uppercase;
  }
  .option {
    position: relative;
    display: flex;
    align-items: center;
    border-radius: 3px;
  }
  .option:hover {
    background: var(--tessera-surface-hover);
  }
  .option.selected {
    background: var(--tessera-accent-soft);
  }
  .option label {
    position: relative;
    display: flex;
    flex: 1 1 auto;
    flex-direction: column;
    gap: 3px;
    min-width: 0;
    padding: 5px var(--tessera-space-2) 6px;
    cursor: pointer;
  }
  /* The radio covers its row, invisible; the ring below shows its keyboard focus. */
  .option input {
    position: absolute;
    top: 0;
    left: 0;
    width: 100%;
    height: 100%;
    margin: 0;
    opacity: 0;
    cursor: pointer;
  }
  .ring {
    position: absolute;
    top: 0;
    right: 0;
    bottom: 0;
    left: 0;
    border-radius: 3px;
    pointer-events: none;
  }
  .option input:focus-visible ~ .ring {
    box-shadow: inset 0 0 0 2px var(--tessera-focus);
  }
  .option.selected .ring {
    box-shadow: inset 2px 0 0 var(--tessera-accent);
  }
  .option.selected input:focus-visible ~ .ring {
    box-shadow: inset 0 0 0 2px var(--tessera-focus);
  }
  .option-text {
    display: flex;
    align-items: baseline;
    gap: var(--tessera-space-2);
  }
  .option-name {
    flex: 1 1 auto;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .option.selected .option-name {
    font-weight: 600;
  }
  .strip {
    display: flex;
    height: 6px;
    border-radius: 2px;
    overflow: hidden;
    /* An outline paints over the colours, so white ends still show an edge. */
    outline: 1px solid rgba(0, 0, 0, 0.1);
    outline-offset: -1px;
  }
  .strip span {
    flex: 1 1 0;
    min-width: 0;
  }
  .remove {
    flex: 0 0 auto;
    width: 24px;
    margin-right: 2px;
    padding: 0;
    font-size: 14px;
  }

  .tools {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
  .tools input[type='number'] {
    width: 44px;
  }
  .tools label {
    color: var(--tessera-fg-muted);
  }
  .tools .note {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
`;
