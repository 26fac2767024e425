// A recovery key shown once: its groups of four, "Save as file", "Print", and an "I have saved
// it" confirmation before the user may go on. Used by the first run and by Settings → Vault.
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { vaultRecoveryKeyDone, vaultRecoveryKeySave } from '../../ipc/commands';
import { describe } from '../../ipc/errors';

/** The groups of a key like `ABCD-EFGH-...`, for display (three rows). */
export function keyGroups(key: string): string[] {
  return key.split('-').filter((g) => g.length > 0);
}

/** The panel; `onDone` runs once the user confirmed they saved the key (the app then forgets it). */
export function recoveryKeyPanel(key: string, onDone: () => void | Promise<void>): HTMLElement {
  const groups = keyGroups(key);
  const keyEl = h(
    'div.recovery-key#recovery-key-text',
    { 'aria-label': 'Recovery key', 'data-key': key },
    ...groups.map((g) => h('span.recovery-group', {}, g)),
  );
  const status = h('div.hint#recovery-save-status', { role: 'status' });
  const error = h('div.form-error#recovery-error', { role: 'alert', hidden: true });
  const pathInput = h('input#recovery-save-path', {
    type: 'text',
    placeholder: 'Documents/Twofold recovery key.txt',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const save = h('button.btn#recovery-save', { type: 'button' }, 'Save as file');
  save.addEventListener('click', async () => {
    error.hidden = true;
    save.disabled = true;
    try {
      const path = await vaultRecoveryKeySave(pathInput.value.trim() || null);
      status.textContent = `Saved to ${path}. Keep a copy away from this computer.`;
    } catch (e) {
      error.textContent = describe(e);
      error.hidden = false;
    } finally {
      save.disabled = false;
    }
  });
  const print = h('button.btn#recovery-print', { type: 'button' }, 'Print');
  print.addEventListener('click', () => printKey(groups));

  const saved = h('input#recovery-saved', { type: 'checkbox' });
  const cont = h('button.btn.btn-primary#recovery-continue', { type: 'button', disabled: true }, 'Continue');
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
    h('h2', {}, 'Your recovery key'),
    h(
      'p',
      {},
      'This key opens your vault if the system keyring is lost or this computer is replaced. It is shown only this once: save it or print it, and keep it somewhere safe. Anyone with it and a copy of your vault can read every account.',
    ),
    keyEl,
    field('Save to (optional)', pathInput, 'Leave empty for your Documents folder. The file is readable by you only.'),
    h('div.recovery-actions', {}, save, print),
    status,
    error,
    h('label.recovery-confirm', { for: 'recovery-saved' }, saved, ' I have saved my recovery key'),
    h('div.recovery-actions', { style: 'justify-content:flex-end' }, cont),
  );
}

/** Prints a page with the key only, through the system print dialog. */
function printKey(groups: string[]) {
  document.getElementById('recovery-print-view')?.remove();
  const view = h(
    'div#recovery-print-view',
    {},
    h('h1', {}, 'Twofold recovery key'),
    h('p', {}, 'Keep this page somewhere safe. It opens your Twofold vault without the system keyring.'),
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
