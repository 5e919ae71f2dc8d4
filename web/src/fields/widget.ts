import { LitElement, type PropertyDeclarations } from 'lit';
import type { Field } from '@mimsy/core/types';
import type { ApiClient } from '../api/client.js';
import { labelOf } from './label.js';

/**
 * What every field widget receives from `<mimsy-field>`; each widget uses the part it needs.
 * @property field - the schema field (for list items: `of` with the list's name)
 * @property value - the current value
 * @property inputId - id for the widget's main control
 * @property describers - the field's hint and error elements, which describe its controls
 * @property invalid - the value has an error (aria-invalid on its controls)
 * @property errors - JSON pointer → message for the whole entry (nested widgets pass it on)
 * @property at - this value's JSON pointer
 * @property api - the API client (relations, media)
 * @property readonly - viewers see values only
 * @fires mimsy-value - {value} when the editor changes it
 */
export class FieldWidget extends LitElement {
  /**
   * A form-associated custom element: its value and validity live in ElementInternals, so the
   * browser knows each widget as a form control (`:invalid`, `checkValidity()`,
   * `validationMessage`, a form value under the field's name).
   */
  static formAssociated = true;
  static override properties: PropertyDeclarations = {
    field: { attribute: false },
    value: { attribute: false },
    inputId: { attribute: false },
    describers: { attribute: false },
    invalid: { type: Boolean },
    errors: { attribute: false },
    at: { attribute: false },
    api: { attribute: false },
    readonly: { type: Boolean },
  };
  declare field: Field;
  declare value: unknown;
  declare inputId: string;
  declare describers: Element[];
  declare invalid: boolean;
  declare errors: Record<string, string>;
  declare at: string;
  declare api: ApiClient;
  declare readonly: boolean;

  /** Null only where the DOM has no ElementInternals (happy-dom in unit tests, old browsers). */
  protected readonly internals: ElementInternals | null =
    (this.constructor as typeof FieldWidget).formAssociated && typeof this.attachInternals === 'function'
      ? this.attachInternals()
      : null;

  constructor() {
    super();
    this.errors = {};
    this.at = '';
    this.readonly = false;
    this.describers = [];
    this.invalid = false;
  }

  /**
   * Ties the hint and error (in `<mimsy-field>`'s shadow root) to the controls marked
   * `data-control` (in this one) by element reference: ids do not cross shadow roots, element
   * references to an enclosing tree do. Errors also set aria-invalid.
   */
  protected override updated(changed: Map<PropertyKey, unknown>): void {
    super.updated(changed);
    const controls = [...this.renderRoot.querySelectorAll<HTMLElement>('[data-control]')];
    for (const el of controls) {
      el.ariaDescribedByElements = this.describers;
      el.ariaInvalid = this.invalid ? 'true' : null;
    }
    const internals = this.internals;
    if (!internals) return;
    const v = this.value;
    internals.setFormValue(
      v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v),
    );
    // As <mimsy-field> shows it: "Title is required".
    const message = this.invalid ? `${labelOf(this.field)} ${this.errors[this.at] ?? 'needs attention'}` : '';
    if (message) internals.setValidity({ customError: true }, message, controls[0]);
    else internals.setValidity({});
  }

  get name(): string {
    return this.field?.name ?? '';
  }
  get form(): HTMLFormElement | null {
    return this.internals?.form ?? null;
  }
  get validity(): ValidityState | undefined {
    return this.internals?.validity;
  }
  get validationMessage(): string {
    return this.internals?.validationMessage ?? '';
  }
  checkValidity(): boolean {
    return this.internals?.checkValidity() ?? true;
  }
}
