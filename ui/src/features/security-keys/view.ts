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
import { describe } from '../../ipc/errors';
import { openSecurityKeyAwsGuide } from './aws-guide';
import { optionLabel, pinSummary } from './format';

type Tab = 'details' | 'pin' | 'test' | 'credentials' | 'reset';
type Flash = { ok: boolean; text: string; id: string } | null;

const TABS: [Tab, string][] = [
  ['details', 'Details'],
  ['pin', 'PIN'],
  ['test', 'Test'],
  ['credentials', 'Credentials'],
  ['reset', 'Reset'],
];

const POLL_MS = 1000;
export const RESET_EXPLANATION =
  'A reset erases every credential on the key (every site that uses it as a security key loses it) ' +
  'and removes its PIN. It cannot be undone. Keys accept a reset only within 10 seconds of being ' +
  'plugged in, and ask for a touch.';

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
  const credPin = pinInput('fido-cred-pin', 'Key PIN');

  const { dialog, body, foot, close } = openDialog(
    'security-keys',
    'Security keys',
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
    h('button.btn#fido-aws-guide', { type: 'button', onclick: () => openSecurityKeyAwsGuide() }, 'Add a security key to AWS…'),
    h('span.spacer'),
    h('button.btn.btn-primary#fido-close', { type: 'button', onclick: () => close() }, 'Close'),
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
      const text = describe(e);
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
      showNotice(describe(e));
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
          h('h3', {}, 'No security key found'),
          h(
            'p.muted',
            {},
            listError
              ? `Twofold cannot look for keys: ${listError}`
              : 'Plug one in: Twofold looks every second and shows it here. On Linux, your user needs access to the key (the udev rule for FIDO hidraw devices).',
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
              'aria-label': 'Security key',
              onchange: (e: Event) => {
                path = (e.target as HTMLSelectElement).value;
                key = null;
                credentials = null;
                void loadInfo();
              },
            },
            ...devices.map((d) => h('option', { value: d.path, selected: d.path === path }, `${d.product || 'Security key'} (${d.path})`)),
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
          h('div.fido-product#fido-product', {}, d.product || 'Security key'),
          h('div.hint', {}, `${d.vendorId}:${d.productId} · ${d.path}`),
        ),
        picker,
        h('button.btn.btn-sm#fido-wink', { type: 'button', title: 'Make the key blink', onclick: () => void wink() }, 'Blink'),
      ),
    );
    tabs.hidden = false;
    tabs.replaceChildren(
      ...TABS.map(([t, label]) =>
        h(
          'button.tab',
          {
            id: `fido-tab-${t}`,
            type: 'button',
            role: 'tab',
            'aria-selected': String(t === tab),
            onclick: () => {
              tab = t;
              renderHead();
              renderPane(null);
            },
          },
          label,
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
      pane.replaceChildren(h('p.muted#fido-loading', {}, 'Reading the key…'));
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
    const chip = (name: string, v: FidoOption) => h('span.fido-opt', { 'data-state': v, title: v }, name);
    return h(
      'div.identity#fido-details',
      {},
      row('Product', k.device.product || '—', 'fido-d-product'),
      row('USB id', `vendor ${k.device.vendorId} · product ${k.device.productId}`, 'fido-d-ids'),
      row('Path', h('code', {}, k.device.path), 'fido-d-path'),
      row('Versions', k.versions.join(', ') || '—', 'fido-d-versions'),
      row('Extensions', k.extensions.join(', ') || '—', 'fido-d-extensions'),
      row('AAGUID', h('code', {}, k.aaguid || '—'), 'fido-d-aaguid'),
      row(
        'Options',
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
        'Meaning',
        h(
          'span.hint',
          {},
          `PIN ${optionLabel(o.clientPin, 'set', 'supported, not set')} · resident credentials ${optionLabel(o.rk, 'yes', 'no')} · ` +
            `fingerprint ${optionLabel(o.uv, 'set up', 'supported, not set up')} · credential management ${optionLabel(o.credMgmt, 'yes', 'no')}`,
        ),
      ),
      row('PIN', pinSummary(k), 'fido-d-pin'),
      row('Min. PIN length', `${k.minPinLength} characters`),
    );
  }

  function pinPane(k: FidoKeyView, flash: Flash): HTMLElement {
    if (k.options.clientPin === 'unsupported') {
      return h('p.muted#fido-pin-unsupported', {}, 'This key does not support a PIN.');
    }
    const hasPin = k.options.clientPin === 'on';
    const current = pinInput('fido-current-pin');
    const next = pinInput('fido-new-pin');
    const again = pinInput('fido-new-pin2');
    const err = errorBox('fido-pin-error', flash);
    const save = h('button.btn.btn-primary#fido-pin-save', { type: 'button' }, hasPin ? 'Change PIN' : 'Set PIN');
    const retries = hasPin
      ? h(
          'p#fido-pin-retries',
          { 'data-retries': String(k.pinRetries ?? '') },
          k.pinRetries === 0
            ? 'The PIN is blocked: only a reset (which erases the key) makes it usable again.'
            : `PIN set · ${k.pinRetries} ${k.pinRetries === 1 ? 'try' : 'tries'} left before the key blocks its PIN.`,
        )
      : h('p#fido-pin-retries', {}, 'This key has no PIN yet. Websites that ask for the key\'s PIN need one, and so do its resident credentials.');
    save.addEventListener('click', () => void submit());
    async function submit() {
      err.hidden = true;
      if (next.value !== again.value) {
        err.textContent = 'The two new PINs are not the same.';
        err.hidden = false;
        return;
      }
      if ([...next.value].length < k.minPinLength) {
        err.textContent = `The new PIN must be at least ${k.minPinLength} characters long.`;
        err.hidden = false;
        return;
      }
      const cur = current.value;
      const nw = next.value;
      current.value = next.value = again.value = '';
      await operation(save, hasPin ? 'Changing…' : 'Setting…', async () => {
        try {
          key = hasPin ? await fidoPinChange(path, cur, nw) : await fidoPinSet(path, nw);
          renderPane({ ok: true, id: 'fido-pin-done', text: hasPin ? 'PIN changed.' : 'PIN set.' });
        } catch (e) {
          await failed(e, 'fido-pin-error');
        }
      });
    }
    return h(
      'div#fido-pin-pane',
      {},
      retries,
      hasPin ? field('Current PIN', current) : null,
      field('New PIN', next, `At least ${k.minPinLength} characters; letters and digits both work.`),
      field('New PIN again', again),
      flashBox(flash, 'fido-pin-done'),
      err,
      h('div.fido-actions', {}, save),
    );
  }

  function testPane(k: FidoKeyView, flash: Flash): HTMLElement {
    const hasPin = k.options.clientPin === 'on';
    const pin = pinInput('fido-test-pin');
    const start = h('button.btn.btn-primary#fido-test-start', { type: 'button' }, 'Test this key');
    const slot = h('div#fido-test-slot', {}, flashBox(flash, 'fido-test-result'));
    start.addEventListener('click', () => void run());
    async function run() {
      const p = pin.value;
      pin.value = '';
      await operation(start, 'Testing…', async () => {
        slot.replaceChildren(touchPrompt('When it blinks: twice, once to register and once to sign.'));
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
              h('p.success', {}, 'The key works: it registered a credential and its signature verified.'),
              h(
                'p.hint',
                {},
                `Relying party ${r.rpId} · attestation ${r.attestationFormat} · PIN ${r.pinUsed ? 'verified' : 'not set'} · signature counter ${r.signCount}. Nothing was stored on the key.`,
              ),
            ),
          );
        } catch (e) {
          const f = fidoFailure(e);
          slot.replaceChildren(
            h(
              'div.fido-result#fido-test-result',
              { 'data-state': 'failed', 'data-reason': f?.reason ?? 'other' },
              h('div.form-error', { role: 'alert' }, f?.reason === 'cancelled' ? 'Cancelled: nothing was changed.' : `Test failed: ${describe(e)}`),
            ),
          );
          if (f && ['noDevice', 'deviceNotFound', 'disconnected'].includes(f.reason)) showNotice(describe(e));
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
        'Twofold asks the key to register a throw-away credential for twofold.test, then to sign a fresh challenge with it, and checks the signature. Nothing is stored on the key.',
      ),
      hasPin ? field('Key PIN', pin, pinSummary(k)) : h('p.hint', {}, 'This key has no PIN, so none is asked.'),
      h('div.fido-actions', {}, start),
      slot,
    );
  }

  function credentialsPane(k: FidoKeyView, flash: Flash): HTMLElement {
    if (k.options.credMgmt !== 'on') {
      return h('p.muted#fido-cred-unsupported', {}, 'This key does not support credential management, so its resident credentials cannot be listed.');
    }
    if (k.options.clientPin !== 'on') {
      return h('p.muted#fido-cred-nopin', {}, 'Listing resident credentials needs the key\'s PIN, and this key has none yet: set one in the PIN tab.');
    }
    const err = errorBox('fido-cred-error', flash);
    const load = h('button.btn.btn-primary#fido-cred-load', { type: 'button' }, credentials ? 'Refresh' : 'Show credentials');
    load.addEventListener('click', () => void list());
    async function list() {
      await operation(load, 'Reading…', async () => {
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
      listEl.append(h('p.muted#fido-cred-empty', {}, 'No resident credentials on this key.'));
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
                  h('div', {}, c.userName || c.userDisplayName || '(no user name)'),
                  h('div.device-serial', {}, c.id),
                ),
                h(
                  'div.device-actions',
                  {},
                  h(
                    'button.btn.btn-sm.btn-danger.fido-cred-delete',
                    { type: 'button', onclick: () => void remove(rp.rpId, c.id, c.userName) },
                    'Delete',
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
        title: 'Delete this credential?',
        message: `The key forgets ${user || 'this user'}'s credential for ${rp}. Signing in to ${rp} with this key stops working; nothing else changes.`,
        confirmLabel: 'Delete',
        danger: true,
      });
      if (!ok) return;
      busy = true;
      try {
        credentials = await fidoCredentialDelete(path, credPin.value, id);
        renderPane({ ok: true, id: 'fido-cred-done', text: `Deleted the credential for ${rp}.` });
      } catch (e) {
        await failed(e, 'fido-cred-error');
      } finally {
        busy = false;
      }
    }
    return h(
      'div#fido-cred-pane',
      {},
      h('p', {}, 'Resident (discoverable) credentials are the passkeys stored on the key itself, grouped by website.'),
      h('div.fido-inline', {}, field('Key PIN', credPin, pinSummary(k)), load),
      flashBox(flash, 'fido-cred-done'),
      err,
      listEl,
    );
  }

  function resetPane(flash: Flash): HTMLElement {
    const word = h('input#fido-reset-word', { type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'reset' });
    const start = h('button.btn.btn-danger.btn-solid#fido-reset-start', { type: 'button' }, 'Reset key');
    const slot = h('div#fido-reset-slot', {}, flashBox(flash, 'fido-reset-done'));
    start.addEventListener('click', () => void run());
    async function run() {
      const typed = word.value;
      await operation(start, 'Resetting…', async () => {
        slot.replaceChildren(touchPrompt('Touch it to confirm the reset.'));
        try {
          key = await fidoReset(path, typed);
          credentials = null;
          credPin.value = '';
          renderPane({ ok: true, id: 'fido-reset-done', text: 'The key was reset: no credentials, no PIN.' });
        } catch (e) {
          const f = fidoFailure(e);
          slot.replaceChildren(h('div.form-error#fido-reset-error', { role: 'alert', 'data-reason': f?.reason ?? 'other' }, describe(e)));
        }
      });
    }
    return h(
      'div#fido-reset-pane',
      {},
      h('p.lockout#fido-reset-warning', {}, RESET_EXPLANATION),
      h(
        'ol.next-steps',
        {},
        h('li', {}, 'Type the word ', h('code', {}, 'reset'), ' below.'),
        h('li', {}, 'Unplug the key and plug it back in.'),
        h('li', {}, 'Within 10 seconds, press Reset key, then touch the key when it blinks.'),
      ),
      field('Type reset to confirm', word),
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
      h('div', {}, h('strong', {}, 'Touch your security key'), h('div.hint', {}, text)),
      h(
        'button.btn.btn-sm#fido-cancel',
        {
          type: 'button',
          onclick: () => void fidoCancel().catch((e) => showToast(describe(e), 'error')),
        },
        'Cancel',
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
    const text = describe(e);
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
      showToast('The key should blink now');
    } catch (e) {
      showToast(describe(e), 'error');
    }
  }

  renderHead();
  renderPane(null);
  void poll();
  timer = window.setInterval(() => void poll(), POLL_MS);
}
