import { css } from 'lit';

export const panelStyles = css`
  :host {
    display: block;
    min-width: 0;
    background: var(--tessera-bg);
    -webkit-font-smoothing: antialiased;
  }
  .panel {
    display: flex;
    flex-direction: column;
  }
  .group + .group {
    padding-top: var(--tessera-space-3);
    border-top: 1px solid var(--tessera-border);
  }
  .actions {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
  .apply {
    width: 100%;
    height: 28px;
  }
  .notice,
  .generate-notice,
  .upscale-notice {
    margin: 0;
    color: var(--tessera-fg-muted);
    font-size: var(--tessera-font-size-small);
    overflow-wrap: anywhere;
  }
  .notice:empty,
  .generate-notice:empty,
  .upscale-notice:empty {
    display: none;
  }
  .generate {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
    margin-top: var(--tessera-space-3);
    padding-top: var(--tessera-space-3);
    border-top: 1px solid var(--tessera-border);
  }
  .upscale {
    display: flex;
    flex-direction: column;
    gap: var(--tessera-space-2);
  }
  .needs-model {
    margin: 0;
    color: var(--tessera-fg-muted);
  }
`;
