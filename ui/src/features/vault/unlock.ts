// Screens shown when the vault is not open: the first run (choose a recovery key or a password),
// unlock (keyring, password or recovery key) and the rolled-back vault confirmation.
import type { VaultStatus } from '../../bindings/VaultStatus';
import { append, h } from '../../components/dom';
import { field } from '../../components/field';
import { type UnlockMethod, vaultCreate, vaultUnlock } from '../../ipc/commands';
import { describe } from '../../ipc/errors';
import { recoveryKeyPanel } from './recovery-key';

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
  const fail = (e: unknown) => {
    error.textContent = describe(e);
    error.hidden = false;
  };
  const card = h('div.card#vault-screen', {}, h('img.logo', { src: 'logo.png', alt: '' }), h('h1.sr-only', {}, 'Twofold'));
  const screen = h('main.screen', {}, card);
  // The last way the user tried, so "Open this copy anyway" repeats it with the confirmation.
  let lastMethod: UnlockMethod = last;

  const showStatus = (s: VaultStatus) => {
    if (s.state === 'unlocked') onOpen(s);
    else if (s.rolledBack) screen.replaceWith(createVaultScreen(s, onOpen, lastMethod));
    else fail({ kind: 'vaultLocked', message: s.reason ?? 'still locked' });
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
    const accept = h('button.btn.btn-danger#rollback-accept', { type: 'button' }, 'Open this copy anyway');
    accept.addEventListener('click', () => void busy(accept, () => vaultUnlock(lastMethod, true)));
    card.append(
      h(
        'div.warning#rollback-warning',
        { role: 'alert' },
        h('strong', {}, 'This vault is an older copy'),
        h(
          'p',
          {},
          `The vault file is generation ${found}, but generation ${seen} was seen on this computer before. An old copy may have replaced it, and changes made since then would be missing. Open it only if you restored this copy on purpose.`,
        ),
        accept,
      ),
    );
  }

  const [f1, pw] = passwordField('unlock-password', 'Password', 'current-password');
  const submit = h('button.btn.btn-primary#unlock-submit', { type: 'submit' }, 'Unlock');
  const actions = h('div', { style: 'display:flex;gap:8px;justify-content:flex-end' });
  if (status.keyringSlot) {
    const retry = h('button.btn#unlock-keyring', { type: 'button' }, 'Use system keyring');
    retry.addEventListener('click', () => unlock(retry, { kind: 'keyring' }));
    actions.append(retry);
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
  const keySubmit = h('button.btn#unlock-recovery-submit', { type: 'submit' }, 'Unlock with recovery key');
  const keyForm = h(
    'form#unlock-recovery-form',
    { hidden: status.passwordSlot || status.keyringSlot },
    field('Recovery key', keyInput, 'The 56 characters you saved when you made the vault; dashes and case do not matter.'),
    h('div', { style: 'display:flex;justify-content:flex-end' }, keySubmit),
  );
  keyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    unlock(keySubmit, { kind: 'recoveryKey', key: keyInput.value });
  });
  const useKey = h('button.btn.btn-ghost#use-recovery-key', { type: 'button' }, 'Use the recovery key instead');
  useKey.addEventListener('click', () => {
    keyForm.hidden = false;
    useKey.remove();
    keyInput.focus();
  });

  append(card, [
    h('h2', {}, 'Twofold is locked'),
    h(
      'p',
      {},
      status.passwordSlot
        ? 'Enter your vault password to see your codes.'
        : status.keyringSlot
          ? `The vault key is kept in the system keyring${status.reason ? `, which is not available right now: ${status.reason}` : ''}.`
          : 'Enter your recovery key to open the vault.',
    ),
    form,
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
  const chooseKey = h('button.btn.btn-primary#create-choose-recovery', { type: 'button' }, 'Create a recovery key');
  const choosePw = h('button.btn#create-choose-password', { type: 'button' }, 'Choose a password');
  const intro = () => {
    body.replaceChildren(
      h('h2', {}, 'Welcome to Twofold'),
      h(
        'p',
        {},
        'Your accounts are encrypted in a vault on this computer; the system keyring opens it for you. Choose a second way in, for the day the keyring is lost or you move to a new computer:',
      ),
      h(
        'div.choice-list',
        {},
        h('div.choice', {}, chooseKey, h('span.hint', {}, 'A key Twofold makes for you, shown once to save or print. Nothing to remember.')),
        h('div.choice', {}, choosePw, h('span.hint', {}, 'A password you type when the keyring is not available.')),
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
      if (!key) throw { kind: 'internal', message: 'the vault was created without its recovery key' };
      body.replaceChildren(recoveryKeyPanel(key, () => onOpen(created.status)));
    } catch (e) {
      fail(e);
    } finally {
      chooseKey.disabled = false;
    }
  });
  choosePw.addEventListener('click', () => {
    const [f1, pw1] = passwordField('create-password', 'Password', 'new-password');
    const [f2, pw2] = passwordField('create-password2', 'Repeat password', 'new-password');
    const back = h('button.btn.btn-ghost#create-back', { type: 'button', onclick: () => intro() }, 'Back');
    const submit = h('button.btn.btn-primary#create-submit', { type: 'submit' }, 'Create vault');
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
      if (pw1.value.length < 8) return fail({ kind: 'invalidInput', message: 'use at least 8 characters' });
      if (pw1.value !== pw2.value) return fail({ kind: 'invalidInput', message: 'the passwords do not match' });
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
      h('h2', {}, 'Protect your vault with a password'),
      h('p', {}, 'You will type it when the system keyring is not available. Twofold cannot recover a forgotten password.'),
      form,
    );
    setTimeout(() => pw1.focus());
  });
  intro();
  card.append(body);
}
