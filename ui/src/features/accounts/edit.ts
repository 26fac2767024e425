// Edit dialog (name, issuer, account, tags, favourite, note), plus "Show secret" and "Delete",
// both confirmed.
import type { AccountSummary } from '../../bindings/AccountSummary';
import { confirmDialog, openDialog } from '../../components/dialog';
import { h, icon, ICONS } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import { accountChange, accountQr, accountRemove, accountReveal, accountUpdate } from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { tr } from '../../i18n/i18n';
import { chooseIcon } from '../icons';
import { confirmSecret } from './secret-confirm';

const t = tr('accounts');
const tc = tr('common');

/** Resolves true when the account was changed or deleted. */
export function openEditDialog(account: AccountSummary): Promise<boolean> {
  return new Promise((resolve) => {
    let changed = false;
    let next: (() => Promise<void>) | null = null;
    const { body, foot, close } = openDialog('edit-dialog', t('edit.title'), () => {
      // A follow-up dialog (confirm, reveal) opens only after this one has closed.
      if (next) void next().then(() => resolve(changed));
      else resolve(changed);
    });
    const name = h('input#edit-name', { type: 'text', value: account.name, autocomplete: 'off' });
    const issuer = h('input#edit-issuer', { type: 'text', value: account.issuer, autocomplete: 'off' });
    const acct = h('input#edit-account', { type: 'text', value: account.account, autocomplete: 'off' });
    const tags = h('input#edit-tags', { type: 'text', value: account.tags.join(', '), autocomplete: 'off', placeholder: t('edit.tagsPlaceholder') });
    const favourite = h('input#edit-favourite', { type: 'checkbox' }) as HTMLInputElement;
    favourite.checked = account.favourite;
    const note = h('textarea#edit-note', { rows: 3, maxlength: 2000, placeholder: t('edit.notePlaceholder') }) as HTMLTextAreaElement;
    note.value = account.note;
    const error = h('div.form-error#edit-error', { role: 'alert', hidden: true });
    const kindLabel =
      account.kind === 'hotp'
        ? t('edit.kindHotp', { counter: account.counter })
        : account.kind === 'steam'
          ? 'Steam Guard'
          : t('edit.kindTotp', { period: account.period });
    const form = h(
      'form#edit-form',
      {},
      h('div.field-row', {}, field(t('field.issuer'), issuer), field(t('field.account'), acct)),
      field(t('field.name'), name, t('edit.nameHint')),
      field(t('edit.tags'), tags, t('edit.tagsHint')),
      h('label.check', { for: 'edit-favourite' }, favourite, t('edit.favourite')),
      field(t('edit.note'), note),
      h('p.hint', { style: 'color:var(--muted);font-size:12px' }, t('edit.details', { kind: kindLabel, algorithm: account.algorithm, count: account.digits })),
      error,
    );
    body.append(form);

    const save = h('button.btn.btn-primary#edit-submit', { type: 'submit', form: 'edit-form' }, tc('action.save'));
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
        tc('action.delete'),
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
        t('reveal.confirm'),
      ),
      h(
        'button.btn#edit-icon',
        {
          type: 'button',
          title: t('edit.iconTitle'),
          onclick: () => {
            next = () =>
              iconFlow(account).then((saved) => {
                if (saved) changed = true;
              });
            close();
          },
        },
        t('edit.icon'),
      ),
      h(
        'button.btn#edit-qr',
        {
          type: 'button',
          title: t('edit.qrTitle'),
          onclick: () => {
            next = () => qrFlow(account);
            close();
          },
        },
        icon(ICONS.qr),
        t('edit.qr'),
      ),
      h('span.spacer'),
      h('button.btn#edit-cancel', { type: 'button', onclick: () => close() }, tc('action.cancel')),
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
            .map((tag) => tag.trim())
            .filter(Boolean),
          favourite: favourite.checked === account.favourite ? null : favourite.checked,
          note: note.value.trim() === account.note ? null : note.value,
          icon: null,
        });
        changed = true;
        showToast(t('edit.saved'));
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
    title: t('delete.title'),
    message: t('delete.message', { label: label(account) }),
    confirmLabel: tc('action.delete'),
    danger: true,
  });
  if (!ok) return false;
  try {
    await accountRemove(account.id);
    showToast(t('delete.done'));
    return true;
  } catch (e) {
    showToast(describe(e), 'error');
    return false;
  }
}

async function revealFlow(account: AccountSummary): Promise<void> {
  try {
    const revealed = await confirmSecret({
      title: t('reveal.title'),
      message: t('reveal.message', { label: label(account) }),
      confirmLabel: t('reveal.confirm'),
      fetch: (password) => accountReveal(account.id, password),
    });
    if (!revealed) return;
    const { body, foot, close } = openDialog('reveal-dialog', label(account), () => {
      // Drop the secret from the DOM as soon as the dialog closes.
      body.replaceChildren();
    });
    body.append(
      h('div.field', {}, h('span.label', {}, t('field.secret'))),
      h('div.secret-box.big#reveal-secret', {}, revealed.secret.replace(/(.{4})(?=.)/g, '$1 ')),
      h('div.field', {}, h('span.label', {}, t('field.uri'))),
      h('div.secret-box#reveal-uri', {}, revealed.uri),
      h('p.warning', {}, t('reveal.warning')),
    );
    const done = h('button.btn.btn-primary#reveal-close', { type: 'button', onclick: () => close() }, tc('action.done'));
    foot.append(done);
    done.focus();
  } catch (e) {
    showToast(describe(e), 'error');
  }
}

async function qrFlow(account: AccountSummary): Promise<void> {
  try {
    const qr = await confirmSecret({
      title: t('qr.title'),
      message: t('qr.message', { label: label(account) }),
      confirmLabel: t('qr.confirm'),
      fetch: (password) => accountQr(account.id, password),
    });
    if (!qr) return;
    const { body, foot, close } = openDialog('qr-dialog', label(account), () => {
      // Drop the secret from the DOM as soon as the dialog closes.
      body.replaceChildren();
    });
    body.append(
      h('p', {}, t('qr.intro')),
      h('img.qr.account-qr#account-qr', {
        src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.svg)}`,
        alt: t('qr.alt', { name: qr.name }),
        width: 264,
        height: 264,
      }),
      h('p.warning', {}, t('qr.warning')),
    );
    const done = h('button.btn.btn-primary#qr-close', { type: 'button', onclick: () => close() }, tc('action.done'));
    foot.append(done);
    done.focus();
  } catch (e) {
    showToast(describe(e), 'error');
  }
}

/** The icon chooser; the choice is saved at once. Resolves true when it changed. */
async function iconFlow(account: AccountSummary): Promise<boolean> {
  const choice = await chooseIcon(account.icon, account.issuer);
  if (choice === null || choice === account.icon) return false;
  try {
    await accountUpdate(account.id, accountChange({ icon: choice }));
    showToast(t('edit.iconSaved'));
    return true;
  } catch (e) {
    showToast(describe(e), 'error');
    return false;
  }
}
