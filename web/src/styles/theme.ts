import { css } from 'lit';

/**
 * Shared tokens: light and dark from prefers-color-scheme, visible focus everywhere. Each can be
 * set from outside — on the page, or on <mimsy-app> — through its public name, which custom
 * properties carry into every shadow root: --mimsy-accent, --mimsy-accent-fg, --mimsy-radius,
 * --mimsy-font (both schemes), and --mimsy-bg, --mimsy-fg, --mimsy-muted, --mimsy-line,
 * --mimsy-card, --mimsy-danger, --mimsy-ok, each also as --mimsy-dark-… for the dark scheme
 * (docs/admin.md, "Theming").
 */
export const theme = css`
  :host {
    --m-bg: var(--mimsy-bg, #ffffff);
    --m-fg: var(--mimsy-fg, #1d1d24);
    --m-muted: var(--mimsy-muted, #5b5b6b);
    --m-line: var(--mimsy-line, #d9d9e3);
    --m-accent: var(--mimsy-accent, #5b3fe0);
    --m-accent-fg: var(--mimsy-accent-fg, #ffffff);
    --m-danger: var(--mimsy-danger, #b3261e);
    --m-ok: var(--mimsy-ok, #1b7f3b);
    --m-card: var(--mimsy-card, #f6f6fa);
    --m-radius: var(--mimsy-radius, 6px);
    color: var(--m-fg);
    font: var(--mimsy-font, 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --m-bg: var(--mimsy-dark-bg, #15151b);
      --m-fg: var(--mimsy-dark-fg, #ececf3);
      --m-muted: var(--mimsy-dark-muted, #a3a3b5);
      --m-line: var(--mimsy-dark-line, #33333f);
      --m-accent: var(--mimsy-dark-accent, #a08cff);
      --m-accent-fg: var(--mimsy-dark-accent-fg, #15151b);
      --m-danger: var(--mimsy-dark-danger, #ff8a80);
      --m-ok: var(--mimsy-dark-ok, #7ddc98);
      --m-card: var(--mimsy-dark-card, #1e1e27);
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
  /* The admin's tables (entry lists, Recently deleted): full width, one line between rows. */
  table.rows {
    width: 100%;
    border-collapse: collapse;
  }
  table.rows th,
  table.rows td {
    text-align: left;
    padding: 0.45rem 0.4rem;
    border-bottom: 1px solid var(--m-line);
    vertical-align: top;
  }
  @media (max-width: 600px) {
    .hide-narrow {
      display: none;
    }
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
  button.primary,
  .button.primary {
    background: var(--m-accent);
    color: var(--m-accent-fg);
    border-color: var(--m-accent);
  }
  button.danger,
  .button.danger {
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
