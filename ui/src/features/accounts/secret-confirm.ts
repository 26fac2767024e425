// The confirmation before a secret leaves the vault (Show secret, QR code): with a vault
// password, it is asked for again here and checked by Rust before anything is shown; without
// one, the dialog says plainly that only this confirmation stands in the way.
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { tr } from '../../i18n/i18n';
import { vaultStatus } from '../../ipc/commands';
import { describe } from '../../ipc/errors';

const t = tr('accounts');
const tc = tr('common');

export interface SecretConfirm<T> {
  title: string;
  message: string;
  confirmLabel: string;
  /** Fetches the secret with the password typed (null for a vault without one). */
  fetch: (password: string | null) => Promise<T>;
}

/** Resolves with what `fetch` returned, or null when the user cancelled. */
export async function confirmSecret<T>(opts: SecretConfirm<T>): Promise<T | null> {
  const hasPassword = await vaultStatus().then(
    (s) => s.passwordSlot,
    () => true,
  );
  return new Promise((resolve) => {
    let result: T | null = null;
    const { body, foot, close } = openDialog('confirm-dialog', opts.title, () => resolve(result));
    const password = h('input#confirm-password', {
      type: 'password',
      autocomplete: 'current-password',
      'aria-describedby': 'confirm-password-hint',
    }) as HTMLInputElement;
    const error = h('div.form-error#confirm-error', { role: 'alert', hidden: true });
    body.append(h('p', {}, opts.message));
    if (hasPassword) {
      body.append(
        h(
          'div.field',
          {},
          h('label', { for: 'confirm-password' }, t('secretConfirm.password')),
          password,
          h('div.hint#confirm-password-hint', {}, t('secretConfirm.passwordHint')),
        ),
        error,
      );
    } else {
      body.append(h('p.hint.warning-text#confirm-no-password', {}, t('secretConfirm.noPassword')));
    }
    const cancel = h('button.btn', { type: 'button', id: 'confirm-cancel', onclick: () => close() }, tc('action.cancel'));
    const ok = h('button.btn.btn-primary#confirm-ok', { type: 'submit', form: 'confirm-form' }, opts.confirmLabel) as HTMLButtonElement;
    const form = h('form#confirm-form', {});
    body.append(form);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      ok.disabled = true;
      try {
        result = await opts.fetch(hasPassword ? password.value : null);
        close();
      } catch (err) {
        // A wrong or missing password: say so here and let the user try again.
        error.textContent = describe(err);
        error.hidden = false;
        password.select();
      } finally {
        ok.disabled = false;
      }
    });
    password.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    foot.append(cancel, ok);
    if (hasPassword) password.focus();
    else cancel.focus();
  });
}
