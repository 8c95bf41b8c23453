import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { DEFAULT_UPSCALE, type UpscaleScaleChoice, type UpscaleSettings } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { committedNumber } from './input-value.js';
import { upscaleControlsStyles } from './tessera-upscale-controls.styles.js';

const MAX_SEED = 4294967295;
const MAX_SIDE = 65536;
const MAX_STEPS = 100;
const SLIDER_HINT =
  'How many of the steps follow the upscaled picture. More keeps its structure; fewer lets the model invent new detail.';
const SCALES: readonly (readonly [UpscaleScaleChoice, string])[] = [
  ['x2', '×2'],
  ['x4', '×4'],
  ['custom', 'Custom'],
];

/**
 * The Upscale controls: scale (×2, ×4 with "in one step", or a size), where it applies, the
 * upsampler, the model that refines (where the host keeps models), the refinement values (the
 * Slider between keeping the structure and inventing detail, steps, an optional prompt, a seed
 * with its dice) and the Upscale button. Without refinement (no model) the refinement values are
 * disabled and `refinementNote` says why; the model choice stays open, to pick one that is there.
 *
 * @fires tessera-upscale-change - `{ prompt }` as it is typed; every other value on commit.
 * @fires tessera-upscale-roll-seed - The dice: ask for a new random seed.
 * @fires tessera-upscale - Run Upscale.
 */
export class TesseraUpscaleControls extends LitElement {
  static override properties = {
    settings: { attribute: false },
    /** The models that can refine: [id, name]; empty where the host keeps no models (the choice is hidden). */
    modelChoices: { attribute: false },
    /** Why Upscale will not refine, e.g. "Refinement needs SDXS-512 DreamShaper — download it above; …"; null when it will. */
    refinementNote: { attribute: false },
    /** Why Upscale cannot run now, or null when it can. */
    blockedReason: { attribute: false },
    _dragSlider: { state: true },
  };
  static override styles = [controlStyles, upscaleControlsStyles];

  declare settings: UpscaleSettings;
  declare modelChoices: readonly (readonly [string, string])[];
  declare refinementNote: string | null;
  declare blockedReason: string | null;
  /** The thumb's position while dragging (guided steps), so the readout follows it. */
  private declare _dragSlider: number | null;

  constructor() {
    super();
    this.settings = DEFAULT_UPSCALE;
    this.modelChoices = [];
    this.refinementNote = null;
    this.blockedReason = null;
    this._dragSlider = null;
  }

