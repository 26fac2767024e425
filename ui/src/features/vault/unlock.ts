// Screens shown when the vault is not open: unlock (password or keyring) and create.
import type { VaultStatus } from '../../bindings/VaultStatus';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { vaultCreate, vaultUnlock } from '../../ipc/commands';
import { describe } from '../../ipc/errors';

function passwordField(id: string, label: string, autocomplete: string): [HTMLDivElement, HTMLInputElement] {
  const input = h('input', { id, type: 'password', autocomplete, required: true });
  return [field(label, input), input];
}

/** The locked / no-vault screen. Calls `onOpen` once the vault is unlocked. */
export function createVaultScreen(status: VaultStatus, onOpen: (s: VaultStatus) => void): HTMLElement {
  const error = h('div.form-error#vault-error', { role: 'alert', hidden: true });
  const fail = (e: unknown) => {
    error.textContent = describe(e);
    error.hidden = false;
  };
  const busy = async (btn: HTMLButtonElement, f: () => Promise<VaultStatus>) => {
    error.hidden = true;
    btn.disabled = true;
    try {
      const s = await f();
      if (s.state === 'unlocked') onOpen(s);
      else fail({ kind: 'vaultLocked', message: s.reason ?? 'still locked' });
    } catch (e) {
      fail(e);
    } finally {
      btn.disabled = false;
    }
  };

  const card = h('div.card#vault-screen', {}, h('img.logo', { src: 'logo.png', alt: '' }));
  if (status.state === 'absent') {
    const [f1, pw1] = passwordField('create-password', 'Password', 'new-password');
    const [f2, pw2] = passwordField('create-password2', 'Repeat password', 'new-password');
    const submit = h('button.btn.btn-primary#create-submit', { type: 'submit' }, 'Create vault');
    const form = h('form#create-form', {}, f1, f2, error, submit);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (pw1.value.length < 8) return fail({ kind: 'invalidInput', message: 'use at least 8 characters' });
      if (pw1.value !== pw2.value) return fail({ kind: 'invalidInput', message: 'the passwords do not match' });
      void busy(submit, () => vaultCreate(pw1.value));
    });
    card.append(
      h('h2', {}, 'Protect your vault with a password'),
      h(
        'p',
        {},
        `Twofold could not use the system keyring${status.reason ? ` (${status.reason})` : ''}. Choose a password to encrypt your accounts; you will type it when Twofold starts.`,
      ),
      form,
    );
    setTimeout(() => pw1.focus());
  } else {
    const [f1, pw] = passwordField('unlock-password', 'Password', 'current-password');
    const submit = h('button.btn.btn-primary#unlock-submit', { type: 'submit' }, 'Unlock');
    const actions = h('div', { style: 'display:flex;gap:8px;justify-content:flex-end' });
    if (status.keyringSlot) {
      const retry = h('button.btn#unlock-keyring', { type: 'button' }, 'Use system keyring');
      retry.addEventListener('click', () => void busy(retry, () => vaultUnlock(null)));
      actions.append(retry);
    }
    actions.append(submit);
    const form = h('form#unlock-form', {}, status.passwordSlot ? f1 : null, error, actions);
    if (!status.passwordSlot) submit.remove();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void busy(submit, () => vaultUnlock(pw.value));
    });
    card.append(
      h('h2', {}, 'Twofold is locked'),
      h(
        'p',
        {},
        status.passwordSlot
          ? 'Enter your vault password to see your codes.'
          : `The vault key is kept in the system keyring${status.reason ? `, which is not available right now: ${status.reason}` : ''}.`,
      ),
      form,
    );
    setTimeout(() => (status.passwordSlot ? pw : card.querySelector<HTMLButtonElement>('#unlock-keyring'))?.focus());
  }
  return h('div.screen', {}, card);
}
