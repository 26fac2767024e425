// Modal dialogs on the native <dialog> element: focus trap, Esc closes, backdrop click closes.
import { tr } from '../i18n/i18n';
import { h, icon, ICONS } from './dom';

const tc = tr('common');

export interface DialogParts {
  dialog: HTMLDialogElement;
  body: HTMLDivElement;
  foot: HTMLDivElement;
  close: () => void;
}

/** Opens a modal dialog; `onClose` runs once however it closes. */
export function openDialog(
  id: string,
  title: string,
  onClose?: () => void,
  closeOnBackdrop = true,
): DialogParts {
  document.getElementById(id)?.remove();
  const body = h('div.dialog-body');
  const foot = h('div.dialog-foot');
  const dialog = h(
    'dialog',
    { id, 'aria-labelledby': `${id}-title` },
    h(
      'div.dialog-head',
      {},
      h('h2', { id: `${id}-title` }, title),
      h(
        'button.btn.btn-ghost.icon-btn',
        { type: 'button', 'aria-label': tc('action.close'), 'data-testid': 'dialog-close', onclick: () => close() },
        icon(ICONS.close),
      ),
    ),
    body,
    foot,
  );
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    onClose?.();
  };
  dialog.addEventListener('close', close);
  dialog.addEventListener('mousedown', (e) => {
    // A press on the backdrop (outside the dialog box) closes it.
    const r = dialog.getBoundingClientRect();
    const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
    if (!inside && closeOnBackdrop) close();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, foot, close };
}

export function isDialogOpen(): boolean {
  return document.querySelector('dialog[open]') !== null;
}

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
}

/** Asks a yes/no question; resolves true only when the user confirms. */
export function confirmDialog(opts: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let result = false;
    const { body, foot, close } = openDialog('confirm-dialog', opts.title, () => resolve(result));
    body.append(h('p', {}, opts.message));
    const cancel = h('button.btn', { type: 'button', id: 'confirm-cancel', onclick: () => close() }, tc('action.cancel'));
    const ok = h(
      'button.btn',
      {
        type: 'button',
        id: 'confirm-ok',
        class: opts.danger ? 'btn-danger btn-solid' : 'btn-primary',
        onclick: () => {
          result = true;
          close();
        },
      },
      opts.confirmLabel,
    );
    foot.append(cancel, ok);
    cancel.focus();
  });
}
