import { css, html, LitElement, nothing } from 'lit';
import type { ApiClient } from '../api/client.js';
import { theme } from '../styles/theme.js';

/**
 * `<mimsy-login>` — the sign-in form.
 * @property api - the API client
 * @fires mimsy-signed-in - after a successful sign-in (bubbles, composed)
 */
export class MimsyLogin extends LitElement {
  static override properties = { api: { attribute: false }, error: { state: true }, busy: { state: true } };
  static override styles = [
    theme,
    css`
      form {
        display: grid;
        gap: 0.8rem;
        max-width: 22rem;
        margin: 3rem auto;
        padding: 1.5rem;
        border: 1px solid var(--m-line);
        border-radius: var(--m-radius);
        background: var(--m-card);
      }
      label {
        display: grid;
        gap: 0.25rem;
      }
      h1 {
        margin: 0;
        font-size: 1.3rem;
      }
    `,
  ];

  declare api: ApiClient;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.error = '';
    this.busy = false;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      const text = (v: FormDataEntryValue | null): string => (typeof v === 'string' ? v : '');
      await this.api.login(text(form.get('name')), text(form.get('password')));
      this.dispatchEvent(new CustomEvent('mimsy-signed-in', { bubbles: true, composed: true }));
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render(): unknown {
    return html`<form @submit=${(e: SubmitEvent) => void this.submit(e)}>
      <h1>Sign in to Mimsy</h1>
      <label>Name or email <input name="name" autocomplete="username" required autofocus /></label>
      <label
        >Password <input name="password" type="password" autocomplete="current-password" required
      /></label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this.busy}>Sign in</button>
    </form>`;
  }
}
customElements.define('mimsy-login', MimsyLogin);
declare global {
  interface HTMLElementTagNameMap {
    'mimsy-login': MimsyLogin;
  }
}
