/**
 * One rendered grid, in both spaces the losses read: `oklab` (Σ s_k·p_k with p in OKLab) for the
 * per-cell terms, `linear` (Σ s_k·p_k in linear light) for the blurred one. Also used for the
 * gradients with respect to each.
 */
export interface RenderedCells {
  readonly oklab: Float64Array;
  readonly linear: Float64Array;
}

export function createRenderedCells(cells: number): RenderedCells {
  return { oklab: new Float64Array(cells * 3), linear: new Float64Array(cells * 3) };
}

/** A loss over a render: returns its (unweighted) value and adds weight·∂L/∂render into `grad`. */
export interface Loss {
  accumulate(render: RenderedCells, grad: RenderedCells, weight: number): number;
}
