// Security keys: plug-in detection (polls the key list every second), a key's details, PIN set
// and change (tries left shown), "Test this key" (touch prompt, Cancel), resident credentials per
// relying party with delete, and reset behind a typed confirmation. The AWS guide opens from here.
import type { FidoDeviceView } from '../../bindings/FidoDeviceView';
import type { FidoKeyView } from '../../bindings/FidoKeyView';
import type { FidoOption } from '../../bindings/FidoOption';
import type { FidoRelyingPartyView } from '../../bindings/FidoRelyingPartyView';
import { confirmDialog, openDialog } from '../../components/dialog';
import { h, icon, ICONS } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import {
  fidoCancel,
  fidoCredentialDelete,
  fidoCredentials,
  fidoDevices,
  fidoFailure,
  fidoInfo,
  fidoPinChange,
  fidoPinSet,
  fidoReset,
  fidoTest,
  fidoWink,
} from '../../ipc/commands';
import { tr } from '../../i18n/i18n';
import { openSecurityKeyAwsGuide } from './aws-guide';
import { marker, withNodes } from '../../components/dom';
import { fidoMessage, optionLabel, optionState, pinSummary } from './format';

const t = tr('keys');
const tc = tr('common');

type Tab = 'details' | 'pin' | 'test' | 'credentials' | 'reset';
type Flash = { ok: boolean; text: string; id: string } | null;

const TABS: [Tab, () => string][] = [
  ['details', () => t('tab.details')],
  ['pin', () => t('tab.pin')],
  ['test', () => t('tab.test')],
  ['credentials', () => t('tab.credentials')],
  ['reset', () => t('tab.reset')],
];

const POLL_MS = 1000;
/** What a reset does, shown above its steps. */
export function resetExplanation(): string {
  return t('reset.explanation');
}

function pinInput(id: string, placeholder = ''): HTMLInputElement {
  return h('input.mono', { id, type: 'password', autocomplete: 'off', spellcheck: 'false', placeholder });
}

function flashBox(f: Flash, id: string): HTMLElement | null {
  if (!f || f.id !== id || !f.ok) return null;
  return h('p.success', { id }, f.text);
}

/** The pane's error box, showing the failure `f` when it is for this box. */
function errorBox(id: string, f: Flash): HTMLDivElement {
  const box = h('div.form-error', { id, role: 'alert', hidden: true });
  if (f && f.id === id && !f.ok) {
    box.textContent = f.text;
    box.hidden = false;
  }
  return box;
}

