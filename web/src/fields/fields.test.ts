import { afterEach, describe, expect, it } from 'vitest';
import type { Field } from '@mimsy/core/types';
import { FIELD_TYPES } from '@mimsy/core/types';
import { FIELD_SPECS } from '@mimsy/core/validate';
import './field.js';
import type { MimsyField } from './field.js';
import { isoToLocalInput, localInputToIso } from './values.js';
import { labelOf } from './label.js';

afterEach(() => {
  document.body.innerHTML = '';
});

/** Mounts a field, returns it and the values it emits. */
async function mount(field: Field, value?: unknown): Promise<{ el: MimsyField; values: unknown[] }> {
  const el = document.createElement('mimsy-field');
  el.field = field;
  el.value = value;
  el.at = `/${field.name}`;
  const values: unknown[] = [];
  el.addEventListener('mimsy-value', (e) => values.push((e as CustomEvent<{ value: unknown }>).detail.value));
  document.body.append(el);
  await el.updateComplete;
  return { el, values };
}

/** The first element matching `selector` anywhere below `root`, through shadow roots. */
function deep<T extends Element>(root: Element | ShadowRoot, selector: string): T | null {
  const direct = root.querySelector<T>(selector);
  if (direct) return direct;
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) {
      const found = deep<T>(el.shadowRoot, selector);
      if (found) return found;
    }
  }
  return null;
}

async function settle(el: MimsyField): Promise<void> {
  await el.updateComplete;
  // One macrotask, not a time: lets nested widgets finish the update their parent just started.
  await new Promise((r) => setTimeout(r, 0));
}

describe('field widgets', () => {
  it('labels fields in words and marks required ones', async () => {
    expect(labelOf({ name: 'readingTime' })).toBe('Reading time');
    expect(labelOf({ name: 'cover_image' })).toBe('Cover image');
    expect(labelOf({ name: 'x', label: 'Custom' })).toBe('Custom');
    const { el } = await mount({ name: 'title', type: 'string', required: true, hint: 'Keep it short' });
    expect(el.shadowRoot!.textContent).toContain('Title');
    expect(el.shadowRoot!.querySelector('.req')).not.toBeNull();
    expect(el.shadowRoot!.textContent).toContain('Keep it short');
  });

  it('string: emits text, and nothing for an empty input', async () => {
    const { el, values } = await mount({ name: 'title', type: 'string' }, 'Hi');
    await settle(el);
    const input = deep<HTMLInputElement>(el.shadowRoot!, 'input')!;
    expect(input.value).toBe('Hi');
    input.value = 'Hello';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    expect(values).toEqual(['Hello', undefined]);
  });

  it('number: emits numbers', async () => {
    const { el, values } = await mount({ name: 'n', type: 'number' });
    await settle(el);
    const input = deep<HTMLInputElement>(el.shadowRoot!, 'input')!;
    input.value = '42';
    input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    expect(values).toEqual([42]);
  });

  it('boolean: emits true/false', async () => {
    const { el, values } = await mount({ name: 'draft', type: 'boolean' }, false);
    await settle(el);
    const box = deep<HTMLInputElement>(el.shadowRoot!, 'input[type=checkbox]')!;
    box.checked = true;
    box.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    expect(values).toEqual([true]);
  });

  it('select: single and multiple', async () => {
    const single = await mount(
      { name: 'c', type: 'select', options: ['a', { value: 'b', label: 'Bee' }] },
      'a',
    );
    await settle(single.el);
    const select = deep<HTMLSelectElement>(single.el.shadowRoot!, 'select')!;
    expect([...select.options].map((o) => o.textContent)).toEqual(['—', 'a', 'Bee']);
    select.value = 'b';
    select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    expect(single.values).toEqual(['b']);
    document.body.innerHTML = '';
    const multi = await mount({ name: 'm', type: 'select', multiple: true, options: ['x', 'y'] }, ['y']);
    await settle(multi.el);
    const boxes = [...deep<HTMLElement>(multi.el.shadowRoot!, 'fieldset')!.querySelectorAll('input')];
    boxes[0]!.checked = true;
    boxes[0]!.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    expect(multi.values).toEqual([['x', 'y']]);
  });

  it('list: adds, edits and removes items', async () => {
    const { el, values } = await mount({ name: 'tags', type: 'list', of: { type: 'string' } }, ['a', 'b']);
    await settle(el);
    const list = deep<HTMLElement>(el.shadowRoot!, 'mimsy-list')!;
    const buttons = [...list.shadowRoot!.querySelectorAll('button')];
    buttons.find((b) => b.textContent?.includes('Add'))!.click();
    buttons.find((b) => b.getAttribute('aria-label') === 'Remove Tags 1')!.click();
    buttons.find((b) => b.getAttribute('aria-label') === 'Move Tags 2 up')!.click();
    expect(values).toEqual([['a', 'b', undefined], ['b'], ['b', 'a']]);
  });

  it('object: emits the object with the changed key, keeping undeclared keys', async () => {
    const { el, values } = await mount(
      { name: 's', type: 'object', fields: [{ name: 'name', type: 'string' }] },
      { name: 'A', extra: 1 },
    );
    await settle(el);
    const input = deep<HTMLInputElement>(el.shadowRoot!, 'mimsy-text-input')!.shadowRoot!.querySelector(
      'input',
    )!;
    input.value = 'B';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    expect(values.at(-1)).toEqual({ name: 'B', extra: 1 });
  });

  it('shows an error for its JSON pointer', async () => {
    const el = document.createElement('mimsy-field');
    el.field = { name: 'title', type: 'string' };
    el.at = '/title';
    el.errors = { '/title': 'is required' };
    document.body.append(el);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).toBe('Title is required');
  });

  it('datetime: converts between ISO (UTC) and the local input format', () => {
    const iso = '2026-11-28T09:30:00Z';
    expect(localInputToIso(isoToLocalInput(iso))).toBe(iso);
    expect(isoToLocalInput('garbage')).toBe('');
  });
});

describe('the field-type registry in the admin', () => {
  it('has a widget for every field type, and every widget is a defined element that renders', async () => {
    for (const type of FIELD_TYPES) {
      const tag = FIELD_SPECS[type].widget;
      expect(customElements.get(tag), `${type} → <${tag}>`).toBeDefined();
      const field = { name: 'x', type, ...(type === 'select' ? { options: ['a'] } : {}) } as Field;
      const { el } = await mount(field);
      expect(el.shadowRoot!.querySelector(tag), `${type} renders <${tag}>`).not.toBeNull();
    }
  });
});
