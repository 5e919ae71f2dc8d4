import { css, html } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';

/** Markdown → sanitized HTML. The renderer and sanitizer load only when a preview is shown. */
export async function renderMarkdown(source: string): Promise<string> {
  const [{ marked }, { default: DOMPurify }] = await Promise.all([import('marked'), import('dompurify')]);
  const raw = await marked.parse(source, { async: true, gfm: true });
  // No script can run from content: DOMPurify drops scripts, event handlers and javascript: URLs.
  // Inline styles and forms go too: a `position: fixed` overlay or a form from content could dress
  // up as the admin (or submit away from the editor).
  return DOMPurify.sanitize(raw, {
    USE_PROFILES: { html: true },
    FORBID_ATTR: ['style', 'form', 'formaction'],
    FORBID_TAGS: ['form', 'button', 'select', 'textarea'],
  });
}

/**
 * `<mimsy-markdown>` — Markdown editing with a live, sanitized preview.
 * @fires mimsy-value
 */
export class MimsyMarkdown extends FieldWidget {
  static override properties = { preview: { state: true }, previewHtml: { state: true } };
  static override styles = [
    theme,
    css`
      .panes {
        display: grid;
        gap: 0.8rem;
        grid-template-columns: 1fr;
      }
      @media (min-width: 900px) {
        .panes.both {
          grid-template-columns: 1fr 1fr;
        }
      }
      textarea {
        width: 100%;
        min-height: 16rem;
        font-family: ui-monospace, monospace;
        resize: vertical;
      }
      .preview {
        border: 1px solid var(--m-line);
        border-radius: var(--m-radius);
        padding: 0 0.8rem;
        overflow: auto;
        max-height: 30rem;
      }
      .preview img {
        max-width: 100%;
      }
    `,
  ];
  declare preview: boolean;
  declare previewHtml: string;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.preview = false;
    this.previewHtml = '';
  }

  private refresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () =>
        void renderMarkdown(typeof this.value === 'string' ? this.value : '').then(
          (h) => (this.previewHtml = h),
        ),
      120,
    );
  }

  override updated(changed: Map<string, unknown>): void {
    if (this.preview && (changed.has('value') || changed.has('preview'))) this.refresh();
  }

  override render(): unknown {
    return html`
      <label
        ><input
          type="checkbox"
          .checked=${this.preview}
          @change=${(e: Event) => (this.preview = (e.target as HTMLInputElement).checked)}
        />
        Preview</label
      >
      <div class="panes ${this.preview ? 'both' : ''}">
        <textarea
          id=${this.inputId}
          aria-label=${labelOf(this.field)}
          data-control
          ?readonly=${this.readonly}
          .value=${typeof this.value === 'string' ? this.value : ''}
          @input=${(e: Event) => emitValue(this, (e.target as HTMLTextAreaElement).value)}
        ></textarea>
        ${this.preview ? html`<div class="preview" aria-label="Preview" aria-live="polite">${unsafeHTML(this.previewHtml)}</div>` : ''}
      </div>
    `;
  }
}
customElements.define('mimsy-markdown', MimsyMarkdown);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-markdown': MimsyMarkdown;
  }
}
