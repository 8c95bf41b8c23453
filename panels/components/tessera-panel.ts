import { LitElement, html, nothing } from 'lit';
import { generateBlockedReason } from '../state/generate-availability.js';
import { refinePriorAvailable } from '../state/prior-availability.js';
import { upscaleBlockedReason, upscaleModelChoices, upscaleRefinementNote } from '../state/upscale-availability.js';
import type { PanelState } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { panelStyles } from './tessera-panel.styles.js';
import { themeTokens } from './theme.styles.js';
import './tessera-cell-options.js';
import './tessera-compute-settings.js';
import './tessera-dither-controls.js';
import './tessera-error.js';
import './tessera-generate-controls.js';
import './tessera-grid-size.js';
import './tessera-model-manager.js';
import './tessera-palette-picker.js';
import './tessera-preview.js';
import './tessera-progress.js';
import './tessera-refine-controls.js';
import './tessera-section.js';
import './tessera-upscale-controls.js';

const NO_MODEL_STORE = 'Generate needs a local model server in this host, which is not available yet.';

/**
 * The whole panel, drawn from one `PanelState` snapshot. It holds no state of its own: the entry
 * page sets `state` on every store change and listens here for the intents its parts send up.
 * Sets the `--tessera-*` tokens: light or dark after `prefers-color-scheme`, unless `theme` says.
 *
 * @fires tessera-apply - Run Pixelate with the current settings.
 * @fires tessera-change, tessera-input, tessera-cancel, tessera-import-palette,
 *   tessera-extract-palette, tessera-remove-palette, tessera-dismiss, tessera-download-model,
 *   tessera-remove-model, tessera-generate-change, tessera-generate, tessera-roll-seed,
 *   tessera-upscale-change, tessera-upscale, tessera-upscale-roll-seed, tessera-compute-change,
 *   tessera-test-connection - Bubbled up from its parts.
 */
export class TesseraPanel extends LitElement {
  static override properties = {
    state: { attribute: false },
    theme: { type: String, reflect: true },
  };
  static override styles = [themeTokens, controlStyles, panelStyles];

  declare state: PanelState | undefined;
  /** 'light' | 'dark' overrides the system theme. */
  declare theme: 'light' | 'dark' | undefined;

  override render() {
    const s = this.state;
    if (!s) return nothing;
    const { settings, job } = s;
    return html`
      <div class="panel">
        <tessera-section heading="Pixelate" open>
          <div class="group">
            <tessera-preview .preview=${s.preview}></tessera-preview>
          </div>
          <div class="group">
            <tessera-grid-size .gridMode=${settings.gridMode} .cells=${settings.cells} .cellSize=${settings.cellSize}></tessera-grid-size>
          </div>
          <div class="group">
            <tessera-palette-picker
              .palettes=${s.palettes}
              .selectedId=${settings.paletteId}
              .extractColors=${settings.extractColors}
              .busy=${job !== null}
            ></tessera-palette-picker>
          </div>
          <div class="group">
            <tessera-refine-controls
              .refine=${settings.refine}
              .iterations=${settings.refineIterations}
              .faithfulness=${settings.faithfulness}
              .prior=${settings.refinePrior ?? false}
              .priorAvailable=${refinePriorAvailable(s)}
            ></tessera-refine-controls>
            ${settings.refine
              ? nothing
              : html`<tessera-dither-controls .dither=${settings.dither} .strength=${settings.ditherStrength}></tessera-dither-controls>`}
          </div>
          <div class="group">
            <tessera-cell-options
              .downscale=${settings.downscale}
              .alphaThreshold=${settings.alphaThreshold}
              .cleanup=${settings.cleanup}
            ></tessera-cell-options>
          </div>
          <div class="group actions">
            ${s.error ? html`<tessera-error .error=${s.error}></tessera-error>` : nothing}
            ${job ? html`<tessera-progress .job=${job}></tessera-progress>` : nothing}
            <button type="button" class="primary apply" ?disabled=${job !== null} @click=${this.#onApply}>Apply</button>
            <p class="notice" role="status">${s.notice ?? ''}</p>
          </div>
        </tessera-section>
        <tessera-section heading="Generate" badge=${s.models.some((m) => m.state === 'installed') ? '' : 'Needs a model'}>
          ${s.capabilities.models
            ? html`<tessera-model-manager .models=${s.models} .busy=${job !== null} .source=${s.capabilities.modelSource ?? 'cache'}></tessera-model-manager>
                <div class="group generate">
                  <tessera-generate-controls
                    .prompt=${s.generate.prompt}
                    .strength=${s.generate.strength}
                    .seed=${s.generate.seed}
                    .asPixelArt=${s.generate.asPixelArt}
                    .modelId=${s.generate.modelId}
                    .modelChoices=${s.models.filter((m) => m.textToImage).map((m) => [m.id, m.name] as const)}
                    .backend=${s.generate.backend}
                    .blockedReason=${generateBlockedReason(s)}
                  ></tessera-generate-controls>
                  ${job?.label === 'Generate' ? html`<tessera-progress .job=${job}></tessera-progress>` : nothing}
                  ${s.error && !job ? html`<tessera-error .error=${s.error}></tessera-error>` : nothing}
                  <p class="generate-notice">${s.notice ?? ''}</p>
                </div>`
            : html`<p class="needs-model">${NO_MODEL_STORE}</p>`}
        </tessera-section>
        <tessera-section heading="Upscale" badge=${upscaleRefinementNote(s) ? 'No refinement' : ''}>
          <div class="group upscale">
            <tessera-upscale-controls
              .settings=${s.upscale}
              .modelChoices=${upscaleModelChoices(s)}
              .refinementNote=${upscaleRefinementNote(s)}
              .blockedReason=${upscaleBlockedReason(s)}
            ></tessera-upscale-controls>
            ${job?.label === 'Upscale' ? html`<tessera-progress .job=${job}></tessera-progress>` : nothing}
            ${s.error && !job ? html`<tessera-error .error=${s.error}></tessera-error>` : nothing}
            <p class="upscale-notice">${s.notice ?? ''}</p>
          </div>
        </tessera-section>
        <tessera-section heading="Compute" badge=${s.compute.where === 'server' ? 'Server' : ''}>
          <div class="group">
            <tessera-compute-settings
              .compute=${s.compute}
              .status=${s.computeStatus}
              .localAvailable=${s.capabilities.models && s.capabilities.modelSource !== 'server'}
              .busy=${job !== null}
            ></tessera-compute-settings>
          </div>
        </tessera-section>
      </div>
    `;
  }

  #onApply(): void {
    emit(this, 'tessera-apply');
  }
}

define('tessera-panel', TesseraPanel);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-panel': TesseraPanel;
  }
}
