// Screens shown when the vault is not open: the first run (choose a recovery key or a password),
// unlock (keyring, password or recovery key) and the rolled-back vault confirmation.
import type { VaultStatus } from '../../bindings/VaultStatus';
import { append, h } from '../../components/dom';
import { field } from '../../components/field';
import { osVerifyCancel, type UnlockMethod, vaultCreate, vaultUnlock } from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { problemText, verifyStatus, verifyNow } from './os-verify';
import { recoveryKeyPanel } from './recovery-key';
import { tr } from '../../i18n/i18n';

const t = tr('vault');
const tc = tr('common');

function passwordField(id: string, label: string, autocomplete: string): [HTMLDivElement, HTMLInputElement] {
  const input = h('input', { id, type: 'password', autocomplete, required: true });
  return [field(label, input), input];
}

/** The locked / no-vault screen. Calls `onOpen` once the vault is unlocked. */
export function createVaultScreen(
  status: VaultStatus,
  onOpen: (s: VaultStatus) => void,
  last: UnlockMethod = { kind: 'keyring' },
): HTMLElement {
  const error = h('div.form-error#vault-error', { role: 'alert', hidden: true });
  // An error from Rust, or a sentence of our own (already in the user's language).
  const fail = (e: unknown) => {
    error.textContent = typeof e === 'string' ? e : describe(e);
    error.hidden = false;
  };
  const card = h('div.card#vault-screen', {}, h('img.logo', { src: 'logo.png', alt: '' }), h('h1.sr-only', {}, 'Twofold'));
  const screen = h('main.screen', {}, card);
  // The last way the user tried, so "Open this copy anyway" repeats it with the confirmation.
  let lastMethod: UnlockMethod = last;

  const showStatus = (s: VaultStatus) => {
    if (s.state === 'unlocked') onOpen(s);
    else if (s.rolledBack) screen.replaceWith(createVaultScreen(s, onOpen, lastMethod));
    else fail(s.reason ? { kind: 'vaultLocked', message: s.reason } : t('unlock.stillLocked'));
  };
  const busy = async (btn: HTMLButtonElement, f: () => Promise<VaultStatus>) => {
    error.hidden = true;
    btn.disabled = true;
    try {
      showStatus(await f());
    } catch (e) {
      fail(e);
    } finally {
      btn.disabled = false;
    }
  };
  const unlock = (btn: HTMLButtonElement, method: UnlockMethod) => {
    lastMethod = method;
    void busy(btn, () => vaultUnlock(method));
  };

  if (status.state === 'absent') {
    firstRun(card, error, fail, onOpen);
    return screen;
  }

  if (status.rolledBack) {
    const { seen, found } = status.rolledBack;
    const accept = h('button.btn.btn-danger#rollback-accept', { type: 'button' }, t('rollback.accept'));
    accept.addEventListener('click', () => void busy(accept, () => vaultUnlock(lastMethod, true)));
    card.append(
      h(
        'div.warning#rollback-warning',
        { role: 'alert' },
        h('strong', {}, t('rollback.title')),
        h(
          'p',
          {},
          t('rollback.text', { found, seen }),
        ),
        accept,
      ),
    );
  }

  const [f1, pw] = passwordField('unlock-password', t('password'), 'current-password');
  const submit = h('button.btn.btn-primary#unlock-submit', { type: 'submit' }, t('unlock.submit'));
  const actions = h('div', { style: 'display:flex;gap:8px;justify-content:flex-end' });
  const keyringButton = () => {
    const retry = h('button.btn#unlock-keyring', { type: 'button' }, t('unlock.keyring'));
    retry.addEventListener('click', () => unlock(retry, { kind: 'keyring' }));
    return retry;
  };
  // After Twofold locked the vault, the keyring opens it again only once the OS has confirmed
  // it is the user (Rust enforces it); the way in depends on whether the OS can.
  const systemNote = h('p.hint#unlock-system-note', { hidden: true });
  if (status.keyringSlot && status.verifyFirst) {
    void verifyStatus().then((os) => {
      if (os.available) {
        const viaSystem = h('button.btn#unlock-system', { type: 'button' }, t('unlock.system'));
        const waiting = h(
          'p.hint#unlock-waiting',
          { hidden: true, role: 'status' },
          `${t('unlock.waiting')} `,
          h('button.btn.btn-ghost#unlock-system-cancel', { type: 'button', onclick: () => void osVerifyCancel() }, tc('action.cancel')),
        );
        viaSystem.addEventListener('click', () => {
          lastMethod = { kind: 'keyring' };
          void busy(viaSystem, async () => {
            await verifyNow((on) => (waiting.hidden = !on));
            return vaultUnlock({ kind: 'keyring' });
          });
        });
        actions.prepend(viaSystem);
        card.insertBefore(waiting, error);
        if (!status.passwordSlot) viaSystem.focus();
      } else if (!status.passwordSlot) {
        // Nothing can ask who it is: the keyring opens it, and the screen says so plainly.
        const retry = keyringButton();
        actions.prepend(retry);
        systemNote.textContent = t('unlock.unprotected', { why: problemText(os.problem) });
        systemNote.classList.add('warning-text');
        systemNote.hidden = false;
        retry.focus();
      } else {
        systemNote.textContent = t('unlock.systemUnavailable', { why: problemText(os.problem) });
        systemNote.hidden = false;
      }
    });
  } else if (status.keyringSlot) {
    actions.append(keyringButton());
  }
  actions.append(submit);
  const form = h('form#unlock-form', {}, status.passwordSlot ? f1 : null, actions);
  if (!status.passwordSlot) submit.remove();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    unlock(submit, { kind: 'password', password: pw.value });
  });

  const keyInput = h('input.mono#unlock-recovery-input', {
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'ABCD-EFGH-…',
  });
  const keySubmit = h('button.btn#unlock-recovery-submit', { type: 'submit' }, t('unlock.withRecoveryKey'));
  const keyForm = h(
    'form#unlock-recovery-form',
    { hidden: status.passwordSlot || status.keyringSlot },
    field(t('recovery.label'), keyInput, t('unlock.recoveryHint')),
    h('div', { style: 'display:flex;justify-content:flex-end' }, keySubmit),
  );
  keyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    unlock(keySubmit, { kind: 'recoveryKey', key: keyInput.value });
  });
  const useKey = h('button.btn.btn-ghost#use-recovery-key', { type: 'button' }, t('unlock.useRecoveryKey'));
  useKey.addEventListener('click', () => {
    keyForm.hidden = false;
    useKey.remove();
    keyInput.focus();
  });

  append(card, [
    h('h2', {}, t('unlock.title')),
    h(
      'p',
      {},
      status.passwordSlot
        ? t('unlock.password')
        : status.keyringSlot && status.verifyFirst
          ? t('unlock.lockedText')
          : status.keyringSlot
          ? status.reason
            ? t('unlock.keyringUnavailable', { reason: status.reason })
            : t('unlock.keyringText')
          : t('unlock.recovery'),
    ),
    form,
    systemNote,
    status.recoverySlot ? keyForm : null,
    status.recoverySlot && keyForm.hidden ? useKey : null,
    error,
  ]);
  setTimeout(() => {
    const target = status.passwordSlot ? pw : !keyForm.hidden ? keyInput : card.querySelector<HTMLButtonElement>('#unlock-keyring');
    target?.focus();
  });
  return screen;
}

