// A labelled form field: `<div class="field"><label>…</label><input>… <span class="hint">`.
import { h } from './dom';

/** Wraps `input` (which must have an id, for the label) with its label and an optional hint. */
export function field(label: string, input: HTMLElement, hint?: string): HTMLDivElement {
  return h('div.field', {}, h('label', { for: input.id }, label), input, hint ? h('span.hint', {}, hint) : null);
}
