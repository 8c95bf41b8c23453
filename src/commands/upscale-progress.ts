import type { UpscalePhase, UpscaleProgress } from '../runtime/upscale/upscale-image.js';
import type { CommandProgress } from './command-context.js';

/** Each cascade phase's place on the command's bar (read 0–2 %, write 97–100 %). */
const PHASE_STAGE: Record<UpscalePhase, CommandProgress['stage']> = { upsample: 'upscale', encode: 'encode', refine: 'refine', decode: 'decode' };

export function upscaleCommandProgress(p: UpscaleProgress): CommandProgress {
  const detail = upscaleProgressDetail(p);
  return { stage: PHASE_STAGE[p.phase], fraction: 0.02 + 0.95 * p.fraction, ...(detail ? { detail } : {}) };
}

/** "stage 1 of 2 · patch 37 of 256 · about 40 s left" (the parts that apply), or null when there is nothing to add. */
export function upscaleProgressDetail(p: UpscaleProgress): string | null {
  const parts: string[] = [];
  if (p.stages > 1) parts.push(`stage ${p.stage} of ${p.stages}`);
  if (p.patchesTotal > 0 && p.phase === 'refine') parts.push(`patch ${p.patchesDone} of ${p.patchesTotal}`);
  if (p.secondsLeft !== null) parts.push(`about ${formatDuration(p.secondsLeft)} left`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

