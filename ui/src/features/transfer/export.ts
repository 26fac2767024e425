// "Export…": every account into a file, for a backup or another app. Rust renders and writes
// the file (0600); the passwords typed here go to Rust and are cleared from the form.
import type { ExportFormatView } from '../../bindings/ExportFormatView';
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import { exportDefaultPath, exportOptions, exportWrite } from '../../ipc/commands';
import { describe, toIpcError } from '../../ipc/errors';
import { passwordProblem, plural } from './selection';

/** The select's labels; a format Rust adds later shows its own title. */
const LABELS: Record<string, string> = {
  twofold: 'Twofold backup (encrypted)',
  aegis: 'Aegis export (encrypted)',
  'aegis-plain': 'Aegis export (plain)',
  'uri-list': 'otpauth:// link list (plain)',
  html: 'Printable page with QR codes (plain)',
};

const DESCRIPTIONS: Record<string, string> = {
  twofold: 'Encrypted. Twofold restores it with Import.',
  aegis: 'Encrypted. Aegis, Ente Auth, 2FAS and GNOME Authenticator read it.',
  'aegis-plain': 'Not encrypted. For apps that cannot read the encrypted Aegis file.',
  'uri-list': 'Not encrypted. One otpauth:// link per line; most authenticators read it.',
  html: 'Not encrypted. A page with a QR code per account, to print for a paper backup.',
};

/** Opens the export dialog. */
export async function openExportDialog(): Promise<void> {
  let options: Awaited<ReturnType<typeof exportOptions>>;
  try {
    options = await exportOptions();
  } catch (e) {
    showToast(describe(e), 'error');
    return;
  }
  const { dialog, body, foot, close } = openDialog('export-dialog', 'Export accounts');
  dialog.classList.add('export');
  const formats = options.formats;
  const byName = new Map(formats.map((f) => [f.name, f]));

  const format = h('select#export-format', {});
  for (const f of formats) format.append(h('option', { value: f.name }, LABELS[f.name] ?? capitalised(f.title)));
  const formatHint = h('span.hint#export-format-hint', {}, '');

  const warning = h('p.warning#export-warning', { role: 'note' }, '');
  const confirm = h('input#export-confirm', { type: 'checkbox' });
  const confirmLabel = h('span', {}, '');

  const password = h('input#export-password', { type: 'password', autocomplete: 'new-password' });
  const password2 = h('input#export-password2', { type: 'password', autocomplete: 'new-password' });
  const passwords = h(
    'div.field-row#export-passwords',
    {},
    field('File password', password),
    field('Repeat it', password2),
  );
  const vaultPassword = h('input#export-vault-password', { type: 'password', autocomplete: 'current-password' });
  const vaultField = field('Vault password', vaultPassword, 'Twofold asks for it again before it writes every secret out.');
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
    field('Format', format),
    formatHint,
    passwords,
    vaultField,
    field('Save to', path, 'The full path of the new file; only you can read it.'),
    h('label.check#export-replace-label', {}, replace, h('span', {}, 'Replace the file if it exists')),
    warning,
    h('label.check#export-confirm-label', {}, confirm, confirmLabel),
    error,
  );
  body.append(form);
  const submit = h('button.btn.btn-primary#export-submit', { type: 'submit', form: 'export-form' }, 'Export');
  foot.append(h('span.spacer'), h('button.btn#export-cancel', { type: 'button', onclick: () => close() }, 'Cancel'), submit);

  const chosen = (): ExportFormatView => byName.get(format.value) ?? formats[0];
  const showError = (message: string | null) => {
    error.textContent = message ?? '';
    error.hidden = message === null;
  };

  async function syncFormat() {
    const f = chosen();
    formatHint.textContent = DESCRIPTIONS[f.name] ?? '';
    passwords.hidden = !f.encrypted;
    const count = plural(options.accounts, 'account');
    warning.textContent = f.encrypted
      ? `The file holds the secret of every account (${count}). Anyone with the file and its password can make your codes.`
      : `The file is NOT encrypted and holds the secret of every account (${count}): anyone who reads it can make your codes. Delete it once it has served.`;
    confirmLabel.textContent = f.encrypted
      ? 'I understand the file holds every secret'
      : 'I understand the file holds every secret, unencrypted';
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
    if (options.vaultPassword && !vaultPassword.value) return showError('Type the vault password.');
    if (!confirm.checked) return showError('Tick the box to confirm the file may hold every secret.');
    submit.disabled = true;
    const label = submit.textContent;
    submit.textContent = f.encrypted ? 'Encrypting…' : 'Writing…';
    try {
      const done = await exportWrite(
        f.name,
        path.value,
        f.encrypted ? password.value : null,
        options.vaultPassword ? vaultPassword.value : null,
        replace.checked,
      );
      password.value = '';
      password2.value = '';
      vaultPassword.value = '';
      showToast(`Exported ${plural(done.accounts, 'account')} to ${done.path}`, 'info', 6000);
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
