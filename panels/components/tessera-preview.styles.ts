import { css } from 'lit';

export const previewStyles = css`
  .frame {
    position: relative;
    display: flex;
    align-items: center;
    justify-content: center;
    min-height: 120px;
    border: 1px solid var(--tessera-border);
    border-radius: var(--tessera-radius);
    background: var(--tessera-surface-sunken);
    overflow: hidden;
  }
  img {
    display: block;
    width: 100%;
    height: auto;
    max-height: 240px;
    object-fit: contain;
    image-rendering: pixelated;
  }
  .stale img {
    opacity: 0.45;
  }
  .message {
    margin: 0;
    padding: var(--tessera-space-4);
    max-width: 240px;
    color: var(--tessera-fg-muted);
    text-align: center;
  }
  .overlay {
    position: absolute;
    left: 0;
    right: 0;
    bottom: 0;
    height: 2px;
    overflow: hidden;
  }
  .overlay::after {
    content: '';
    position: absolute;
    top: 0;
    bottom: 0;
    width: 30%;
    background: var(--tessera-accent);
    animation: sweep 1.1s ease-in-out infinite;
  }
  @keyframes sweep {
    from {
      left: -30%;
    }
    to {
      left: 100%;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .overlay::after {
      left: 0;
      width: 100%;
      animation: none;
      opacity: 0.5;
    }
  }
  .caption {
    display: flex;
    justify-content: space-between;
    gap: var(--tessera-space-2);
    margin-top: var(--tessera-space-1);
    min-height: var(--tessera-line-height);
    color: var(--tessera-fg-muted);
    font-size: var(--tessera-font-size-small);
    font-variant-numeric: tabular-nums;
  }
`;
