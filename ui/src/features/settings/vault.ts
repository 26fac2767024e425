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
import { tr } from '../../i18n/i18n';
import { describe } from '../../ipc/errors';
import { recoveryKeyPanel } from '../vault/recovery-key';

const t = tr('settings');
const tc = tr('common');

/** Whether the OS keyring is the vault's only way in (a lost keyring would lose it). */
export function keyringOnly(s: VaultStatus): boolean {
  return s.keyringSlot && !s.passwordSlot && !s.recoverySlot;
}

/** Opens Settings → Vault; `onChanged` runs after every change of the slots. */
export async function openVaultSettings(onChanged: () => void): Promise<void> {
  const { body, foot, close } = openDialog('vault-settings', t('vaultDialog.title'), undefined, false);
  const error = h('div.form-error#vault-settings-error', { role: 'alert', hidden: true });
  const fail = (e: unknown) => {
    error.textContent = describe(e);
    error.hidden = false;
  };
  foot.append(h('button.btn#vault-settings-close', { type: 'button', onclick: () => close() }, tc('action.close')));

  const render = (s: VaultStatus) => {
    error.hidden = true;
    const row = (id: string, name: string, on: boolean, hint: string) =>
      h(
        `li.slot-row#${id}`,
        { 'data-present': on ? 'yes' : 'no' },
        h('strong', {}, name),
        h('span.slot-state', {}, on ? t('vaultDialog.setUp') : t('vaultDialog.notSetUp')),
        h('span.hint', {}, hint),
      );
    const slots = h(
      'ul.slot-list#vault-slots',
      {},
      row('slot-keyring', t('vaultDialog.keyring'), s.keyringSlot, t('vaultDialog.keyringHint')),
      row('slot-password', t('vaultDialog.password'), s.passwordSlot, t('vaultDialog.passwordHint')),
      row('slot-recovery', t('vaultDialog.recovery'), s.recoverySlot, t('vaultDialog.recoveryHint')),
    );
    body.replaceChildren();
    append(body, [
      h('p.hint', {}, s.path),
      keyringOnly(s)
        ? h(
            'div.warning#vault-settings-warning',
            { role: 'alert' },
            t('vaultDialog.keyringOnly'),
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
    const save = h('button.btn.btn-primary#vault-password-save', { type: 'submit' }, s.passwordSlot ? t('password.change') : t('password.set'));
    const form = h(
      'form#vault-password-form',
      {},
      h('h3', {}, t('password.heading')),
      h('p.hint', {}, t('password.hint')),
      field(s.passwordSlot ? t('password.new') : t('password.first'), pw1),
      field(t('password.repeat'), pw2),
      h('div.recovery-actions', { style: 'justify-content:flex-end' }, save),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (pw1.value.length < 8) return fail({ kind: 'invalidInput', message: t('password.tooShort') });
      if (pw1.value !== pw2.value) return fail({ kind: 'invalidInput', message: t('password.mismatch') });
      save.disabled = true;
      try {
        await changed(await vaultPasswordSet(pw1.value), t('password.done'));
      } catch (err) {
        fail(err);
      } finally {
        save.disabled = false;
      }
    });
    if (s.passwordSlot) {
      const remove = h('button.btn.btn-danger#vault-password-remove', { type: 'button' }, t('password.remove'));
      remove.addEventListener('click', async () => {
        const ok = await confirmDialog({
          title: t('password.removeTitle'),
          message: t('password.removeMessage'),
          confirmLabel: t('password.removeConfirm'),
          danger: true,
        });
        if (!ok) return;
        try {
          await changed(await vaultPasswordSet(null), t('password.removed'));
        } catch (err) {
          fail(err);
        }
      });
      form.querySelector('.recovery-actions')?.prepend(remove);
    }
    return form;
  }

  function recoverySection(s: VaultStatus): HTMLElement {
    const make = h('button.btn.btn-primary#vault-recovery-new', { type: 'button' }, s.recoverySlot ? t('recovery.replace') : t('recovery.create'));
    const section = h(
      'section#vault-recovery',
      {},
      h('h3', {}, t('recovery.heading')),
      h('p.hint', {}, s.recoverySlot ? t('recovery.replaceHint') : t('recovery.createHint')),
    );
    // Replacing or removing the key gives the vault a new master key, re-wrapped under the
    // password: the password is asked for then.
    const current = h('input#vault-recovery-password', { type: 'password', autocomplete: 'current-password' });
    const needsPassword = s.recoverySlot && s.passwordSlot;
    if (needsPassword) {
      section.append(
        field(t('recovery.password'), current, t('recovery.passwordHint')),
      );
    }
    const password = () => (needsPassword ? current.value : null);
    const actions = h('div.recovery-actions', { style: 'justify-content:flex-end' }, make);
    make.addEventListener('click', async () => {
      if (needsPassword && !current.value) return fail({ kind: 'invalidInput', message: t('recovery.passwordFirst') });
      make.disabled = true;
      try {
        const shown = await vaultRecoveryKeyAdd(password());
        onChanged();
        body.replaceChildren(
          recoveryKeyPanel(shown.recoveryKey, async () => {
            showToast(t('recovery.saved'));
            render(await vaultStatus());
          }),
        );
      } catch (err) {
        fail(err);
        make.disabled = false;
      }
    });
    if (s.recoverySlot) {
      const remove = h('button.btn.btn-danger#vault-recovery-remove', { type: 'button' }, t('recovery.remove'));
      remove.addEventListener('click', async () => {
        if (needsPassword && !current.value) return fail({ kind: 'invalidInput', message: t('recovery.passwordFirst') });
        const ok = await confirmDialog({
          title: t('recovery.removeTitle'),
          message: t('recovery.removeMessage'),
          confirmLabel: t('recovery.removeConfirm'),
          danger: true,
        });
        if (!ok) return;
        try {
          await changed(await vaultRecoveryKeyRemove(password()), t('recovery.removed'));
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
