import { css } from 'lit';

/** Shared tokens: light and dark from prefers-color-scheme, visible focus everywhere. */
export const theme = css`
  :host {
    --m-bg: #ffffff;
    --m-fg: #1d1d24;
    --m-muted: #5b5b6b;
    --m-line: #d9d9e3;
    --m-accent: #5b3fe0;
    --m-accent-fg: #ffffff;
    --m-danger: #b3261e;
    --m-ok: #1b7f3b;
    --m-card: #f6f6fa;
    --m-radius: 6px;
    color: var(--m-fg);
    font:
      15px/1.45 system-ui,
      -apple-system,
      'Segoe UI',
      sans-serif;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --m-bg: #15151b;
      --m-fg: #ececf3;
      --m-muted: #a3a3b5;
      --m-line: #33333f;
      --m-accent: #a08cff;
      --m-accent-fg: #15151b;
      --m-danger: #ff8a80;
      --m-ok: #7ddc98;
      --m-card: #1e1e27;
    }
  }
  /* Touch: every control at least 44 × 44 px (WCAG 2.5.5), on phones and wherever the pointer is a finger. */
  @media (pointer: coarse), (max-width: 40rem) {
    button,
    .button,
    input,
    select,
    textarea {
      min-height: 44px;
    }
    input[type='checkbox'],
    input[type='radio'] {
      min-width: 44px;
    }
  }
  /* Out of sight, still in the page: a file input opened by a real button (keyboard users). */
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  :focus-visible {
    outline: 3px solid var(--m-accent);
    outline-offset: 2px;
  }
  button,
  .button {
    font: inherit;
    padding: 0.45rem 0.9rem;
    border-radius: var(--m-radius);
    border: 1px solid var(--m-line);
    background: var(--m-card);
    color: var(--m-fg);
    cursor: pointer;
    text-decoration: none;
    display: inline-block;
  }
  button.primary {
    background: var(--m-accent);
    color: var(--m-accent-fg);
    border-color: var(--m-accent);
  }
  button.danger {
    color: var(--m-danger);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--m-fg);
    background: var(--m-bg);
    border: 1px solid var(--m-line);
    border-radius: var(--m-radius);
    padding: 0.4rem 0.5rem;
    box-sizing: border-box;
    max-width: 100%;
  }
  .error {
    color: var(--m-danger);
  }
  .muted {
    color: var(--m-muted);
  }
`;
