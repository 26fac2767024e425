// The confirmation before a secret leaves the vault (Show secret, QR code): with a vault
// password, it is asked for again here and checked by Rust before anything is shown, or the
// system's own password (polkit) instead. Without a vault password, the system's is asked
// where the OS can; where it cannot, the dialog says plainly that only this confirmation
// stands in the way.
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { tr } from '../../i18n/i18n';
import { vaultStatus } from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { verifyNow, verifyStatus } from '../vault/os-verify';

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
  const [hasPassword, os] = await Promise.all([
    vaultStatus().then(
      (s) => s.passwordSlot,
      () => true,
    ),
    verifyStatus(),
  ]);
  // Without a vault password, the system's password (where the OS can ask) guards the secret.
  const systemOnly = !hasPassword && os.available;
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
    } else if (systemOnly) {
      body.append(h('p.hint#confirm-system-only', {}, t('secretConfirm.systemOnly')), error);
    } else {
      body.append(h('p.hint.warning-text#confirm-no-password', {}, t('secretConfirm.noPassword')));
    }
    const cancel = h('button.btn', { type: 'button', id: 'confirm-cancel', onclick: () => close() }, tc('action.cancel'));
    const ok = h('button.btn.btn-primary#confirm-ok', { type: 'submit', form: 'confirm-form' }, opts.confirmLabel) as HTMLButtonElement;
    const form = h('form#confirm-form', {});
    body.append(form);
    // `viaSystem`: the system's dialog confirms it is the user, then the secret is fetched
    // without the vault password (Rust takes the confirmation once).
    const attempt = async (viaSystem: boolean) => {
      error.hidden = true;
      ok.disabled = true;
      try {
        if (viaSystem) await verifyNow();
        result = await opts.fetch(hasPassword && !viaSystem ? password.value : null);
        close();
      } catch (err) {
        // A wrong or missing password, or the system did not confirm: say so here and let
        // the user try again.
        error.textContent = describe(err);
        error.hidden = false;
        if (hasPassword) password.select();
      } finally {
        ok.disabled = false;
      }
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void attempt(systemOnly);
    });
    password.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    if (hasPassword && os.available) {
      const system = h(
        'button.btn#confirm-system',
        { type: 'button', title: t('secretConfirm.systemHint'), onclick: () => void attempt(true) },
        t('secretConfirm.system'),
      );
      foot.append(system);
    }
    foot.append(cancel, ok);
    if (hasPassword) password.focus();
    else if (systemOnly) ok.focus();
    else cancel.focus();
  });
}