export function openSecurityKeysView(): void {
  let devices: FidoDeviceView[] = [];
  let path: string | null = null;
  let key: FidoKeyView | null = null;
  let listError: string | null = null;
  let tab: Tab = 'details';
  let busy = false;
  let polling = false;
  let timer: number | undefined;
  let credentials: FidoRelyingPartyView[] | null = null;
  // Kept between tabs so credentials can be listed, then deleted, without retyping.
  const credPin = pinInput('fido-cred-pin', t('pin.keyPin'));

  const { dialog, body, foot, close } = openDialog(
    'security-keys',
    t('title'),
    () => {
      window.clearInterval(timer);
      if (busy) void fidoCancel().catch(() => {});
      credPin.value = '';
    },
    false,
  );
  dialog.classList.add('wizard', 'fido');

  const notice = h('div.form-error#fido-notice', { role: 'alert', hidden: true });
  const head = h('div#fido-head');
  const tabs = h('div.tabs#fido-tabs', { role: 'tablist' });
  const pane = h('div#fido-pane', { role: 'tabpanel' });
  body.append(notice, head, tabs, pane);
  foot.append(
    h('button.btn#fido-aws-guide', { type: 'button', onclick: () => openSecurityKeyAwsGuide() }, t('awsGuide')),
    h('span.spacer'),
    h('button.btn.btn-primary#fido-close', { type: 'button', onclick: () => close() }, tc('action.close')),
  );

  const showNotice = (text: string | null) => {
    notice.textContent = text ?? '';
    notice.hidden = text === null;
  };

  // ---- detection -------------------------------------------------------------------------

  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const now = await fidoDevices();
      listError = null;
      const changed = now.map((d) => d.path).join('\n') !== devices.map((d) => d.path).join('\n');
      devices = now;
      if (changed) {
        if (!devices.some((d) => d.path === path)) {
          path = devices[0]?.path ?? null;
          key = null;
          credentials = null;
          credPin.value = '';
        }
        renderHead();
        if (path && !key) await loadInfo();
        else renderPane(null);
      } else if (path && !key && !busy) {
        await loadInfo();
      }
    } catch (e) {
      const text = fidoMessage(e);
      if (text !== listError) {
        listError = text;
        devices = [];
        key = null;
        renderHead();
        renderPane(null);
      }
    } finally {
      polling = false;
    }
  }

  async function loadInfo(flash: Flash = null) {
    if (!path) return;
    try {
      key = await fidoInfo(path);
    } catch (e) {
      showNotice(fidoMessage(e));
    }
    renderHead();
    renderPane(flash);
  }

  // ---- rendering -------------------------------------------------------------------------

  function renderHead() {
    dialog.dataset.state = devices.length === 0 ? 'none' : key ? 'key' : 'loading';
    if (devices.length === 0) {
      head.replaceChildren(
        h(
          'div.fido-empty#fido-no-key',
          {},
          h('div.fido-icon', {}, icon(ICONS.key)),
          h('h3', {}, t('noKey.title')),
          h(
            'p.muted',
            {},
            listError
              ? t('noKey.cannotLook', { error: listError })
              : t('noKey.plugIn'),
          ),
        ),
      );
      tabs.hidden = true;
      return;
    }
    const picker =
      devices.length > 1
        ? h(
            'select#fido-device-select',
            {
              'aria-label': t('device.label'),
              onchange: (e: Event) => {
                path = (e.target as HTMLSelectElement).value;
                key = null;
                credentials = null;
                void loadInfo();
              },
            },
            ...devices.map((d) => h('option', { value: d.path, selected: d.path === path }, `${d.product || t('device.label')} (${d.path})`)),
          )
        : null;
    const d = devices.find((x) => x.path === path) ?? devices[0];
    head.replaceChildren(
      h(
        'div.fido-key#fido-key',
        { 'data-path': d.path },
        h('div.fido-icon', {}, icon(ICONS.key)),
        h(
          'div.fido-key-meta',
          {},
          h('div.fido-product#fido-product', {}, d.product || t('device.label')),
          h('div.hint', {}, `${d.vendorId}:${d.productId} · ${d.path}`),
        ),
        picker,
        h('button.btn.btn-sm#fido-wink', { type: 'button', title: t('device.blinkTitle'), onclick: () => void wink() }, t('device.blink')),
      ),
    );
    tabs.hidden = false;
    tabs.replaceChildren(
      ...TABS.map(([which, label]) =>
        h(
          'button.tab',
          {
            id: `fido-tab-${which}`,
            type: 'button',
            role: 'tab',
            'aria-selected': String(which === tab),
            onclick: () => {
              tab = which;
              renderHead();
              renderPane(null);
            },
          },
          label(),
        ),
      ),
    );
  }

  function renderPane(flash: Flash) {
    if (devices.length === 0) {
      pane.replaceChildren();
      return;
    }
    if (!key) {
      pane.replaceChildren(h('p.muted#fido-loading', {}, t('loading')));
      return;
    }
    const k = key;
    pane.dataset.tab = tab;
    switch (tab) {
      case 'details':
        pane.replaceChildren(detailsPane(k));
        break;
      case 'pin':
        pane.replaceChildren(pinPane(k, flash));
        break;
      case 'test':
        pane.replaceChildren(testPane(k, flash));
        break;
      case 'credentials':
        pane.replaceChildren(credentialsPane(k, flash));
        break;
      case 'reset':
        pane.replaceChildren(resetPane(flash));
        break;
    }
  }

  function row(label: string, value: Node | string, id?: string): HTMLElement {
    return h('div.identity-row', {}, h('span.label', {}, label), h('span', { id: id ?? null }, value));
  }

  function detailsPane(k: FidoKeyView): HTMLElement {
    const o = k.options;
    const chip = (name: string, v: FidoOption) => h('span.fido-opt', { 'data-state': v, title: optionState(v) }, name);
    return h(
      'div.identity#fido-details',
      {},
      row(t('details.product'), k.device.product || '—', 'fido-d-product'),
      row(t('details.usbId'), t('details.usbIdValue', { vendor: k.device.vendorId, product: k.device.productId }), 'fido-d-ids'),
      row(t('details.path'), h('code', {}, k.device.path), 'fido-d-path'),
      row(t('details.versions'), k.versions.join(', ') || '—', 'fido-d-versions'),
      row(t('details.extensions'), k.extensions.join(', ') || '—', 'fido-d-extensions'),
      row('AAGUID', h('code', {}, k.aaguid || '—'), 'fido-d-aaguid'),
      row(
        t('details.options'),
        h(
          'span.fido-opts',
          {},
          chip('clientPin', o.clientPin),
          chip('rk', o.rk),
          chip('uv', o.uv),
          chip('credMgmt', o.credMgmt),
          chip('bioEnroll', o.bioEnroll),
        ),
        'fido-d-options',
      ),
      row(
        t('details.meaning'),
        h(
          'span.hint',
          {},
          t('details.meaningValue', {
            pin: optionLabel(o.clientPin, t('details.pinOn'), t('details.pinOff')),
            rk: optionLabel(o.rk, t('details.yes'), t('details.no')),
            uv: optionLabel(o.uv, t('details.uvOn'), t('details.uvOff')),
            credMgmt: optionLabel(o.credMgmt, t('details.yes'), t('details.no')),
          }),
        ),
      ),
      row(t('details.pin'), pinSummary(k), 'fido-d-pin'),
      row(t('details.minPinLength'), t('details.characters', { count: k.minPinLength })),
    );
  }

  function pinPane(k: FidoKeyView, flash: Flash): HTMLElement {
    if (k.options.clientPin === 'unsupported') {
      return h('p.muted#fido-pin-unsupported', {}, t('pin.unsupportedByKey'));
    }
    const hasPin = k.options.clientPin === 'on';
    const current = pinInput('fido-current-pin');
    const next = pinInput('fido-new-pin');
    const again = pinInput('fido-new-pin2');
    const err = errorBox('fido-pin-error', flash);
    const save = h('button.btn.btn-primary#fido-pin-save', { type: 'button' }, hasPin ? t('pin.change') : t('pin.setButton'));
    const retries = hasPin
      ? h(
          'p#fido-pin-retries',
          { 'data-retries': String(k.pinRetries ?? '') },
          k.pinRetries === 0
            ? t('pin.blockedLong')
            : k.pinRetries === null
              ? t('pin.setLong')
              : t('pin.triesLeftLong', { count: k.pinRetries }),
        )
      : h('p#fido-pin-retries', {}, t('pin.none'));
    save.addEventListener('click', () => void submit());
    async function submit() {
      err.hidden = true;
      if (next.value !== again.value) {
        err.textContent = t('pin.mismatch');
        err.hidden = false;
        return;
      }
      if ([...next.value].length < k.minPinLength) {
        err.textContent = t('pin.tooShort', { count: k.minPinLength });
        err.hidden = false;
        return;
      }
      const cur = current.value;
      const nw = next.value;
      current.value = next.value = again.value = '';
      await operation(save, hasPin ? t('pin.changing') : t('pin.setting'), async () => {
        try {
          key = hasPin ? await fidoPinChange(path, cur, nw) : await fidoPinSet(path, nw);
          renderPane({ ok: true, id: 'fido-pin-done', text: hasPin ? t('pin.changed') : t('pin.done') });
        } catch (e) {
          await failed(e, 'fido-pin-error');
        }
      });
    }
    return h(
      'div#fido-pin-pane',
      {},
      retries,
      hasPin ? field(t('pin.current'), current) : null,
      field(t('pin.new'), next, t('pin.newHint', { count: k.minPinLength })),
      field(t('pin.again'), again),
      flashBox(flash, 'fido-pin-done'),
      err,
      h('div.fido-actions', {}, save),
    );
  }

  function testPane(k: FidoKeyView, flash: Flash): HTMLElement {
    const hasPin = k.options.clientPin === 'on';
    const pin = pinInput('fido-test-pin');
    const start = h('button.btn.btn-primary#fido-test-start', { type: 'button' }, t('test.start'));
    const slot = h('div#fido-test-slot', {}, flashBox(flash, 'fido-test-result'));
    start.addEventListener('click', () => void run());
    async function run() {
      const p = pin.value;
      pin.value = '';
      await operation(start, t('test.running'), async () => {
        slot.replaceChildren(touchPrompt(t('test.touch')));
        try {
          const r = await fidoTest(path, hasPin ? p : null);
          // A right PIN restores the tries: show the key as it is now.
          if (hasPin) {
            await refreshKey();
            const hint = pane.querySelector('#fido-test-pin ~ .hint');
            if (hint && key) hint.textContent = pinSummary(key);
          }
          slot.replaceChildren(
            h(
              'div.fido-result#fido-test-result',
              { 'data-state': 'ok' },
              h('p.success', {}, t('test.works')),
              h(
                'p.hint',
                {},
                t('test.details', {
                  rp: r.rpId,
                  attestation: r.attestationFormat,
                  pin: r.pinUsed ? t('test.pinVerified') : t('test.pinNotSet'),
                  counter: r.signCount,
                }),
              ),
            ),
          );
        } catch (e) {
          const f = fidoFailure(e);
          slot.replaceChildren(
            h(
              'div.fido-result#fido-test-result',
              { 'data-state': 'failed', 'data-reason': f?.reason ?? 'other' },
              h('div.form-error', { role: 'alert' }, f?.reason === 'cancelled' ? t('test.cancelled') : t('test.failed', { error: fidoMessage(e) })),
            ),
          );
          if (f && ['noDevice', 'deviceNotFound', 'disconnected'].includes(f.reason)) showNotice(fidoMessage(e));
          else if (f?.reason.startsWith('pin')) await refreshKey();
        }
      });
    }
    return h(
      'div#fido-test-pane',
      {},
      h(
        'p',
        {},
        t('test.intro'),
      ),
      hasPin ? field(t('pin.keyPin'), pin, pinSummary(k)) : h('p.hint', {}, t('test.noPin')),
      h('div.fido-actions', {}, start),
      slot,
    );
  }

  function credentialsPane(k: FidoKeyView, flash: Flash): HTMLElement {
    if (k.options.credMgmt !== 'on') {
      return h('p.muted#fido-cred-unsupported', {}, t('cred.unsupported'));
    }
    if (k.options.clientPin !== 'on') {
      return h('p.muted#fido-cred-nopin', {}, t('cred.noPin'));
    }
    const err = errorBox('fido-cred-error', flash);
    const load = h('button.btn.btn-primary#fido-cred-load', { type: 'button' }, credentials ? t('cred.refresh') : t('cred.show'));
    load.addEventListener('click', () => void list());
    async function list() {
      await operation(load, t('cred.reading'), async () => {
        try {
          credentials = await fidoCredentials(path, credPin.value);
          renderPane(null);
        } catch (e) {
          credentials = null;
          await failed(e, 'fido-cred-error');
        }
      });
    }
    const listEl = h('div#fido-cred-list');
    if (credentials && credentials.length === 0) {
      listEl.append(h('p.muted#fido-cred-empty', {}, t('cred.empty')));
    }
    for (const rp of credentials ?? []) {
      listEl.append(
        h(
          'div.fido-rp',
          { 'data-rp': rp.rpId },
          h('h4', {}, rp.rpId),
          h(
            'ul.devices',
            {},
            ...rp.credentials.map((c) =>
              h(
                'li.device-row.fido-cred',
                { 'data-id': c.id },
                h(
                  'div.device-meta',
                  {},
                  h('div', {}, c.userName || c.userDisplayName || t('cred.noUserName')),
                  h('div.device-serial', {}, c.id),
                ),
                h(
                  'div.device-actions',
                  {},
                  h(
                    'button.btn.btn-sm.btn-danger.fido-cred-delete',
                    { type: 'button', onclick: () => void remove(rp.rpId, c.id, c.userName) },
                    t('cred.delete'),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    }
    async function remove(rp: string, id: string, user: string) {
      const ok = await confirmDialog({
        title: t('cred.confirmTitle'),
        message: user ? t('cred.confirmMessage', { user, rp }) : t('cred.confirmMessageNoUser', { rp }),
        confirmLabel: t('cred.delete'),
        danger: true,
      });
      if (!ok) return;
      busy = true;
      try {
        credentials = await fidoCredentialDelete(path, credPin.value, id);
        renderPane({ ok: true, id: 'fido-cred-done', text: t('cred.deleted', { rp }) });
      } catch (e) {
        await failed(e, 'fido-cred-error');
      } finally {
        busy = false;
      }
    }
    return h(
      'div#fido-cred-pane',
      {},
      h('p', {}, t('cred.intro')),
      h('div.fido-inline', {}, field(t('pin.keyPin'), credPin, pinSummary(k)), load),
      flashBox(flash, 'fido-cred-done'),
      err,
      listEl,
    );
  }

  function resetPane(flash: Flash): HTMLElement {
    const word = h('input#fido-reset-word', { type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'reset' });
    const start = h('button.btn.btn-danger.btn-solid#fido-reset-start', { type: 'button' }, t('reset.button'));
    const slot = h('div#fido-reset-slot', {}, flashBox(flash, 'fido-reset-done'));
    start.addEventListener('click', () => void run());
    async function run() {
      const typed = word.value;
      await operation(start, t('reset.running'), async () => {
        slot.replaceChildren(touchPrompt(t('reset.touch')));
        try {
          key = await fidoReset(path, typed);
          credentials = null;
          credPin.value = '';
          renderPane({ ok: true, id: 'fido-reset-done', text: t('reset.done') });
        } catch (e) {
          const f = fidoFailure(e);
          slot.replaceChildren(h('div.form-error#fido-reset-error', { role: 'alert', 'data-reason': f?.reason ?? 'other' }, fidoMessage(e)));
        }
      });
    }
    return h(
      'div#fido-reset-pane',
      {},
      h('p.lockout#fido-reset-warning', {}, resetExplanation()),
      h(
        'ol.next-steps',
        {},
        // The word stays "reset" in every language: Rust checks it.
        h('li', {}, ...withNodes(t('reset.stepType', { word: marker('word') }), { word: h('code', {}, 'reset') })),
        h('li', {}, t('reset.stepReplug')),
        h('li', {}, t('reset.stepPress')),
      ),
      field(t('reset.confirmLabel'), word),
      h('div.fido-actions', {}, start),
      slot,
    );
  }

  // ---- operations ------------------------------------------------------------------------

  function touchPrompt(text: string): HTMLElement {
    return h(
      'div.fido-touch#fido-touch',
      { role: 'status' },
      h('div.fido-touch-key', {}, icon(ICONS.key)),
      h('div', {}, h('strong', {}, t('touch.title')), h('div.hint', {}, text)),
      h(
        'button.btn.btn-sm#fido-cancel',
        {
          type: 'button',
          onclick: () => void fidoCancel().catch((e) => showToast(fidoMessage(e), 'error')),
        },
        tc('action.cancel'),
      ),
    );
  }

  /** Runs one key operation with its button disabled; one at a time. */
  async function operation(button: HTMLButtonElement, label: string, work: () => Promise<void>) {
    if (busy) return;
    busy = true;
    showNotice(null);
    const was = button.textContent;
    button.disabled = true;
    button.textContent = label;
    dialog.dataset.busy = 'true';
    try {
      await work();
    } finally {
      busy = false;
      delete dialog.dataset.busy;
      if (button.isConnected) {
        button.disabled = false;
        button.textContent = was;
      }
    }
  }

  /** Shows a failure in the pane (after fresh details, so PIN tries left are current). */
  async function failed(e: unknown, id: string) {
    const f = fidoFailure(e);
    const text = fidoMessage(e);
    if (f && ['noDevice', 'deviceNotFound', 'disconnected'].includes(f.reason)) {
      showNotice(text);
      return;
    }
    await refreshKey();
    renderPane({ ok: false, id, text });
    const box = document.getElementById(id);
    if (box && f) box.dataset.reason = f.reason;
  }

  async function refreshKey() {
    if (!path) return;
    try {
      key = await fidoInfo(path);
      renderHead();
    } catch {
      // The key went away: the poll shows that.
    }
  }

  async function wink() {
    try {
      await fidoWink(path);
      showToast(t('device.blinking'));
    } catch (e) {
      showToast(fidoMessage(e), 'error');
    }
  }

  renderHead();
  renderPane(null);
  void poll();
  timer = window.setInterval(() => void poll(), POLL_MS);
}
