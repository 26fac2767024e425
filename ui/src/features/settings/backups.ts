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
import { tr } from '../../i18n/i18n';
import { onBackupWritten } from '../../ipc/events';
import { backupSummary } from './backup-format';

const t = tr('settings');
const tc = tr('common');

/** Toasts every failed automatic backup, wherever the user is. Returns the unsubscribe. */
export function watchBackups(): () => void {
  return onBackupWritten((p) => {
    if (p.error) showToast(t('backups.autoFailed', { error: p.error }), 'error', 8000);
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
    h('h3', {}, t('backups.heading')),
    h('p.hint', {}, t('backups.hint')),
    status,
    problem,
    body,
    err,
    h('div.settings-actions', {}, h('button.btn#backup-restore-open', { type: 'button', onclick: () => openRestoreDialog(() => void load()) }, t('backups.restoreOpen'))),
  );

  const render = (v: BackupView) => {
    el.dataset.on = String(v.on);
    status.textContent = backupSummary(v, new Date());
    if (v.last) status.dataset.file = v.last.path;
    else delete status.dataset.file;
    problem.textContent = v.problem ? t('backups.lastFailed', { problem: v.problem }) : '';
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
    const now: HTMLButtonElement = h('button.btn.btn-primary#backup-now', { type: 'button', onclick: () => void run(backupNow(), now) }, t('backups.now'));
    const off: HTMLButtonElement = h('button.btn#backup-off', { type: 'button', onclick: () => void run(backupOff(), off) }, t('backups.off'));
    return h('div.settings-actions', {}, now, off);
  }

  function offForm(): HTMLElement {
    const folder = h('input#backup-folder', { type: 'text', placeholder: t('backups.folderPlaceholder'), autocomplete: 'off', spellcheck: 'false' });
    const keep = h('input#backup-keep', { type: 'number', min: '1', max: '1000', value: '10' });
    const pw = h('input#backup-password', { type: 'password', autocomplete: 'new-password' });
    const pw2 = h('input#backup-password2', { type: 'password', autocomplete: 'new-password' });
    const submit: HTMLButtonElement = h('button.btn.btn-primary#backup-on', { type: 'submit' }, t('backups.on'));
    const form = h(
      'form#backup-form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          err.hidden = true;
          const n = Number(keep.value);
          if (!folder.value.trim()) return showError(err, { kind: 'invalidInput', message: t('backups.folderMissing') });
          if (!Number.isInteger(n) || n < 1) return showError(err, { kind: 'invalidInput', message: t('backups.keepTooFew') });
          if (!pw.value) return showError(err, { kind: 'invalidInput', message: t('backups.passwordMissing') });
          if (pw.value !== pw2.value) return showError(err, { kind: 'invalidInput', message: t('backups.passwordsDiffer') });
          const setup = { folder: folder.value, keep: n, password: pw.value };
          pw.value = '';
          pw2.value = '';
          void run(backupOn(setup), submit);
        },
      },
      field(t('backups.folder'), folder, t('backups.folderHint')),
      field(t('backups.keep'), keep),
      field(t('backups.password'), pw, t('backups.passwordHint')),
      field(t('backups.passwordRepeat'), pw2),
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
  const { body, foot, close } = openDialog('restore-dialog', t('restore.title'), undefined, false);
  const file = h('input#restore-file', { type: 'file', accept: '.twofold,application/json' });
  const pw = h('input#restore-password', { type: 'password', autocomplete: 'off' });
  const err = errorBox('restore-error');
  const result = h('p#restore-result', { role: 'status', hidden: true });
  body.append(
    h('p', {}, t('restore.intro')),
    field(t('restore.file'), file, t('restore.fileHint')),
    field(t('restore.password'), pw),
    err,
    result,
  );
  const merge: HTMLButtonElement = h('button.btn.btn-primary#restore-merge', { type: 'button', onclick: () => void restore('merge') }, t('restore.merge'));
  const replace: HTMLButtonElement = h('button.btn.btn-danger#restore-replace', { type: 'button', onclick: () => void restore('replace') }, t('restore.replace'));
  const cancel = h('button.btn#restore-cancel', { type: 'button', onclick: () => close() }, tc('action.close'));
  foot.append(cancel, h('span.spacer'), replace, merge);

  async function restore(mode: RestoreModeView) {
    err.hidden = true;
    result.hidden = true;
    const chosen = file.files?.[0];
    if (!chosen) return showError(err, { kind: 'invalidInput', message: t('restore.fileMissing') });
    if (!pw.value) return showError(err, { kind: 'invalidInput', message: t('restore.passwordMissing') });
    if (mode === 'replace') {
      const ok = await confirmDialog({
        title: t('restore.replaceTitle'),
        message: t('restore.replaceMessage'),
        confirmLabel: t('restore.replaceConfirm'),
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
          ? t('restore.merged', { count: r.added, held: r.held })
          : t('restore.replaced', { count: r.total, removed: r.removed });
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
