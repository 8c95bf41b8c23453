import { css } from 'lit';

export const sliderStyles = css`
  .value {
    flex: 0 0 40px;
    white-space: nowrap; /* "100 %" must not wrap in a narrow dock */
    text-align: right;
  }
`;
