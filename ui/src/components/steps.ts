// A dialog that moves through screens (the AWS wizard, CLI sessions, the AWS audit, the
// security-key guide): one screen at a time in the body, that screen's buttons in the foot, and
// error boxes that say what happened and carry the error's kind for tests and styling.
import { describe, toIpcError } from '../ipc/errors';
import { openDialog, type DialogParts } from './dialog';
import { h } from './dom';

/** A hidden alert box for a screen's errors. */
export function errorBox(id: string | null): HTMLDivElement {
  return h('div.form-error', { id, role: 'alert', hidden: true });
}

/** Shows `e` in `box`, with its kind in `data-kind`. */
export function showError(box: HTMLElement, e: unknown): void {
  box.textContent = describe(e);
  box.dataset.kind = toIpcError(e).kind;
  box.hidden = false;
}

export interface StepsDialog extends DialogParts {
  /** Replaces the body with `content` and empties the foot; `screen` goes to `data-screen`. */
  show(screen: string, ...content: (HTMLElement | null)[]): void;
  /** A foot button (`id` may be empty). */
  button(id: string, label: string, onclick: () => void, cls?: string): HTMLButtonElement;
}

/** Opens a wizard-style dialog (backdrop clicks do not close it). `beforeShow` runs before
 * each screen change (to stop a screen's timer). */
export function openStepsDialog(
  id: string,
  title: string,
  onClose: () => void,
  classes: string[] = [],
  beforeShow?: () => void,
): StepsDialog {
  const parts = openDialog(id, title, onClose, false);
  parts.dialog.classList.add('wizard', ...classes);
  return {
    ...parts,
    show(screen, ...content) {
      beforeShow?.();
      parts.dialog.dataset.screen = screen;
      parts.body.replaceChildren(...content.filter((c): c is HTMLElement => c !== null));
      parts.foot.replaceChildren();
    },
    button(bid, label, onclick, cls = '') {
      return h('button.btn', { id: bid || null, type: 'button', class: cls, onclick }, label);
    },
  };
}
