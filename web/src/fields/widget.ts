import { LitElement, type PropertyDeclarations } from 'lit';
import type { Field } from '@mimsy/core/types';
import type { ApiClient } from '../api/client.js';

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
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('[data-control]')) {
      el.ariaDescribedByElements = this.describers;
      el.ariaInvalid = this.invalid ? 'true' : null;
    }
  }
}
