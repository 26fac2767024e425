// The scan dialog: read a QR code from the camera (live preview), the screen, an image (open or
// drop) or the clipboard; then preview the account(s) and save the ones the user picks.
// Secrets never come here: Rust keeps the scanned accounts until `scanSave`.
import type { AccountSummary } from '../../bindings/AccountSummary';
import type { CameraEvent } from '../../bindings/CameraEvent';
import type { ScannedAccount } from '../../bindings/ScannedAccount';
import type { ScanResult } from '../../bindings/ScanResult';
import { openDialog } from '../../components/dialog';
import { h, icon, ICONS } from '../../components/dom';
import { showToast } from '../../components/toast';
import {
  scanCameras,
  scanCameraStart,
  scanCameraStop,
  scanClipboard,
  scanDiscard,
  scanImage,
  scanSave,
  scanScreen,
} from '../../ipc/commands';
import { tr } from '../../i18n/i18n';
import { describe, toIpcError } from '../../ipc/errors';
import { describeAccount, exportCodes, foundIn, nextCode } from './format';

const t = tr('scan');
const tc = tr('common');

/** What to read first when the dialog opens. */
export type ScanStart = { kind: 'camera' } | { kind: 'file'; file: File };

/** Opens the scan dialog; resolves with the accounts saved (empty when none). */
export function openScanDialog(start: ScanStart = { kind: 'camera' }): Promise<AccountSummary[]> {
  return new Promise((resolve) => {
    let saved: AccountSummary[] = [];
    let cameraOn = false;
    const { dialog, body, foot, close } = openDialog('scan-dialog', t('title'), () => {
      if (cameraOn) void scanCameraStop();
      void scanDiscard();
      resolve(saved);
    });
    dialog.classList.add('scan');

    // --- Sources ---
    const status = h('p.scan-status#scan-status', { role: 'status' }, '');
    const error = h('div.form-error#scan-error', { role: 'alert', hidden: true });
    const preview = h('img#scan-preview', { alt: t('source.preview'), hidden: true });
    const hint = h(
      'div.scan-hint',
      {},
      icon(ICONS.qr),
      h('span', {}, t('source.hint')),
    );
    const stage = h('div.scan-stage#scan-stage', {}, preview, hint);
    const cameraSelect = h('select#scan-camera', { 'aria-label': t('source.camera'), hidden: true });
    const cameraBtn = h('button.btn#scan-camera-toggle', { type: 'button' }, icon(ICONS.scan), t('source.camera'));
    const screenBtn = h('button.btn#scan-screen', { type: 'button', title: t('source.screenTitle') }, t('source.screen'));
    const fileInput = h('input#scan-file', { type: 'file', accept: 'image/png,image/jpeg,image/webp,image/bmp,image/gif', hidden: true });
    const fileBtn = h('button.btn#scan-open', { type: 'button' }, t('source.open'));
    const pasteBtn = h('button.btn#scan-paste', { type: 'button', title: t('source.pasteTitle') }, t('source.paste'));
    const sources = h(
      'div.scan-sources#scan-sources',
      {},
      stage,
      h('div.scan-buttons', {}, cameraSelect, cameraBtn, screenBtn, fileBtn, pasteBtn, fileInput),
      status,
    );
    const result = h('div#scan-result', { hidden: true });
    body.append(sources, result, error);
    const cancel = h('button.btn#scan-cancel', { type: 'button', onclick: () => close() }, tc('action.close'));
    const again = h('button.btn#scan-again', { type: 'button', hidden: true }, t('again'));
    const save = h('button.btn.btn-primary#scan-save', { type: 'button', hidden: true }, t('add'));
    foot.append(h('span.spacer'), cancel, again, save);

    const showError = (e: unknown) => {
      error.textContent = describe(e);
      error.hidden = false;
    };
    const clearError = () => {
      error.hidden = true;
    };
    const busy = (on: boolean) => {
      for (const b of [screenBtn, fileBtn, pasteBtn]) b.disabled = on;
    };

    // --- Camera ---
    let frames = 0;
    const cameraStopped = (message: string) => {
      cameraOn = false;
      cameraBtn.replaceChildren(icon(ICONS.scan), t('source.camera'));
      stage.classList.remove('live');
      preview.hidden = true;
      hint.hidden = false;
      status.textContent = message;
      status.dataset.camera = 'off';
    };
    const onCamera = (e: CameraEvent) => {
      switch (e.kind) {
        case 'started':
          status.textContent = t('camera.started', { camera: e.camera });
          status.dataset.camera = 'on';
          break;
        case 'frame':
          if (!cameraOn) return;
          frames += 1;
          preview.src = e.url;
          preview.hidden = false;
          hint.hidden = true;
          stage.dataset.frames = String(frames);
          break;
        case 'found':
          cameraStopped(t('camera.found'));
          showResult(e.result);
          break;
        case 'stopped':
          cameraStopped(
            e.reason === 'timedOut' ? t('camera.timedOut') : e.reason === 'ended' ? t('camera.ended') : t('camera.off'),
          );
          break;
        case 'failed':
          cameraStopped(t('camera.off'));
          showError(e.error);
          break;
      }
    };
    const startCamera = async () => {
      clearError();
      const list = await scanCameras();
      if (list.error) {
        status.textContent = '';
        showError(list.error);
        return;
      }
      if (list.cameras.length === 0) {
        status.textContent = t('camera.none');
        status.dataset.camera = 'none';
        return;
      }
      if (cameraSelect.options.length !== list.cameras.length) {
        cameraSelect.replaceChildren(...list.cameras.map((name, i) => h('option', { value: String(i) }, name)));
      }
      cameraSelect.hidden = list.cameras.length < 2;
      cameraOn = true;
      frames = 0;
      cameraBtn.replaceChildren(t('camera.stop'));
      stage.classList.add('live');
      status.textContent = t('camera.starting');
      await scanCameraStart(Number(cameraSelect.value || 0), onCamera);
    };
    cameraBtn.addEventListener('click', () => {
      if (cameraOn) void scanCameraStop();
      else startCamera().catch(showError);
    });
    cameraSelect.addEventListener('change', () => {
      if (cameraOn) void scanCameraStart(Number(cameraSelect.value), onCamera).catch(showError);
    });

    // --- One-shot sources ---
    const oneShot = async (what: string, read: () => Promise<ScanResult>) => {
      clearError();
      if (cameraOn) await scanCameraStop();
      busy(true);
      status.textContent = what;
      try {
        showResult(await read());
        status.textContent = '';
      } catch (e) {
        status.textContent = '';
        showError(e);
      } finally {
        busy(false);
      }
    };
    const readFile = (file: File) =>
      oneShot(t('reading.file', { name: file.name }), async () => scanImage(new Uint8Array(await file.arrayBuffer()), file.name));
    screenBtn.addEventListener('click', () => void oneShot(t('reading.screen'), scanScreen));
    pasteBtn.addEventListener('click', () => void oneShot(t('reading.clipboard'), scanClipboard));
    fileBtn.addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
      const file = fileInput.files?.[0];
      fileInput.value = '';
      if (file) void readFile(file);
    });
    dialog.addEventListener('paste', (e) => {
      if (!result.hidden) return;
      const file = Array.from(e.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
      e.preventDefault();
      void (file ? readFile(file) : oneShot(t('reading.clipboard'), scanClipboard));
    });
    stage.addEventListener('dragover', (e) => {
      e.preventDefault();
      stage.classList.add('drop');
    });
    stage.addEventListener('dragleave', () => stage.classList.remove('drop'));
    stage.addEventListener('drop', (e) => {
      e.preventDefault();
      stage.classList.remove('drop');
      const file = Array.from(e.dataTransfer?.files ?? [])[0];
      if (!file) return showError({ kind: 'qrCode', message: t('dropImage') });
      void readFile(file);
    });

    // --- Result ---
    let current: ScanResult | null = null;
    const rows: { account: ScannedAccount; tick: HTMLInputElement; name: HTMLInputElement }[] = [];
    const updateSave = () => {
      const n = rows.filter((r) => r.tick.checked).length;
      save.disabled = n === 0;
      save.textContent = current?.source === 'googleExport' ? t('addCount', { count: n }) : t('add');
    };
    function showResult(r: ScanResult) {
      current = r;
      rows.length = 0;
      clearError();
      const isExport = r.source === 'googleExport';
      const head = isExport
        ? h(
            'p#scan-summary',
            {},
            r.export && r.export.of > 1
              ? t('summary.exportCodes', { count: r.accounts.length, codes: exportCodes(r.export) })
              : t('summary.export', { count: r.accounts.length }),
          )
        : h('p#scan-summary', {}, foundIn(r.origin));
      const list = h('ul.scan-accounts#scan-accounts');
      for (const a of r.accounts) {
        const tick = h('input.scan-tick', { type: 'checkbox', checked: a.existing === null, 'aria-label': t('row.add', { name: a.name }) });
        const name = h('input.scan-name', { type: 'text', value: a.name, autocomplete: 'off', 'aria-label': t('row.name') });
        tick.hidden = !isExport;
        if (!isExport) tick.checked = true;
        tick.addEventListener('change', updateSave);
        rows.push({ account: a, tick, name });
        const notes = [
          a.existing !== null ? h('span.badge.badge-warn', {}, t('row.existing', { name: a.existing })) : null,
          a.nameTaken && a.existing === null ? h('span.badge', {}, t('row.nameTaken')) : null,
        ];
        list.append(
          h(
            'li.scan-account',
            { 'data-index': String(a.index) },
            tick,
            h(
              'div.scan-account-meta',
              {},
              h('span.account-issuer', {}, a.issuer || a.account || a.name),
              h('span.account-name', {}, a.issuer ? a.account : ''),
              h('span.muted', {}, describeAccount(a)),
              ...notes,
            ),
            h('label.scan-name-field', {}, h('span.label', {}, t('row.name')), name),
          ),
        );
      }
      const skipped = r.skipped.length
        ? h('p.warning#scan-skipped', {}, t('skipped', { list: r.skipped.join('; ') }))
        : null;
      result.replaceChildren(head, list, skipped ?? '');
      sources.hidden = true;
      result.hidden = false;
      again.hidden = false;
      save.hidden = false;
      updateSave();
    }
    again.addEventListener('click', () => {
      void scanDiscard();
      current = null;
      result.hidden = true;
      save.hidden = true;
      again.hidden = true;
      sources.hidden = false;
      clearError();
      status.textContent = '';
    });
    save.addEventListener('click', async () => {
      if (!current) return;
      clearError();
      save.disabled = true;
      try {
        const picks = rows
          .filter((r) => r.tick.checked)
          .map((r) => ({ index: r.account.index, name: r.name.value.trim() === r.account.name ? null : r.name.value.trim() }));
        saved = saved.concat(await scanSave(current.token, picks));
        showToast(picks.length === 1 ? t('added', { name: saved[saved.length - 1].name }) : t('addedCount', { count: picks.length }));
        const exp = current.export;
        const next = exp ? nextCode(exp) : null;
        if (exp && next !== null) {
          // A multi-code export: straight back to scanning for the next code.
          again.click();
          status.textContent = t('nextCode', { n: next, of: exp.of });
        } else {
          close();
        }
      } catch (e) {
        showError(toIpcError(e));
      } finally {
        updateSave();
      }
    });

    if (start.kind === 'file') void readFile(start.file);
    else startCamera().catch(showError);
  });
}
