import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import type { Rect, RgbaImage } from '../../src/core/image.js';
import { define } from '../components/define.js';
import { emitEditor } from './editor-events.js';

/**
 * The document on screen: the composite drawn 1:1 into a canvas and scaled by CSS with crisp
 * nearest-neighbour pixels, a checkerboard under transparency, the selection as marching ants,
 * and a rectangle marquee (drag to select, click to clear, Escape to abandon a drag).
 *
 * @fires editor-select
 */
export class TesseraCanvasView extends LitElement {
  static override properties = {
    image: { attribute: false },
    selection: { attribute: false },
    zoom: { type: Number },
    dragRect: { state: true },
  };

  declare image: RgbaImage | null;
  declare selection: Rect | null;
  /** Screen pixels per document pixel. */
  declare zoom: number;
  declare dragRect: Rect | null;
  private dragStart: { x: number; y: number } | null = null;

  constructor() {
    super();
    this.image = null;
    this.selection = null;
    this.zoom = 1;
    this.dragRect = null;
  }

  static override styles = css`
    :host { display: block; overflow: auto; background: var(--tessera-surface-sunken); position: relative; }
    .stage { padding: 24px; width: max-content; min-width: 100%; min-height: 100%; box-sizing: border-box; display: flex; align-items: center; justify-content: center; }
    .frame { position: relative; cursor: crosshair; touch-action: none;
      background-color: #fff; background-image: linear-gradient(45deg, #ccc 25%, transparent 25%, transparent 75%, #ccc 75%), linear-gradient(45deg, #ccc 25%, transparent 25%, transparent 75%, #ccc 75%);
      background-size: 16px 16px; background-position: 0 0, 8px 8px; box-shadow: 0 1px 4px rgba(0,0,0,.35); }
    canvas { display: block; image-rendering: pixelated; width: 100%; height: 100%; }
    .selection { position: absolute; pointer-events: none; outline: 1px dashed #fff; box-shadow: 0 0 0 1px #000; animation: ants 1s linear infinite; }
    @keyframes ants { 50% { outline-color: #000; box-shadow: 0 0 0 1px #fff; } }
    .empty { color: var(--tessera-fg-muted); font: 13px var(--tessera-font); text-align: center; line-height: 1.6; }
  `;

  protected override render() {
    if (!this.image) {
      return html`<div class="stage"><p class="empty">No image open.<br />Open one from the toolbar, drop a file here, or paste.</p></div>`;
    }
    const { width, height } = this.image;
    const rect = this.dragRect ?? this.selection;
    const z = this.zoom;
    return html`<div class="stage">
      <div
        class="frame"
        style="width:${width * z}px;height:${height * z}px"
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @keydown=${this.onKeyDown}
        tabindex="0"
        role="img"
        aria-label="Canvas, ${width}×${height} pixels. Drag to select a rectangle."
      >
        <canvas width=${width} height=${height}></canvas>
        ${rect
          ? html`<div class="selection" style="left:${rect.x * z}px;top:${rect.y * z}px;width:${rect.width * z}px;height:${rect.height * z}px"></div>`
          : nothing}
      </div>
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('image') && this.image) {
      const canvas = this.renderRoot.querySelector('canvas');
      const context = canvas?.getContext('2d');
      context?.putImageData(new ImageData(new Uint8ClampedArray(this.image.data), this.image.width, this.image.height), 0, 0);
    }
  }

  private toDocument(e: PointerEvent): { x: number; y: number } {
    const frame = e.currentTarget as HTMLElement;
    const box = frame.getBoundingClientRect();
    const { width, height } = this.image!;
    return {
      x: Math.max(0, Math.min(width, Math.round((e.clientX - box.left) / this.zoom))),
      y: Math.max(0, Math.min(height, Math.round((e.clientY - box.top) / this.zoom))),
    };
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0 || !this.image) return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.dragStart = this.toDocument(e);
    this.dragRect = null;
  }

  private onPointerMove(e: PointerEvent): void {
    if (!this.dragStart) return;
    const p = this.toDocument(e);
    const rect = { x: Math.min(p.x, this.dragStart.x), y: Math.min(p.y, this.dragStart.y), width: Math.abs(p.x - this.dragStart.x), height: Math.abs(p.y - this.dragStart.y) };
    this.dragRect = rect.width > 0 && rect.height > 0 ? rect : null;
  }

  private onPointerUp(): void {
    if (!this.dragStart) return;
    const rect = this.dragRect;
    this.dragStart = null;
    this.dragRect = null;
    emitEditor(this, 'editor-select', { rect });
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.dragStart) {
      this.dragStart = null;
      this.dragRect = null;
    }
  }
}

define('tessera-canvas-view', TesseraCanvasView);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-canvas-view': TesseraCanvasView;
  }
}
