// "Export…": every account into a file, for a backup or another app. Rust renders and writes
// the file (0600); the passwords typed here go to Rust and are cleared from the form.
import type { ExportFormatView } from '../../bindings/ExportFormatView';
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import { exportDefaultPath, exportOptions, exportWrite } from '../../ipc/commands';
import { withOsVerify } from '../vault/os-verify';
import { tr } from '../../i18n/i18n';
import { describe, toIpcError } from '../../ipc/errors';
import { passwordProblem } from './selection';

const t = tr('transfer');
const tc = tr('common');

/** The select's label for a format; a format Rust adds later shows its own title. */
function formatLabel(f: ExportFormatView): string {
  switch (f.name) {
    case 'twofold':
      return t('exportFormat.twofold');
    case 'aegis':
      return t('exportFormat.aegis');
    case 'aegis-plain':
      return t('exportFormat.aegisPlain');
    case 'uri-list':
      return t('exportFormat.uriList');
    case 'html':
      return t('exportFormat.html');
    default:
      return capitalised(f.title);
  }
}

/** What a format is for, under the select; nothing for a format Rust adds later. */
function formatDescription(name: string): string {
  switch (name) {
    case 'twofold':
      return t('exportFormat.twofoldHint');
    case 'aegis':
      return t('exportFormat.aegisHint');
    case 'aegis-plain':
      return t('exportFormat.aegisPlainHint');
    case 'uri-list':
      return t('exportFormat.uriListHint');
    case 'html':
      return t('exportFormat.htmlHint');
    default:
      return '';
  }
}

/** Opens the export dialog. */
export async function openExportDialog(): Promise<void> {
  let options: Awaited<ReturnType<typeof exportOptions>>;
  try {
    options = await exportOptions();
  } catch (e) {
    showToast(describe(e), 'error');
    return;
  }
  const { dialog, body, foot, close } = openDialog('export-dialog', t('export.title'));
  dialog.classList.add('export');
  const formats = options.formats;
  const byName = new Map(formats.map((f) => [f.name, f]));

  const format = h('select#export-format', {});
  for (const f of formats) format.append(h('option', { value: f.name }, formatLabel(f)));
  const formatHint = h('span.hint#export-format-hint', {}, '');

  const warning = h('p.warning#export-warning', { role: 'note' }, '');
  const confirm = h('input#export-confirm', { type: 'checkbox' });
  const confirmLabel = h('span', {}, '');

  const password = h('input#export-password', { type: 'password', autocomplete: 'new-password' });
  const password2 = h('input#export-password2', { type: 'password', autocomplete: 'new-password' });
  const passwords = h(
    'div.field-row#export-passwords',
    {},
    field(t('export.filePassword'), password),
    field(t('export.repeat'), password2),
  );
  const vaultPassword = h('input#export-vault-password', { type: 'password', autocomplete: 'current-password' });
  const vaultField = field(t('export.vaultPassword'), vaultPassword, t('export.vaultPasswordHint'));
  vaultField.hidden = !options.vaultPassword;

  const path = h('input.mono#export-path', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  let pathEdited = false;
  path.addEventListener('input', () => {
    pathEdited = true;
  });
  const replace = h('input#export-replace', { type: 'checkbox' });

  const error = h('div.form-error#export-error', { role: 'alert', hidden: true });
  const form = h(
    'form#export-form',
    {},
    field(t('export.format'), format),
    formatHint,
    passwords,
    vaultField,
    field(t('export.saveTo'), path, t('export.saveToHint')),
    h('label.check#export-replace-label', {}, replace, h('span', {}, t('export.replace'))),
    warning,
    h('label.check#export-confirm-label', {}, confirm, confirmLabel),
    error,
  );
  body.append(form);
  const submit = h('button.btn.btn-primary#export-submit', { type: 'submit', form: 'export-form' }, t('export.submit'));
  foot.append(h('span.spacer'), h('button.btn#export-cancel', { type: 'button', onclick: () => close() }, tc('action.cancel')), submit);

  const chosen = (): ExportFormatView => byName.get(format.value) ?? formats[0];
  const showError = (message: string | null) => {
    error.textContent = message ?? '';
    error.hidden = message === null;
  };

  async function syncFormat() {
    const f = chosen();
    formatHint.textContent = formatDescription(f.name);
    passwords.hidden = !f.encrypted;
    const count = options.accounts;
    warning.textContent = f.encrypted
      ? t('export.warningEncrypted', { count })
      : t('export.warningPlain', { count });
    confirmLabel.textContent = f.encrypted ? t('export.confirmEncrypted') : t('export.confirmPlain');
    confirm.checked = false;
    if (!pathEdited) {
      try {
        path.value = await exportDefaultPath(f.name);
      } catch (e) {
        showError(describe(e));
      }
    }
  }
  format.addEventListener('change', () => void syncFormat());
  await syncFormat();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(null);
    const f = chosen();
    if (f.encrypted) {
      const problem = passwordProblem(password.value, password2.value);
      if (problem) return showError(capitalised(problem));
    }
    if (options.vaultPassword && !vaultPassword.value) return showError(t('export.vaultPasswordFirst'));
    if (!confirm.checked) return showError(t('export.confirmFirst'));
    submit.disabled = true;
    const label = submit.textContent;
    submit.textContent = f.encrypted ? t('export.encrypting') : t('export.writing');
    try {
      // A vault without a password: the system's own dialog confirms it is the user first,
      // where the OS can (Rust asks for that with `notVerified`).
      const done = await withOsVerify(() =>
        exportWrite(
          f.name,
          path.value,
          f.encrypted ? password.value : null,
          options.vaultPassword ? vaultPassword.value : null,
          replace.checked,
        ),
      );
      password.value = '';
      password2.value = '';
      vaultPassword.value = '';
      showToast(t('export.done', { count: done.accounts, path: done.path }), 'info', 6000);
      close();
    } catch (err) {
      const ipc = toIpcError(err);
      showError(describe(ipc));
      if (ipc.kind === 'fileExists') replace.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = label;
    }
  });
  format.focus();
}

function capitalised(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}
