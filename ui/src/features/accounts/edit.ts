// Edit dialog (name, issuer, account, tags, favourite, note), plus "Show secret" and "Delete",
// both confirmed.
import type { AccountSummary } from '../../bindings/AccountSummary';
import { confirmDialog, openDialog } from '../../components/dialog';
import { h, icon, ICONS } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import { accountQr, accountRemove, accountReveal, accountUpdate } from '../../ipc/commands';
import { describe } from '../../ipc/errors';

/** Resolves true when the account was changed or deleted. */
export function openEditDialog(account: AccountSummary): Promise<boolean> {
  return new Promise((resolve) => {
    let changed = false;
    let next: (() => Promise<void>) | null = null;
    const { body, foot, close } = openDialog('edit-dialog', 'Edit account', () => {
      // A follow-up dialog (confirm, reveal) opens only after this one has closed.
      if (next) void next().then(() => resolve(changed));
      else resolve(changed);
    });
    const name = h('input#edit-name', { type: 'text', value: account.name, autocomplete: 'off' });
    const issuer = h('input#edit-issuer', { type: 'text', value: account.issuer, autocomplete: 'off' });
    const acct = h('input#edit-account', { type: 'text', value: account.account, autocomplete: 'off' });
    const tags = h('input#edit-tags', { type: 'text', value: account.tags.join(', '), autocomplete: 'off', placeholder: 'work, personal' });
    const favourite = h('input#edit-favourite', { type: 'checkbox' }) as HTMLInputElement;
    favourite.checked = account.favourite;
    const note = h('textarea#edit-note', { rows: 3, maxlength: 2000, placeholder: 'Where the recovery codes are, which phone has it too' }) as HTMLTextAreaElement;
    note.value = account.note;
    const error = h('div.form-error#edit-error', { role: 'alert', hidden: true });
    const kindLabel = account.kind === 'hotp' ? `HOTP · counter ${account.counter}` : account.kind === 'steam' ? 'Steam Guard' : `TOTP · ${account.period} s`;
    const form = h(
      'form#edit-form',
      {},
      h('div.field-row', {}, field('Issuer', issuer), field('Account', acct)),
      field('Name', name, 'Unique; the twofold CLI finds accounts by this name.'),
      field('Tags', tags, 'Comma-separated; search matches them, and the list can be filtered by one.'),
      h('label.check', { for: 'edit-favourite' }, favourite, 'Favourite: pinned to the top and in the tray menu'),
      field('Note', note),
      h('p.hint', { style: 'color:var(--muted);font-size:12px' }, `${kindLabel} · ${account.algorithm} · ${account.digits} digits`),
      error,
    );
    body.append(form);

    const save = h('button.btn.btn-primary#edit-submit', { type: 'submit', form: 'edit-form' }, 'Save');
    foot.append(
      h(
        'button.btn.btn-danger#edit-delete',
        {
          type: 'button',
          onclick: () => {
            next = () =>
              deleteFlow(account).then((deleted) => {
                if (deleted) changed = true;
              });
            close();
          },
        },
        icon(ICONS.trash),
        'Delete',
      ),
      h(
        'button.btn#edit-reveal',
        {
          type: 'button',
          onclick: () => {
            next = () => revealFlow(account);
            close();
          },
        },
        icon(ICONS.eye),
        'Show secret',
      ),
      h(
        'button.btn#edit-qr',
        {
          type: 'button',
          title: 'Show a QR code to move this account to a phone',
          onclick: () => {
            next = () => qrFlow(account);
            close();
          },
        },
        icon(ICONS.qr),
        'QR code',
      ),
      h('span.spacer'),
      h('button.btn#edit-cancel', { type: 'button', onclick: () => close() }, 'Cancel'),
      save,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      save.disabled = true;
      try {
        await accountUpdate(account.id, {
          name: name.value.trim() === account.name ? null : name.value.trim(),
          issuer: issuer.value.trim() === account.issuer ? null : issuer.value.trim(),
          account: acct.value.trim() === account.account ? null : acct.value.trim(),
          tags: tags.value
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
          favourite: favourite.checked === account.favourite ? null : favourite.checked,
          note: note.value.trim() === account.note ? null : note.value,
        });
        changed = true;
        showToast('Saved');
        close();
      } catch (err) {
        error.textContent = describe(err);
        error.hidden = false;
      } finally {
        save.disabled = false;
      }
    });
    name.focus();
  });
}

function label(a: AccountSummary): string {
  return a.issuer ? `${a.issuer} (${a.account || a.name})` : a.name;
}

async function deleteFlow(account: AccountSummary): Promise<boolean> {
  const ok = await confirmDialog({
    title: 'Delete account?',
    message: `“${label(account)}” will be removed from this vault. Make sure you can still sign in to the service another way, this cannot be undone.`,
    confirmLabel: 'Delete',
    danger: true,
  });
  if (!ok) return false;
  try {
    await accountRemove(account.id);
    showToast('Account deleted');
    return true;
  } catch (e) {
    showToast(describe(e), 'error');
    return false;
  }
}

async function revealFlow(account: AccountSummary): Promise<void> {
  const ok = await confirmDialog({
    title: 'Show the secret key?',
    message: `Anyone who sees the secret key of “${label(account)}” can generate its codes. Make sure nobody is watching your screen.`,
    confirmLabel: 'Show secret',
  });
  if (!ok) return;
  try {
    const revealed = await accountReveal(account.id);
    const { body, foot, close } = openDialog('reveal-dialog', label(account), () => {
      // Drop the secret from the DOM as soon as the dialog closes.
      body.replaceChildren();
    });
    body.append(
      h('div.field', {}, h('span.label', {}, 'Secret key')),
      h('div.secret-box.big#reveal-secret', {}, revealed.secret.replace(/(.{4})(?=.)/g, '$1 ')),
      h('div.field', {}, h('span.label', {}, 'otpauth:// link')),
      h('div.secret-box#reveal-uri', {}, revealed.uri),
      h('p.warning', {}, 'Keep this private. Close this window when you are done.'),
    );
    const done = h('button.btn.btn-primary#reveal-close', { type: 'button', onclick: () => close() }, 'Done');
    foot.append(done);
    done.focus();
  } catch (e) {
    showToast(describe(e), 'error');
  }
}

async function qrFlow(account: AccountSummary): Promise<void> {
  const ok = await confirmDialog({
    title: 'Show the QR code?',
    message: `The QR code of “${label(account)}” holds its secret key: anyone who scans it can generate its codes. Make sure nobody is watching your screen.`,
    confirmLabel: 'Show QR code',
  });
  if (!ok) return;
  try {
    const qr = await accountQr(account.id);
    const { body, foot, close } = openDialog('qr-dialog', label(account), () => {
      // Drop the secret from the DOM as soon as the dialog closes.
      body.replaceChildren();
    });
    body.append(
      h('p', {}, 'In the authenticator app on your phone, add an account and scan this code.'),
      h('img.qr.account-qr#account-qr', {
        src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.svg)}`,
        alt: `QR code of ${qr.name}`,
        width: 264,
        height: 264,
      }),
      h('p.warning', {}, 'Keep this private. Close this window when the phone shows the account.'),
    );
    const done = h('button.btn.btn-primary#qr-close', { type: 'button', onclick: () => close() }, 'Done');
    foot.append(done);
    done.focus();
  } catch (e) {
    showToast(describe(e), 'error');
  }
}
