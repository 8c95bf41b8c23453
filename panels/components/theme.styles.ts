import { css } from 'lit';

/**
 * The `--tessera-*` design tokens, set once on the panel root and inherited through every shadow
 * root. Hosts override them from outside (UXP maps them to Spectrum tokens). Spacing is a 4 px
 * scale; type is 12 px like the hosts' own panels.
 */
const base = css`
  --tessera-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif;
  --tessera-font-size: 12px;
  --tessera-font-size-small: 11px;
  --tessera-line-height: 16px;
  --tessera-space-1: 4px;
  --tessera-space-2: 8px;
  --tessera-space-3: 12px;
  --tessera-space-4: 16px;
  --tessera-radius: 4px;
  --tessera-control-height: 24px;
  --tessera-label-width: 72px;
`;

const light = css`
  color-scheme: light;
  --tessera-bg: #f3f3f2;
  --tessera-surface: #ffffff;
  --tessera-surface-hover: #e9e9e7;
  --tessera-surface-sunken: #e6e6e4;
  --tessera-border: #dcdcd9;
  --tessera-border-strong: #bdbdb9;
  --tessera-fg: #1d1d1c;
  --tessera-fg-muted: #5f5f5c;
  --tessera-fg-subtle: #85857f;
  --tessera-accent: #2b66cc;
  --tessera-accent-hover: #2256b0;
  --tessera-accent-fg: #ffffff;
  --tessera-accent-soft: rgba(43, 102, 204, 0.1);
  --tessera-focus: #2b66cc;
  --tessera-danger: #b3261e;
  --tessera-danger-soft: #fcefee;
  --tessera-danger-border: #eec4c1;
  --tessera-success: #2e7d4f;
  --tessera-checker: #d9d9d6;
`;

const dark = css`
  color-scheme: dark;
  --tessera-bg: #202020;
  --tessera-surface: #2b2b2b;
  --tessera-surface-hover: #363636;
  --tessera-surface-sunken: #181818;
  --tessera-border: #353535;
  --tessera-border-strong: #4a4a4a;
  --tessera-fg: #e4e4e2;
  --tessera-fg-muted: #a3a3a0;
  --tessera-fg-subtle: #7d7d79;
  --tessera-accent: #4d86e8;
  --tessera-accent-hover: #6194ec;
  --tessera-accent-fg: #ffffff;
  --tessera-accent-soft: rgba(77, 134, 232, 0.16);
  --tessera-focus: #6e9ef0;
  --tessera-danger: #f08a80;
  --tessera-danger-soft: rgba(240, 138, 128, 0.1);
  --tessera-danger-border: rgba(240, 138, 128, 0.35);
  --tessera-success: #7cc49a;
  --tessera-checker: #262626;
`;

/** For the panel root only: `prefers-color-scheme` picks the theme unless `theme` says otherwise. */
export const themeTokens = css`
  :host {
    ${base}
    ${light}
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
`;