/** The first run: no vault yet. The user chooses a recovery key or a password (each beside the
 * system keyring), so the keyring is never the only way in. */
function firstRun(card: HTMLElement, error: HTMLElement, fail: (e: unknown) => void, onOpen: (s: VaultStatus) => void) {
  const body = h('div#first-run');
  const chooseKey = h('button.btn.btn-primary#create-choose-recovery', { type: 'button' }, t('firstRun.chooseKey'));
  const choosePw = h('button.btn#create-choose-password', { type: 'button' }, t('firstRun.choosePassword'));
  const intro = () => {
    body.replaceChildren(
      h('h2', {}, t('firstRun.title')),
      h(
        'p',
        {},
        t('firstRun.intro'),
      ),
      h(
        'div.choice-list',
        {},
        h('div.choice', {}, chooseKey, h('span.hint', {}, t('firstRun.keyHint'))),
        h('div.choice', {}, choosePw, h('span.hint', {}, t('firstRun.passwordHint'))),
      ),
      error,
    );
  };
  chooseKey.addEventListener('click', async () => {
    error.hidden = true;
    chooseKey.disabled = true;
    try {
      const created = await vaultCreate(null, true);
      const key = created.recoveryKey;
      if (!key) return fail(t('firstRun.noKey'));
      body.replaceChildren(recoveryKeyPanel(key, () => onOpen(created.status)));
    } catch (e) {
      fail(e);
    } finally {
      chooseKey.disabled = false;
    }
  });
  choosePw.addEventListener('click', () => {
    const [f1, pw1] = passwordField('create-password', t('password'), 'new-password');
    const [f2, pw2] = passwordField('create-password2', t('firstRun.repeat'), 'new-password');
    const back = h('button.btn.btn-ghost#create-back', { type: 'button', onclick: () => intro() }, tc('action.back'));
    const submit = h('button.btn.btn-primary#create-submit', { type: 'submit' }, t('firstRun.create'));
    const form = h(
      'form#create-form',
      {},
      f1,
      f2,
      error,
      h('div', { style: 'display:flex;gap:8px;justify-content:flex-end' }, back, submit),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (pw1.value.length < 8) return fail(t('firstRun.tooShort'));
      if (pw1.value !== pw2.value) return fail(t('firstRun.mismatch'));
      error.hidden = true;
      submit.disabled = true;
      try {
        onOpen((await vaultCreate(pw1.value, false)).status);
      } catch (err) {
        fail(err);
      } finally {
        submit.disabled = false;
      }
    });
    body.replaceChildren(
      h('h2', {}, t('firstRun.passwordTitle')),
      h('p', {}, t('firstRun.passwordText')),
      form,
    );
    setTimeout(() => pw1.focus());
  });
  intro();
  card.append(body);
}
