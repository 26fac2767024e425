// The Add account dialog: "Paste link" (otpauth:// URI) or "Enter secret" (manual fields).
import type { AccountSummary } from '../../bindings/AccountSummary';
import type { AlgorithmView } from '../../bindings/AlgorithmView';
import type { OtpKindView } from '../../bindings/OtpKindView';
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import { accountAddFromUri, accountAddManual } from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { tr } from '../../i18n/i18n';

const t = tr('accounts');
const tc = tr('common');

type Tab = 'uri' | 'manual';

function select<T extends string>(id: string, options: [T, string][], value: T): HTMLSelectElement {
  const s = h('select', { id });
  for (const [v, label] of options) s.append(h('option', { value: v, selected: v === value }, label));
  return s;
}

/** Resolves with the new account, or null when the user cancels. `onImport` opens "Import
 * from another app" (the dialog closes first). */
export function openAddDialog(onImport?: () => void): Promise<AccountSummary | null> {
  return new Promise((resolve) => {
    let created: AccountSummary | null = null;
    const { body, foot, close } = openDialog('add-dialog', t('add.title'), () => resolve(created));

    // --- Paste link ---
    const uri = h('textarea#uri-input', {
      placeholder: 'otpauth://totp/Example:alice@example.com?secret=…&issuer=Example',
      spellcheck: 'false',
      autocomplete: 'off',
      rows: 3,
    });
    const uriName = h('input#uri-name', { type: 'text', placeholder: t('add.optional'), autocomplete: 'off' });
    const uriPane = h(
      'div#pane-uri',
      { role: 'tabpanel' },
      field(t('field.uri'), uri, t('add.uriHint')),
      field(t('field.name'), uriName, t('add.nameHint')),
    );

    // --- Enter secret ---
    const issuer = h('input#manual-issuer', { type: 'text', placeholder: t('add.issuerPlaceholder'), autocomplete: 'off' });
    const account = h('input#manual-account', { type: 'text', placeholder: t('add.accountPlaceholder'), autocomplete: 'off' });
    const secret = h('input.mono#manual-secret', {
      type: 'text',
      placeholder: 'JBSW Y3DP EHPK 3PXP',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    const kind = select<OtpKindView>('manual-kind', [
        ['totp', t('add.kindTotp')],
        ['hotp', t('add.kindHotp')],
        ['steam', 'Steam Guard'],
      ], 'totp');
    const algorithm = select<AlgorithmView>('manual-algorithm', [['SHA1', 'SHA-1'], ['SHA256', 'SHA-256'], ['SHA512', 'SHA-512']], 'SHA1');
    const digits = h('input#manual-digits', { type: 'number', min: 6, max: 10, value: 6 });
    const period = h('input#manual-period', { type: 'number', min: 1, max: 86400, value: 30 });
    const counter = h('input#manual-counter', { type: 'number', min: 0, value: 0 });
    const periodField = field(t('field.period'), period);
    const counterField = field(t('field.counter'), counter);
    const digitsField = field(t('field.digits'), digits);
    const algorithmField = field(t('field.algorithm'), algorithm);
    const syncKind = () => {
      const k = kind.value as OtpKindView;
      periodField.hidden = k !== 'totp';
      counterField.hidden = k !== 'hotp';
      digitsField.hidden = k === 'steam';
      algorithmField.hidden = k === 'steam';
    };
    kind.addEventListener('change', syncKind);
    syncKind();
    const manualPane = h(
      'div#pane-manual',
      { role: 'tabpanel', hidden: true },
      h('div.field-row', {}, field(t('field.issuer'), issuer), field(t('field.account'), account)),
      field(t('field.secret'), secret, t('add.secretHint')),
      h(
        'details.advanced',
        {},
        h('summary', {}, t('add.advanced')),
        h('div.field-row', {}, field(t('field.type'), kind), algorithmField),
        h('div.field-row.three', {}, digitsField, periodField, counterField),
      ),
    );

    // --- Tabs ---
    let tab: Tab = 'uri';
    const tabUri = h('button.tab#tab-uri', { type: 'button', role: 'tab' }, t('add.tabUri'));
    const tabManual = h('button.tab#tab-manual', { type: 'button', role: 'tab' }, t('add.tabManual'));
    const setTab = (next: Tab) => {
      tab = next;
      tabUri.setAttribute('aria-selected', String(next === 'uri'));
      tabManual.setAttribute('aria-selected', String(next === 'manual'));
      uriPane.hidden = next !== 'uri';
      manualPane.hidden = next !== 'manual';
      error.hidden = true;
      (next === 'uri' ? uri : issuer).focus();
    };
    tabUri.addEventListener('click', () => setTab('uri'));
    tabManual.addEventListener('click', () => setTab('manual'));

    const error = h('div.form-error#add-error', { role: 'alert', hidden: true });
    const form = h('form#add-form', {}, h('div.tabs', { role: 'tablist' }, tabUri, tabManual), uriPane, manualPane, error);
    body.append(form);

    const submit = h('button.btn.btn-primary#add-submit', { type: 'submit', form: 'add-form' }, t('add.submit'));
    const importBtn = onImport
      ? h(
          'button.btn.btn-ghost#add-import',
          {
            type: 'button',
            title: t('add.importTitle'),
            onclick: () => {
              close();
              onImport();
            },
          },
          t('add.import'),
        )
      : null;
    if (importBtn) foot.append(importBtn);
    foot.append(h('span.spacer'), h('button.btn#add-cancel', { type: 'button', onclick: () => close() }, tc('action.cancel')), submit);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      // Said here, in the user's language, before anything goes to Rust.
      const missing =
        tab === 'uri' ? (uri.value.trim() ? null : t('add.needUri')) : secret.value.trim() ? null : t('add.needSecret');
      if (missing) {
        error.textContent = missing;
        error.hidden = false;
        return;
      }
      submit.disabled = true;
      try {
        if (tab === 'uri') {
          created = await accountAddFromUri(uri.value.trim(), uriName.value.trim() || null);
        } else {
          created = await accountAddManual({
            issuer: issuer.value.trim(),
            account: account.value.trim(),
            secret: secret.value,
            kind: kind.value as OtpKindView,
            algorithm: algorithm.value as AlgorithmView,
            digits: Number(digits.value),
            period: Number(period.value),
            counter: Number(counter.value),
          });
        }
        // The secret was sent once; do not keep it in the DOM.
        uri.value = '';
        secret.value = '';
        showToast(t('add.added', { name: created.issuer || created.name }));
        close();
      } catch (err) {
        error.textContent = describe(err);
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    // Ctrl+Enter submits from the multi-line link field.
    uri.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || !e.shiftKey)) {
        e.preventDefault();
        form.requestSubmit();
      }
    });

    setTab('uri');
  });
}