  override render() {
    const s = this.settings;
    const off = this.refinementNote !== null;
    const guided = this._dragSlider ?? s.slider;
    return html`
      <div class="upscale">
        <div class="row">
          <span class="field-label" id="scale-label">Scale</span>
          <div class="segmented" role="group" aria-labelledby="scale-label">
            ${SCALES.map(([value, label]) => html`<button type="button" aria-pressed=${s.scale === value ? 'true' : 'false'} @click=${() => this.#onScale(value)}>${label}</button>`)}
          </div>
        </div>
        ${s.scale === 'custom'
          ? html`<div class="row">
              <span class="field-label">Size</span>
              <input id="width" type="number" min="1" max=${MAX_SIDE} step="1" aria-label="Width in pixels" .value=${live(String(s.customWidth))} @change=${this.#onNumber('customWidth')} />
              <span class="times" aria-hidden="true">×</span>
              <input id="height" type="number" min="1" max=${MAX_SIDE} step="1" aria-label="Height in pixels" .value=${live(String(s.customHeight))} @change=${this.#onNumber('customHeight')} />
              <span class="unit">px</span>
            </div>`
          : nothing}
        ${s.scale === 'x4'
          ? html`<label class="check" title="×4 in a single refinement instead of ×2 then ×2: a little faster; the cascade usually looks better">
              <input type="checkbox" .checked=${live(s.oneStep)} @change=${this.#onOneStep} />
              <span>In one step</span>
            </label>`
          : nothing}
        <div class="row">
          <label class="field-label" for="scope">Apply to</label>
          <select id="scope" @change=${this.#onScope}>
            <option value="canvas" .selected=${live(s.scope === 'canvas')}>Canvas, in place</option>
            <option value="layer" .selected=${live(s.scope === 'layer')}>This layer</option>
          </select>
        </div>
        <div class="row">
          <label class="field-label" for="upsampler">Upsampler</label>
          <select id="upsampler" @change=${this.#onUpsampler}>
            <option value="lanczos" .selected=${live(s.upsampler === 'lanczos')}>Lanczos-3</option>
            <option value="learned" .selected=${live(s.upsampler === 'learned')}>Learned ×2</option>
          </select>
        </div>
        <div class="refine">
          ${this.modelChoices.length > 0
            ? html`<div class="row">
                <label class="field-label" for="model">Model</label>
                <select id="model" @change=${this.#onModel}>
                  ${this.modelChoices.map(([id, name]) => html`<option value=${id} .selected=${live(id === s.modelId)}>${name}</option>`)}
                </select>
              </div>`
            : nothing}
          <div class="row" title=${SLIDER_HINT}>
            <label class="field-label" for="slider">Slider</label>
            <input
              id="slider"
              type="range"
              min="0"
              max=${s.steps}
              step="1"
              aria-valuetext=${`${guided} of ${s.steps} steps guided`}
              .value=${live(String(s.steps - guided))}
              ?disabled=${off}
              @input=${this.#onSliderInput}
              @change=${this.#onSlider}
            />
            <output class="value" for="slider">${guided}/${s.steps}</output>
          </div>
          <div class="ends" aria-hidden="true"><span>Keep structure</span><span>Invent detail</span></div>
          <div class="row">
            <label class="field-label" for="steps">Steps</label>
            <input id="steps" type="number" min="1" max=${MAX_STEPS} step="1" .value=${live(String(s.steps))} ?disabled=${off} @change=${this.#onNumber('steps')} />
          </div>
          <label class="field-label prompt-label" for="prompt">Prompt <span class="optional">(optional)</span></label>
          <textarea id="prompt" rows="2" placeholder="what the picture shows" .value=${live(s.prompt)} ?disabled=${off} @input=${this.#onPrompt}></textarea>
          <div class="row">
            <label class="field-label" for="seed">Seed</label>
            <input id="seed" type="number" min="0" max=${MAX_SEED} step="1" .value=${live(String(s.seed))} ?disabled=${off} @change=${this.#onNumber('seed')} />
            <button type="button" class="quiet dice" aria-label="New upscale seed" title="New seed" ?disabled=${off} @click=${this.#onRoll}>⚄</button>
          </div>
        </div>
        ${off ? html`<p class="note refine-note">${this.refinementNote}</p>` : nothing}
        <button type="button" class="primary run" ?disabled=${this.blockedReason !== null} aria-describedby=${this.blockedReason ? 'reason' : nothing} @click=${this.#onUpscale}>
          Upscale
        </button>
        ${this.blockedReason ? html`<p class="note reason" id="reason">${this.blockedReason}</p>` : nothing}
      </div>
    `;
  }

  #onScale(scale: UpscaleScaleChoice): void {
    if (scale !== this.settings.scale) emit(this, 'tessera-upscale-change', { scale });
  }

  #onNumber(key: 'customWidth' | 'customHeight' | 'steps' | 'seed') {
    return (e: Event): void => {
      const value = committedNumber(e.target as HTMLInputElement);
      if (value !== null) emit(this, 'tessera-upscale-change', { [key]: value });
      else this.requestUpdate(); // an emptied field shows the current value again
    };
  }

  #onOneStep(e: Event): void {
    emit(this, 'tessera-upscale-change', { oneStep: (e.target as HTMLInputElement).checked });
  }

  #onScope(e: Event): void {
    emit(this, 'tessera-upscale-change', { scope: (e.target as HTMLSelectElement).value as UpscaleSettings['scope'] });
  }

  #onUpsampler(e: Event): void {
    emit(this, 'tessera-upscale-change', { upsampler: (e.target as HTMLSelectElement).value as UpscaleSettings['upsampler'] });
  }

  #onModel(e: Event): void {
    emit(this, 'tessera-upscale-change', { modelId: (e.target as HTMLSelectElement).value });
  }

  /** The range runs from "keep structure" (all steps guided) to "invent detail" (none). */
  #onSliderInput(e: Event): void {
    this._dragSlider = this.settings.steps - (e.target as HTMLInputElement).valueAsNumber;
  }

  #onSlider(e: Event): void {
    const value = committedNumber(e.target as HTMLInputElement);
    this._dragSlider = null;
    if (value !== null) emit(this, 'tessera-upscale-change', { slider: this.settings.steps - value });
  }

  #onPrompt(e: Event): void {
    emit(this, 'tessera-upscale-change', { prompt: (e.target as HTMLTextAreaElement).value });
  }

  #onRoll(): void {
    emit(this, 'tessera-upscale-roll-seed');
  }

  #onUpscale(): void {
    emit(this, 'tessera-upscale');
  }
}

define('tessera-upscale-controls', TesseraUpscaleControls);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-upscale-controls': TesseraUpscaleControls;
  }
}
