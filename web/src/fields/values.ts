import { dateTimeMs } from '@mimsy/core/validate';

/** Sends a widget's new value to its field (bubbles to <mimsy-field> only). */
export function emitValue(from: HTMLElement, value: unknown): void {
  from.dispatchEvent(new CustomEvent('mimsy-value', { detail: { value }, bubbles: true, composed: true }));
}

/** ISO datetime (UTC) ↔ the local "YYYY-MM-DDTHH:mm" a datetime-local input shows. */
export function isoToLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(dateTimeMs(iso));
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function localInputToIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
