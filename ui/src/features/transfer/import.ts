// "Import from another app": pick or drop an export file, give its password when it has one,
// tick the accounts to add. Rust reads the file and keeps its secrets; this dialog only ever
// sees names, flags and reasons.
import type { ImportPreview } from '../../bindings/ImportPreview';
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import { importApply, importDiscard, importFormats, importPreview } from '../../ipc/commands';
import { tr } from '../../i18n/i18n';
import { describe, toIpcError } from '../../ipc/errors';
import { digitsLabel, kindLabel, periodLabel } from '../scan/format';
import {
  allSelected,
  duplicateReason,
  importedMessage,
  importFormatTitle,
  importLabel,
  importSummary,
  initialSelection,
  pickedIndices,
  toggled,
} from './selection';

const t = tr('transfer');
const tc = tr('common');

/** Opens the import dialog, reading `file` at once when given (a drop). Resolves true when
 * accounts were added. */
export function openImportDialog(file?: File): Promise<boolean> {
  return new Promise((resolve) => {
    let imported = false;
    let preview: ImportPreview | null = null;
    // Bumped by Cancel and by every new read: a result for an older one is discarded.
    let attempt = 0;
    let bytes: Uint8Array | null = null;
    let fileName = '';
    let selection = new Set<number>();

    const { dialog, body, foot, close } = openDialog('import-dialog', t('import.title'), () => {
      attempt++;
      if (preview) void importDiscard(preview.id);
      resolve(imported);
    });
    dialog.classList.add('import');

    // --- Pick ---
    const fileInput = h('input#import-file', { type: 'file', hidden: true });
    const chooseBtn = h('button.btn.btn-primary#import-choose', { type: 'button' }, t('import.choose'));
    const formatSelect = h('select#import-format', {}, h('option', { value: '' }, t('import.autoDetect')));
    void importFormats().then((formats) => {
      for (const f of formats) formatSelect.append(h('option', { value: f.name }, importFormatTitle(f.name, f.title)));
    });
    const formatBox = h(
      'details.advanced#import-format-box',
      {},
      h('summary', {}, t('import.format')),
      field(t('import.readAs'), formatSelect, t('import.readAsHint')),
    );
    const drop = h(
      'div.import-drop#import-drop',
      {},
      h('p', {}, t('import.drop')),
      h('p.muted', {}, t('import.apps')),
      chooseBtn,
      fileInput,
    );
    const pickPane = h('div#import-pick', {}, drop, formatBox);

    // --- Busy ---
    const busyText = h('span#import-busy-text', {}, t('import.reading'));
    const busyPane = h('div.import-busy#import-busy', { hidden: true, role: 'status' }, h('span.spinner', { 'aria-hidden': 'true' }), busyText);

    // --- Password ---
    const password = h('input#import-password', { type: 'password', autocomplete: 'off' });
    const passwordLabel = h('p#import-password-prompt', {}, '');
    const passwordForm = h(
      'form#import-password-form',
      { hidden: true },
      passwordLabel,
      field(t('import.password'), password, t('import.passwordHint')),
    );

    // --- List ---
    const summary = h('p#import-summary', {}, '');
    const selectAll = h('button.btn.btn-ghost#import-select-all', { type: 'button' }, t('import.selectAll'));
    const selectNone = h('button.btn.btn-ghost#import-select-none', { type: 'button' }, t('import.selectNone'));
    const list = h('ul.scan-accounts.import-list#import-list');
    const problems = h('div#import-problems', { hidden: true });
    const listPane = h(
      'div#import-preview',
      { hidden: true },
      summary,
      h('div.import-select', {}, selectAll, selectNone),
      list,
      problems,
    );

    const error = h('div.form-error#import-error', { role: 'alert', hidden: true });
    body.append(pickPane, busyPane, passwordForm, listPane, error);

    const cancel = h('button.btn#import-cancel', { type: 'button' }, tc('action.cancel'));
    const unlock = h('button.btn.btn-primary#import-unlock', { type: 'submit', form: 'import-password-form', hidden: true }, t('import.open'));
    const apply = h('button.btn.btn-primary#import-apply', { type: 'button', hidden: true }, t('import.apply'));
    foot.append(h('span.spacer'), cancel, unlock, apply);

    type Stage = 'pick' | 'busy' | 'password' | 'list';
    let stage: Stage = 'pick';
    const show = (s: Stage) => {
      stage = s;
      pickPane.hidden = s !== 'pick';
      busyPane.hidden = s !== 'busy';
      passwordForm.hidden = s !== 'password';
      listPane.hidden = s !== 'list';
      unlock.hidden = s !== 'password';
      apply.hidden = s !== 'list';
      cancel.textContent = s === 'busy' ? tc('action.cancel') : s === 'pick' ? tc('action.close') : t('import.back');
      if (s === 'password') password.focus();
    };
    const showError = (message: string | null) => {
      error.textContent = message ?? '';
      error.hidden = message === null;
    };

    cancel.addEventListener('click', () => {
      if (stage === 'pick') return close();
      // Cancel while reading: the result, when it comes, is thrown away.
      attempt++;
      forgetPreview();
      password.value = '';
      showError(null);
      show('pick');
    });

    function forgetPreview() {
      if (preview) void importDiscard(preview.id);
      preview = null;
    }

    async function read(pw: string | null) {
      if (!bytes) return;
      const mine = ++attempt;
      forgetPreview();
      showError(null);
      busyText.textContent = pw === null ? t('import.readingFile', { name: fileName }) : t('import.decrypting');
      show('busy');
      try {
        const result = await importPreview(bytes, formatSelect.value || null, pw);
        if (mine !== attempt) {
          // Cancelled (or closed) while reading: Rust drops the secrets now.
          void importDiscard(result.id);
          return;
        }
        password.value = '';
        preview = result;
        showList(result);
      } catch (e) {
        if (mine !== attempt) return;
        const err = toIpcError(e);
        switch (err.kind) {
          case 'exportPasswordNeeded':
            passwordLabel.textContent = t('import.encrypted', { name: fileName });
            show('password');
            break;
          case 'exportWrongPassword':
            showError(t('import.wrongPassword'));
            show('password');
            password.select();
            break;
          case 'unknownExport':
            formatBox.open = true;
            showError(t('import.unknown', { name: fileName, error: describe(err) }));
            show('pick');
            formatSelect.focus();
            break;
          default:
            showError(t('import.failed', { name: fileName, error: describe(err) }));
            show('pick');
        }
      }
    }

    async function open(f: File) {
      fileName = f.name;
      bytes = new Uint8Array(await f.arrayBuffer());
      await read(null);
    }

    function paintApply() {
      apply.textContent = importLabel(selection.size);
      apply.disabled = selection.size === 0;
    }

    function showList(p: ImportPreview) {
      selection = initialSelection(p.entries);
      const dupes = p.entries.filter((e) => duplicateReason(e) !== null).length;
      summary.textContent = importSummary(
        fileName,
        importFormatTitle(p.format, p.formatTitle),
        p.entries.length,
        dupes,
        p.skipped.length,
      );
      const ticks: HTMLInputElement[] = [];
      list.replaceChildren(
        ...p.entries.map((e) => {
          const reason = duplicateReason(e);
          const tick = h('input.scan-tick.import-tick', {
            type: 'checkbox',
            checked: selection.has(e.index),
            'aria-label': t('import.tick', { name: e.name }),
            'data-index': e.index,
          });
          tick.addEventListener('change', () => {
            selection = toggled(selection, e.index, tick.checked);
            paintApply();
          });
          ticks.push(tick);
          const every = e.kind === 'totp' ? ` · ${periodLabel(e.period)}` : '';
          return h(
            'li.scan-account.import-entry',
            { 'data-name': e.name, 'data-duplicate': reason !== null },
            tick,
            h(
              'div.scan-account-meta',
              {},
              h('span.account-issuer', {}, e.issuer || e.account || e.name),
              h('span.account-name', {}, e.issuer ? e.account : ''),
              h('span.muted', {}, `${kindLabel(e.kind)} · ${digitsLabel(e.digits)}${every}`),
              reason ? h('span.badge.badge-warn.import-flag', {}, reason) : null,
            ),
          );
        }),
      );
      const paintTicks = () => {
        for (const t of ticks) t.checked = selection.has(Number(t.dataset.index));
        paintApply();
      };
      selectAll.onclick = () => {
        selection = allSelected(p.entries);
        paintTicks();
      };
      selectNone.onclick = () => {
        selection = new Set();
        paintTicks();
      };
      problems.hidden = p.skipped.length === 0;
      problems.replaceChildren(
        h('h3', {}, t('import.problems')),
        h(
          'ul.import-problems',
          {},
          ...p.skipped.map((s) =>
            h(
              'li',
              {},
              h('strong', {}, s.label ? t('import.entryLabel', { entry: s.entry, label: s.label }) : t('import.entry', { entry: s.entry })),
              s.reason,
            ),
          ),
        ),
      );
      paintApply();
      show('list');
    }

    apply.addEventListener('click', async () => {
      if (!preview) return;
      apply.disabled = true;
      showError(null);
      try {
        const done = await importApply(preview.id, pickedIndices(selection));
        preview = null;
        imported = done.imported > 0;
        showToast(importedMessage(done));
        close();
      } catch (e) {
        showError(describe(e));
        paintApply();
      }
    });

    passwordForm.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!password.value) return showError(t('import.passwordFirst'));
      void read(password.value);
    });

    chooseBtn.addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
      const f = fileInput.files?.[0];
      fileInput.value = '';
      if (f) void open(f);
    });
    formatSelect.addEventListener('change', () => {
      // A file that was not recognised is read again as the chosen format.
      if (bytes && stage === 'pick') void read(null);
    });
    dialog.addEventListener('dragover', (e) => {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
        drop.classList.add('drop');
      }
    });
    dialog.addEventListener('dragleave', () => drop.classList.remove('drop'));
    dialog.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('drop');
      const f = e.dataTransfer?.files[0];
      if (f && (stage === 'pick' || stage === 'password')) void open(f);
    });

    show('pick');
    if (file) void open(file);
    else chooseBtn.focus();
  });
}
