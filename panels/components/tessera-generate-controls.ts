import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { committedNumber } from './input-value.js';
import { generateControlsStyles } from './tessera-generate-controls.styles.js';

const MAX_SEED = 4294967295;
const STRENGTH_HINT = 'At 100 % the picture comes from the prompt alone; lower keeps more of the layer’s colours and shapes (needs TAESD).';

/**
 * The Generate controls: prompt, strength, seed (with a dice for a new one), "as pixel art", which
 * backend runs the model, and the Generate button, disabled with the reason its owner gives.
 *
 * @fires tessera-generate-change - `{ prompt }` as it is typed; `{ strength }`, `{ seed }`, `{ asPixelArt }` on commit.
 * @fires tessera-roll-seed - The dice: ask for a new random seed.
 * @fires tessera-generate - Run Generate.
 */
export class TesseraGenerateControls extends LitElement {
  static override properties = {
    prompt: { type: String },
    strength: { type: Number },
    seed: { type: Number },
    asPixelArt: { type: Boolean },
    /** The chosen model's id. */
    modelId: { type: String },
    /** The models that can generate from a prompt: [id, name]. */
    modelChoices: { attribute: false },
    /** What runs the model and why; null until a model has loaded. */
    backend: { attribute: false },
    /** Why Generate cannot run now, or null when it can. */
    blockedReason: { attribute: false },
    _dragStrength: { state: true },
  };
  static override styles = [controlStyles, generateControlsStyles];

  declare prompt: string;
  declare strength: number;
  declare seed: number;
  declare asPixelArt: boolean;
  declare modelId: string;
  declare modelChoices: readonly (readonly [string, string])[];
  declare backend: string | null;
  declare blockedReason: string | null;
  private declare _dragStrength: number | null;

  constructor() {
    super();
    this.prompt = '';
    this.strength = 1;
    this.seed = 1;
    this.asPixelArt = false;
    this.modelId = '';
    this.modelChoices = [];
    this.backend = null;
    this.blockedReason = null;
    this._dragStrength = null;
  }

  override render() {
    const strength = this._dragStrength ?? this.strength;
    return html`
      <div class="generate">
        <div class="row">
          <label class="field-label" for="model">Model</label>
          <select id="model" @change=${this.#onModel}>
            ${this.modelChoices.map(([id, name]) => html`<option value=${id} .selected=${live(id === this.modelId)}>${name}</option>`)}
          </select>
        </div>
        <label class="field-label prompt-label" for="prompt">Prompt</label>
        <textarea id="prompt" rows="3" placeholder="a knight with a red cape, pixel art" .value=${live(this.prompt)} @input=${this.#onPrompt}></textarea>
        <div class="row" title=${STRENGTH_HINT}>
          <label class="field-label" for="strength">Strength</label>
          <input id="strength" type="range" min="0" max="1" step="0.05" aria-describedby="strength-hint" .value=${live(String(strength))} @input=${this.#onStrengthInput} @change=${this.#onStrength} />
          <output class="value" for="strength">${Math.round(strength * 100)} %</output>
        </div>
        <p class="note" id="strength-hint">${strength >= 1 ? 'From the prompt alone.' : 'Starts from the layer; lower keeps more of it.'}</p>
        <div class="row">
          <label class="field-label" for="seed">Seed</label>
          <input id="seed" type="number" min="0" max=${MAX_SEED} step="1" .value=${live(String(this.seed))} @change=${this.#onSeed} />
          <button type="button" class="quiet dice" aria-label="New seed" title="New seed" @click=${this.#onRoll}>⚄</button>
        </div>
        <label class="check">
          <input type="checkbox" .checked=${live(this.asPixelArt)} @change=${this.#onPixelArt} />
          <span>As pixel art (uses the Pixelate settings)</span>
        </label>
        ${this.backend ? html`<p class="note backend">Runs on ${this.backend}</p>` : nothing}
        <button type="button" class="primary run" ?disabled=${this.blockedReason !== null} aria-describedby=${this.blockedReason ? 'reason' : nothing} @click=${this.#onGenerate}>
          Generate
        </button>
        ${this.blockedReason ? html`<p class="note reason" id="reason">${this.blockedReason}</p>` : nothing}
      </div>
    `;
  }

  #onPrompt(e: Event): void {
    emit(this, 'tessera-generate-change', { prompt: (e.target as HTMLTextAreaElement).value });
  }

  #onStrengthInput(e: Event): void {
    this._dragStrength = (e.target as HTMLInputElement).valueAsNumber;
  }

  #onStrength(e: Event): void {
    const value = committedNumber(e.target as HTMLInputElement);
    this._dragStrength = null;
    if (value !== null) emit(this, 'tessera-generate-change', { strength: value });
  }

  #onSeed(e: Event): void {
    const value = committedNumber(e.target as HTMLInputElement);
    if (value !== null) emit(this, 'tessera-generate-change', { seed: value });
  }

  #onRoll(): void {
    emit(this, 'tessera-roll-seed');
  }

  #onPixelArt(e: Event): void {
    emit(this, 'tessera-generate-change', { asPixelArt: (e.target as HTMLInputElement).checked });
  }

  #onModel(e: Event): void {
    emit(this, 'tessera-generate-change', { modelId: (e.target as HTMLSelectElement).value });
  }

  #onGenerate(): void {
    emit(this, 'tessera-generate');
  }
}

define('tessera-generate-controls', TesseraGenerateControls);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-generate-controls': TesseraGenerateControls;
  }
}
