/**
 * AdamW (Loshchilov & Hutter 2019) exactly as torch.optim.AdamW steps it, plus torch's
 * clip_grad_norm_: the optimiser SD-πXL uses (lr 0.025, betas (0.9, 0.999), weight decay 0.01,
 * eps 1e-8, global-norm clip 1.0).
 */
export interface AdamWOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly weightDecay: number;
  readonly eps: number;
}

export const SD_PIXL_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.999, weightDecay: 0.01, eps: 1e-8 };

export interface AdamWState {
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** Steps taken so far. */
  step: number;
}

export function createAdamWState(size: number): AdamWState {
  return { m: new Float64Array(size), v: new Float64Array(size), step: 0 };
}

/**
 * One step in place: p ← p·(1 − lr·wd); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + eps), with g = gradScale·grad (the clip factor,
 * applied here rather than in a pass of its own).
 */
export function adamWStep(state: AdamWState, params: Float64Array, grad: Float64Array, lr: number, o: AdamWOptions, gradScale = 1): void {
  state.step++;
  const { m, v } = state;
  const { beta1, beta2, eps } = o;
  const decay = 1 - lr * o.weightDecay;
  const c1 = 1 - beta1 ** state.step, c2 = 1 - beta2 ** state.step;
  const stepSize = lr / c1, invSqrtC2 = 1 / Math.sqrt(c2);
  for (let i = 0; i < params.length; i++) {
    const g = grad[i] * gradScale;
    const mi = (m[i] = beta1 * m[i] + (1 - beta1) * g);
    const vi = (v[i] = beta2 * v[i] + (1 - beta2) * g * g);
    params[i] = params[i] * decay - (stepSize * mi) / (Math.sqrt(vi) * invSqrtC2 + eps);
  }
}

/**
 * torch's clip_grad_norm_ factor: min(1, maxNorm/(‖grad‖ + 1e-6)), the scale that brings the
 * gradient's global L2 norm down to maxNorm. Pass it to `adamWStep` as gradScale.
 */
export function clipFactor(grad: Float64Array, maxNorm: number): number {
  let sq = 0;
  for (let i = 0; i < grad.length; i++) sq += grad[i] * grad[i];
  return Math.min(1, maxNorm / (Math.sqrt(sq) + 1e-6));
}
