// A recovery key shown once: its groups of four, "Save as file", "Print", and an "I have saved
// it" confirmation before the user may go on. Used by the first run and by Settings → Vault.
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { vaultRecoveryKeyDone, vaultRecoveryKeySave } from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { tr } from '../../i18n/i18n';

const t = tr('vault');
const tc = tr('common');

/** The groups of a key like `ABCD-EFGH-...`, for display (three rows). */
export function keyGroups(key: string): string[] {
  return key.split('-').filter((g) => g.length > 0);
}

/** The panel; `onDone` runs once the user confirmed they saved the key (the app then forgets it). */
export function recoveryKeyPanel(key: string, onDone: () => void | Promise<void>): HTMLElement {
  const groups = keyGroups(key);
  const keyEl = h(
    'div.recovery-key#recovery-key-text',
    { 'aria-label': t('recovery.label'), 'data-key': key },
    ...groups.map((g) => h('span.recovery-group', {}, g)),
  );
  const status = h('div.hint#recovery-save-status', { role: 'status' });
  const error = h('div.form-error#recovery-error', { role: 'alert', hidden: true });
  const pathInput = h('input#recovery-save-path', {
    type: 'text',
    placeholder: t('recovery.pathPlaceholder'),
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const save = h('button.btn#recovery-save', { type: 'button' }, t('recovery.save'));
  save.addEventListener('click', async () => {
    error.hidden = true;
    save.disabled = true;
    try {
      const path = await vaultRecoveryKeySave(pathInput.value.trim() || null);
      status.textContent = t('recovery.savedTo', { path });
    } catch (e) {
      error.textContent = describe(e);
      error.hidden = false;
    } finally {
      save.disabled = false;
    }
  });
  const print = h('button.btn#recovery-print', { type: 'button' }, tc('action.print'));
  print.addEventListener('click', () => printKey(groups));

  const saved = h('input#recovery-saved', { type: 'checkbox' });
  const cont = h('button.btn.btn-primary#recovery-continue', { type: 'button', disabled: true }, tc('action.continue'));
  saved.addEventListener('change', () => {
    cont.disabled = !saved.checked;
  });
  cont.addEventListener('click', async () => {
    cont.disabled = true;
    try {
      await vaultRecoveryKeyDone();
    } catch {
      // Forgetting the held key cannot fail in a way the user can act on; go on.
    }
    await onDone();
  });
  return h(
    'div.recovery-panel#recovery-panel',
    {},
    h('h2', {}, t('recovery.title')),
    h(
      'p',
      {},
      t('recovery.intro'),
    ),
    keyEl,
    field(t('recovery.saveTo'), pathInput, t('recovery.saveToHint')),
    h('div.recovery-actions', {}, save, print),
    status,
    error,
    h('label.recovery-confirm', { for: 'recovery-saved' }, saved, ` ${t('recovery.confirm')}`),
    h('div.recovery-actions', { style: 'justify-content:flex-end' }, cont),
  );
}

/** Prints a page with the key only, through the system print dialog. */
function printKey(groups: string[]) {
  document.getElementById('recovery-print-view')?.remove();
  const view = h(
    'div#recovery-print-view',
    {},
    h('h1', {}, t('print.title')),
    h('p', {}, t('print.text')),
    h('div.recovery-key', {}, ...groups.map((g) => h('span.recovery-group', {}, g))),
  );
  document.body.append(view);
  document.body.classList.add('printing-recovery');
  const cleanup = () => {
    document.body.classList.remove('printing-recovery');
    view.remove();
    window.removeEventListener('afterprint', cleanup);
  };
  window.addEventListener('afterprint', cleanup);
  window.print();
}
