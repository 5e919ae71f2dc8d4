/**
 * Commits what the editor is typing into the focused control: some controls (number, date) report
 * their value only on `change`, which the browser fires when they lose focus. A save by keyboard
 * shortcut or a way out that does not move focus (Back, Alt+Left) would otherwise miss it. Blur
 * fires that `change` synchronously; focus goes straight back, so typing can go on.
 */
export function commitPendingInput(): void {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  if (!(el instanceof HTMLElement) || el === document.body) return;
  el.blur();
  el.focus({ preventScroll: true });
}
