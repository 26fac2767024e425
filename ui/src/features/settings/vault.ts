// Settings → Vault: which ways in the vault has (system keyring, password, recovery key), and
// adding, changing or removing the password and the recovery key.
import type { VaultStatus } from '../../bindings/VaultStatus';
import { confirmDialog, openDialog } from '../../components/dialog';
import { append, h } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import {
  vaultPasswordSet,
  vaultRecoveryKeyAdd,
  vaultRecoveryKeyRemove,
  vaultStatus,
} from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { recoveryKeyPanel } from '../vault/recovery-key';

/** Whether the OS keyring is the vault's only way in (a lost keyring would lose it). */
export function keyringOnly(s: VaultStatus): boolean {
  return s.keyringSlot && !s.passwordSlot && !s.recoverySlot;
}

/** Opens Settings → Vault; `onChanged` runs after every change of the slots. */
export async function openVaultSettings(onChanged: () => void): Promise<void> {
  const { body, foot, close } = openDialog('vault-settings', 'Settings · Vault', undefined, false);
  const error = h('div.form-error#vault-settings-error', { role: 'alert', hidden: true });
  const fail = (e: unknown) => {
    error.textContent = describe(e);
    error.hidden = false;
  };
  foot.append(h('button.btn#vault-settings-close', { type: 'button', onclick: () => close() }, 'Close'));

  const render = (s: VaultStatus) => {
    error.hidden = true;
    const row = (id: string, name: string, on: boolean, hint: string) =>
      h(
        `li.slot-row#${id}`,
        { 'data-present': on ? 'yes' : 'no' },
        h('strong', {}, name),
        h('span.slot-state', {}, on ? 'Set up' : 'Not set up'),
        h('span.hint', {}, hint),
      );
    const slots = h(
      'ul.slot-list#vault-slots',
      {},
      row('slot-keyring', 'System keyring', s.keyringSlot, 'Opens the vault when you log in to this computer.'),
      row('slot-password', 'Password', s.passwordSlot, 'Opens the vault anywhere, when you type it.'),
      row('slot-recovery', 'Recovery key', s.recoverySlot, 'Opens the vault if the keyring and the password are lost.'),
    );
    body.replaceChildren();
    append(body, [
      h('p.hint', {}, s.path),
      keyringOnly(s)
        ? h(
            'div.warning#vault-settings-warning',
            { role: 'alert' },
            'The system keyring is the only way into this vault: if it is lost, so are your accounts. Add a recovery key or a password.',
          )
        : null,
      slots,
      passwordSection(s),
      recoverySection(s),
      error,
    ]);
  };

  const changed = async (s: VaultStatus, message: string) => {
    showToast(message);
    render(s);
    onChanged();
  };

  function passwordSection(s: VaultStatus): HTMLElement {
    const pw1 = h('input#vault-password-new', { type: 'password', autocomplete: 'new-password' });
    const pw2 = h('input#vault-password-repeat', { type: 'password', autocomplete: 'new-password' });
    const save = h('button.btn.btn-primary#vault-password-save', { type: 'submit' }, s.passwordSlot ? 'Change password' : 'Set password');
    const form = h(
      'form#vault-password-form',
      {},
      h('h3', {}, 'Password'),
      h('p.hint', {}, 'Setting, changing or removing the password gives the vault a new key: old copies of it no longer open with the old password.'),
      field(s.passwordSlot ? 'New password' : 'Password', pw1),
      field('Repeat it', pw2),
      h('div.recovery-actions', { style: 'justify-content:flex-end' }, save),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (pw1.value.length < 8) return fail({ kind: 'invalidInput', message: 'use at least 8 characters' });
      if (pw1.value !== pw2.value) return fail({ kind: 'invalidInput', message: 'the passwords do not match' });
      save.disabled = true;
      try {
        await changed(await vaultPasswordSet(pw1.value), 'Password set; the vault has a new key');
      } catch (err) {
        fail(err);
      } finally {
        save.disabled = false;
      }
    });
    if (s.passwordSlot) {
      const remove = h('button.btn.btn-danger#vault-password-remove', { type: 'button' }, 'Remove password');
      remove.addEventListener('click', async () => {
        const ok = await confirmDialog({
          title: 'Remove the password?',
          message: 'The vault will open with the system keyring and the recovery key only.',
          confirmLabel: 'Remove',
          danger: true,
        });
        if (!ok) return;
        try {
          await changed(await vaultPasswordSet(null), 'Password removed; the vault has a new key');
        } catch (err) {
          fail(err);
        }
      });
      form.querySelector('.recovery-actions')?.prepend(remove);
    }
    return form;
  }

  function recoverySection(s: VaultStatus): HTMLElement {
    const make = h('button.btn.btn-primary#vault-recovery-new', { type: 'button' }, s.recoverySlot ? 'Make a new recovery key' : 'Create a recovery key');
    const section = h(
      'section#vault-recovery',
      {},
      h('h3', {}, 'Recovery key'),
      h('p.hint', {}, s.recoverySlot ? 'A new key replaces the old one, which then opens neither the vault nor any earlier copy of it.' : 'A key Twofold makes for you, shown once to save or print.'),
    );
    // Replacing or removing the key gives the vault a new master key, re-wrapped under the
    // password: the password is asked for then.
    const current = h('input#vault-recovery-password', { type: 'password', autocomplete: 'current-password' });
    const needsPassword = s.recoverySlot && s.passwordSlot;
    if (needsPassword) {
      section.append(
        field('Vault password', current, 'Replacing or removing the key gives the vault a new key, so old copies do not open with the old one.'),
      );
    }
    const password = () => (needsPassword ? current.value : null);
    const actions = h('div.recovery-actions', { style: 'justify-content:flex-end' }, make);
    make.addEventListener('click', async () => {
      if (needsPassword && !current.value) return fail({ kind: 'invalidInput', message: 'type the vault password first' });
      make.disabled = true;
      try {
        const shown = await vaultRecoveryKeyAdd(password());
        onChanged();
        body.replaceChildren(
          recoveryKeyPanel(shown.recoveryKey, async () => {
            showToast('Recovery key saved');
            render(await vaultStatus());
          }),
        );
      } catch (err) {
        fail(err);
        make.disabled = false;
      }
    });
    if (s.recoverySlot) {
      const remove = h('button.btn.btn-danger#vault-recovery-remove', { type: 'button' }, 'Remove recovery key');
      remove.addEventListener('click', async () => {
        if (needsPassword && !current.value) return fail({ kind: 'invalidInput', message: 'type the vault password first' });
        const ok = await confirmDialog({
          title: 'Remove the recovery key?',
          message: 'It will no longer open the vault.',
          confirmLabel: 'Remove',
          danger: true,
        });
        if (!ok) return;
        try {
          await changed(await vaultRecoveryKeyRemove(password()), 'Recovery key removed; the vault has a new key');
        } catch (err) {
          fail(err);
        }
      });
      actions.prepend(remove);
    }
    section.append(actions);
    return section;
  }

  try {
    render(await vaultStatus());
  } catch (e) {
    fail(e);
    body.replaceChildren(error);
  }
}
