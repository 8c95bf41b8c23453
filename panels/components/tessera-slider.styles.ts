import { css } from 'lit';

export const sliderStyles = css`
  .value {
    flex: 0 0 40px;
  }
`;
