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
import { describe, toIpcError } from '../../ipc/errors';
import { describeAccount, exportCodes, nextCode } from './format';

/** What to read first when the dialog opens. */
export type ScanStart = { kind: 'camera' } | { kind: 'file'; file: File };

/** Opens the scan dialog; resolves with the accounts saved (empty when none). */
export function openScanDialog(start: ScanStart = { kind: 'camera' }): Promise<AccountSummary[]> {
  return new Promise((resolve) => {
    let saved: AccountSummary[] = [];
    let cameraOn = false;
    const { dialog, body, foot, close } = openDialog('scan-dialog', 'Scan a QR code', () => {
      if (cameraOn) void scanCameraStop();
      void scanDiscard();
      resolve(saved);
    });
    dialog.classList.add('scan');

    // --- Sources ---
    const status = h('p.scan-status#scan-status', { role: 'status' }, '');
    const error = h('div.form-error#scan-error', { role: 'alert', hidden: true });
    const preview = h('img#scan-preview', { alt: 'Camera preview', hidden: true });
    const hint = h(
      'div.scan-hint',
      {},
      icon(ICONS.qr),
      h('span', {}, 'Drop an image of the QR code here, or choose a source below.'),
    );
    const stage = h('div.scan-stage#scan-stage', {}, preview, hint);
    const cameraSelect = h('select#scan-camera', { 'aria-label': 'Camera', hidden: true });
    const cameraBtn = h('button.btn#scan-camera-toggle', { type: 'button' }, icon(ICONS.scan), 'Camera');
    const screenBtn = h('button.btn#scan-screen', { type: 'button', title: 'Find the QR code on any monitor' }, 'Scan screen');
    const fileInput = h('input#scan-file', { type: 'file', accept: 'image/png,image/jpeg,image/webp,image/bmp,image/gif', hidden: true });
    const fileBtn = h('button.btn#scan-open', { type: 'button' }, 'Open image…');
    const pasteBtn = h('button.btn#scan-paste', { type: 'button', title: 'Read the image on the clipboard (Ctrl+V)' }, 'Paste');
    const sources = h(
      'div.scan-sources#scan-sources',
      {},
      stage,
      h('div.scan-buttons', {}, cameraSelect, cameraBtn, screenBtn, fileBtn, pasteBtn, fileInput),
      status,
    );
    const result = h('div#scan-result', { hidden: true });
    body.append(sources, result, error);
    const cancel = h('button.btn#scan-cancel', { type: 'button', onclick: () => close() }, 'Close');
    const again = h('button.btn#scan-again', { type: 'button', hidden: true }, 'Scan another');
    const save = h('button.btn.btn-primary#scan-save', { type: 'button', hidden: true }, 'Add account');
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
      cameraBtn.replaceChildren(icon(ICONS.scan), 'Camera');
      stage.classList.remove('live');
      preview.hidden = true;
      hint.hidden = false;
      status.textContent = message;
      status.dataset.camera = 'off';
    };
    const onCamera = (e: CameraEvent) => {
      switch (e.kind) {
        case 'started':
          status.textContent = `${e.camera}: point it at the QR code.`;
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
          cameraStopped('Code read; the camera is off.');
          showResult(e.result);
          break;
        case 'stopped':
          cameraStopped(
            e.reason === 'timedOut'
              ? 'The camera turned off after two minutes without a code.'
              : e.reason === 'ended'
                ? 'The camera stopped sending pictures.'
                : 'Camera off.',
          );
          break;
        case 'failed':
          cameraStopped('Camera off.');
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
        status.textContent = 'No camera found. Connect a webcam, or use Scan screen, Open image or Paste.';
        status.dataset.camera = 'none';
        return;
      }
      if (cameraSelect.options.length !== list.cameras.length) {
        cameraSelect.replaceChildren(...list.cameras.map((name, i) => h('option', { value: String(i) }, name)));
      }
      cameraSelect.hidden = list.cameras.length < 2;
      cameraOn = true;
      frames = 0;
      cameraBtn.replaceChildren('Stop camera');
      stage.classList.add('live');
      status.textContent = 'Starting the camera…';
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
      oneShot(`Reading ${file.name}…`, async () => scanImage(new Uint8Array(await file.arrayBuffer()), file.name));
    screenBtn.addEventListener('click', () => void oneShot('Looking at every monitor…', scanScreen));
    pasteBtn.addEventListener('click', () => void oneShot('Reading the clipboard…', scanClipboard));
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
      void (file ? readFile(file) : oneShot('Reading the clipboard…', scanClipboard));
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
      if (!file) return showError({ kind: 'qrCode', message: 'drop an image file (PNG, JPEG, WebP, BMP or GIF)' });
      void readFile(file);
    });

    // --- Result ---
    let current: ScanResult | null = null;
    const rows: { account: ScannedAccount; tick: HTMLInputElement; name: HTMLInputElement }[] = [];
    const updateSave = () => {
      const n = rows.filter((r) => r.tick.checked).length;
      save.disabled = n === 0;
      save.textContent = current?.source === 'googleExport' ? `Add ${n} account${n === 1 ? '' : 's'}` : 'Add account';
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
            `Google Authenticator export: ${r.accounts.length} account${r.accounts.length === 1 ? '' : 's'}`,
            r.export && r.export.of > 1 ? ` (${exportCodes(r.export)})` : '',
            '. Tick the ones to add.',
          )
        : h('p#scan-summary', {}, `Found in ${r.origin}:`);
      const list = h('ul.scan-accounts#scan-accounts');
      for (const a of r.accounts) {
        const tick = h('input.scan-tick', { type: 'checkbox', checked: a.existing === null, 'aria-label': `Add ${a.name}` });
        const name = h('input.scan-name', { type: 'text', value: a.name, autocomplete: 'off', 'aria-label': 'Name' });
        tick.hidden = !isExport;
        if (!isExport) tick.checked = true;
        tick.addEventListener('change', updateSave);
        rows.push({ account: a, tick, name });
        const notes = [
          a.existing !== null ? h('span.badge.badge-warn', {}, `Already in Twofold as “${a.existing}”`) : null,
          a.nameTaken && a.existing === null ? h('span.badge', {}, 'Its usual name is taken: numbered') : null,
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
            h('label.scan-name-field', {}, h('span.label', {}, 'Name'), name),
          ),
        );
      }
      const skipped = r.skipped.length
        ? h('p.warning#scan-skipped', {}, `Not importable: ${r.skipped.join('; ')}`)
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
        showToast(picks.length === 1 ? `Added ${saved[saved.length - 1].name}` : `Added ${picks.length} accounts`);
        const exp = current.export;
        const next = exp ? nextCode(exp) : null;
        if (exp && next !== null) {
          // A multi-code export: straight back to scanning for the next code.
          again.click();
          status.textContent = `Now scan the export's next code (${next} of ${exp.of}).`;
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
