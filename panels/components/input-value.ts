/**
 * The committed value of a number or range input, held to the input's own min, max and step
 * (the only limits a component applies; the command validates the rest). Null when the field
 * holds no number. Writes the held value back so the field shows what was sent.
 */
export function committedNumber(input: HTMLInputElement): number | null {
  const raw = input.valueAsNumber;
  if (Number.isNaN(raw)) return null;
  const min = input.min === '' ? -Infinity : Number(input.min);
  const max = input.max === '' ? Infinity : Number(input.max);
  const step = input.step === '' || input.step === 'any' ? 0 : Number(input.step);
  const base = Number.isFinite(min) ? min : 0;
  const snapped = step > 0 ? base + Math.round((raw - base) / step) * step : raw;
  // Round away float noise from the step arithmetic (0.1 steps), not the value itself.
  const value = Math.min(max, Math.max(min, Number(snapped.toFixed(6))));
  if (value !== raw) input.value = String(value);
  return value;
}
