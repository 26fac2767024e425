// Settings → Backups: automatic encrypted backups after every change (turn on with a folder, how
// many to keep and a password typed twice; off; "Back up now"; the last backup written and the
// last failure), and "Restore from backup": a .twofold file, its password, then Merge or Replace
// (Replace asks first). The password goes to Rust once; a key derived from it stays in the vault.
import type { BackupView } from '../../bindings/BackupView';
import type { RestoreModeView } from '../../bindings/RestoreModeView';
import { confirmDialog, openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { errorBox, showError } from '../../components/steps';
import { showToast } from '../../components/toast';
import { backupNow, backupOff, backupOn, backupRestore, backupStatus } from '../../ipc/commands';
import { onBackupWritten } from '../../ipc/events';
import { backupSummary } from './backup-format';

/** Toasts every failed automatic backup, wherever the user is. Returns the unsubscribe. */
export function watchBackups(): () => void {
  return onBackupWritten((p) => {
    if (p.error) showToast(`Automatic backup failed: ${p.error}`, 'error', 8000);
  });
}

/** The Backups section: its element and a `dispose` that stops listening. */
export function createBackupsSection(): { el: HTMLElement; dispose: () => void } {
  const status = h('p#backup-status', { role: 'status' });
  const problem = h('p.form-error#backup-problem', { role: 'alert', hidden: true });
  const err = errorBox('backup-error');
  const body = h('div#backup-body');
  const el = h(
    'section.settings-section#settings-backups',
    {},
    h('h3', {}, 'Backups'),
    h('p.hint', {}, 'After every change, an encrypted backup of all accounts goes into a folder of your choice (another disk, a synced folder). It opens with the backup password in Twofold or with twofold import.'),
    status,
    problem,
    body,
    err,
    h('div.settings-actions', {}, h('button.btn#backup-restore-open', { type: 'button', onclick: () => openRestoreDialog(() => void load()) }, 'Restore from backup…')),
  );

  const render = (v: BackupView) => {
    el.dataset.on = String(v.on);
    status.textContent = backupSummary(v, new Date());
    if (v.last) status.dataset.file = v.last.path;
    else delete status.dataset.file;
    problem.textContent = v.problem ? `The last backup failed: ${v.problem}` : '';
    problem.hidden = !v.problem;
    body.replaceChildren(v.on ? onControls() : offForm());
  };
  const load = () =>
    backupStatus()
      .then(render)
      .catch((e) => showError(err, e));
  const run = (p: Promise<BackupView>, button: HTMLButtonElement) => {
    err.hidden = true;
    button.disabled = true;
    return p
      .then(render)
      .catch((e) => showError(err, e))
      .finally(() => {
        button.disabled = false;
      });
  };

  function onControls(): HTMLElement {
    const now: HTMLButtonElement = h('button.btn.btn-primary#backup-now', { type: 'button', onclick: () => void run(backupNow(), now) }, 'Back up now');
    const off: HTMLButtonElement = h('button.btn#backup-off', { type: 'button', onclick: () => void run(backupOff(), off) }, 'Turn off');
    return h('div.settings-actions', {}, now, off);
  }

  function offForm(): HTMLElement {
    const folder = h('input#backup-folder', { type: 'text', placeholder: '/home/me/Backups or ~/Backups', autocomplete: 'off', spellcheck: 'false' });
    const keep = h('input#backup-keep', { type: 'number', min: '1', max: '1000', value: '10' });
    const pw = h('input#backup-password', { type: 'password', autocomplete: 'new-password' });
    const pw2 = h('input#backup-password2', { type: 'password', autocomplete: 'new-password' });
    const submit: HTMLButtonElement = h('button.btn.btn-primary#backup-on', { type: 'submit' }, 'Turn on backups');
    const form = h(
      'form#backup-form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          err.hidden = true;
          const n = Number(keep.value);
          if (!folder.value.trim()) return showError(err, { kind: 'invalidInput', message: 'Type the folder backups go into.' });
          if (!Number.isInteger(n) || n < 1) return showError(err, { kind: 'invalidInput', message: 'Keep at least one backup.' });
          if (!pw.value) return showError(err, { kind: 'invalidInput', message: 'Choose a backup password.' });
          if (pw.value !== pw2.value) return showError(err, { kind: 'invalidInput', message: 'The two passwords differ.' });
          const setup = { folder: folder.value, keep: n, password: pw.value };
          pw.value = '';
          pw2.value = '';
          void run(backupOn(setup), submit);
        },
      },
      field('Folder', folder, 'It must exist. Only Twofold’s own backup files in it are ever deleted.'),
      field('Backups to keep', keep),
      field('Backup password', pw, 'Needed to restore. Twofold keeps a key derived from it, not the password.'),
      field('Repeat the password', pw2),
      h('div.settings-actions', {}, submit),
    );
    return form;
  }

  const unlisten = onBackupWritten(() => void load());
  void load();
  return { el, dispose: unlisten };
}

/** "Restore from backup": a file, its password, then Merge or Replace. `onDone` runs after a
 * restore. */
export function openRestoreDialog(onDone: () => void): void {
  const { body, foot, close } = openDialog('restore-dialog', 'Restore from backup', undefined, false);
  const file = h('input#restore-file', { type: 'file', accept: '.twofold,application/json' });
  const pw = h('input#restore-password', { type: 'password', autocomplete: 'off' });
  const err = errorBox('restore-error');
  const result = h('p#restore-result', { role: 'status', hidden: true });
  body.append(
    h('p', {}, 'Merge adds the accounts of the backup this vault lacks. Replace makes the backup’s accounts the vault’s accounts.'),
    field('Backup file', file, 'A .twofold file: an automatic backup, or one from Export.'),
    field('Its password', pw),
    err,
    result,
  );
  const merge: HTMLButtonElement = h('button.btn.btn-primary#restore-merge', { type: 'button', onclick: () => void restore('merge') }, 'Merge');
  const replace: HTMLButtonElement = h('button.btn.btn-danger#restore-replace', { type: 'button', onclick: () => void restore('replace') }, 'Replace…');
  const cancel = h('button.btn#restore-cancel', { type: 'button', onclick: () => close() }, 'Close');
  foot.append(cancel, h('span.spacer'), replace, merge);

  async function restore(mode: RestoreModeView) {
    err.hidden = true;
    result.hidden = true;
    const chosen = file.files?.[0];
    if (!chosen) return showError(err, { kind: 'invalidInput', message: 'Choose the backup file.' });
    if (!pw.value) return showError(err, { kind: 'invalidInput', message: 'Type the backup’s password.' });
    if (mode === 'replace') {
      const ok = await confirmDialog({
        title: 'Replace all accounts?',
        message: 'The current accounts will be replaced by the backup’s. Accounts not in the backup are removed from the vault; the previous state is kept as the vault’s .bak file.',
        confirmLabel: 'Replace',
        danger: true,
      });
      if (!ok) return;
    }
    merge.disabled = true;
    replace.disabled = true;
    try {
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      const r = await backupRestore(bytes, pw.value, mode);
      pw.value = '';
      result.textContent =
        mode === 'merge'
          ? `Restored ${r.added} account${r.added === 1 ? '' : 's'}; ${r.held} already in the vault.`
          : `Replaced: ${r.total} account${r.total === 1 ? '' : 's'} now (${r.removed} removed). The previous state is in the .bak file.`;
      result.dataset.added = String(r.added);
      result.dataset.total = String(r.total);
      result.hidden = false;
      showToast(result.textContent);
      onDone();
    } catch (e) {
      showError(err, e);
    } finally {
      merge.disabled = false;
      replace.disabled = false;
    }
  }
}
