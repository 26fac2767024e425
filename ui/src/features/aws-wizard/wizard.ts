// The AWS MFA wizard. A state machine mirroring twofold_core::aws::enroll::Step:
//   Credentials -> Target -> Device -> Progress (Identify, Create, Persist)
//     keep mode:  -> Progress (Enable, Verify) -> Done
//     phone mode: -> ShowQr (+ two codes) -> Progress (Enable, Verify) -> Done
// plus Devices (list, resync, deactivate, delete) and the resume/abort of an interrupted run.
import type { AwsWhoami } from '../../bindings/AwsWhoami';
import type { EnrollDone } from '../../bindings/EnrollDone';
import type { EnrollStarted } from '../../bindings/EnrollStarted';
import type { EnrollStep } from '../../bindings/EnrollStep';
import type { MfaDeviceView } from '../../bindings/MfaDeviceView';
import type { PendingEnrollment } from '../../bindings/PendingEnrollment';
import { connectScreen } from '../../components/connect';
import { confirmDialog } from '../../components/dialog';
import { errorBox, openStepsDialog, showError } from '../../components/steps';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { showToast } from '../../components/toast';
import {
  awsAssignToken,
  awsDeactivate,
  awsDevices,
  awsDisconnect,
  awsEnrollAbort,
  awsEnrollConfirm,
  awsEnrollResume,
  awsEnrollStart,
  awsProfiles,
  awsResync,
  awsWhoami,
} from '../../ipc/commands';
import { deviceNameError } from './device-name';
import { afterConfirmFailure } from './failure';
import { toIpcError } from '../../ipc/errors';

export type WizardIntent =
  | { kind: 'enroll' }
  /** From Account security: already connected as `whoami`, enrolling `user`. */
  | { kind: 'enrollUser'; user: string; whoami: AwsWhoami }
  | { kind: 'resume'; pending: PendingEnrollment }
  | { kind: 'abort'; pending: PendingEnrollment };

type Screen = 'credentials' | 'target' | 'device' | 'progress' | 'showQr' | 'done' | 'devices';

const STEPS: [EnrollStep, string][] = [
  ['identify', 'Check the user and their devices'],
  ['create', 'Create the virtual MFA device'],
  ['persist', 'Save the seed in the vault'],
  ['enable', 'Enable the device with two codes'],
  ['verify', 'Confirm with AWS'],
  ['done', 'Done'],
];

function formatDate(secs: number | null): string {
  if (secs === null) return 'not assigned';
  return new Date(secs * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Opens the wizard; `onClose` runs when it closes (the caller refreshes its list). */
export function openAwsWizard(intent: WizardIntent, onClose: () => void): void {
  const title =
    intent.kind === 'enroll' || intent.kind === 'enrollUser' ? 'Set up AWS MFA' : intent.kind === 'resume' ? 'Resume AWS MFA setup' : 'Abort AWS MFA setup';
  const d = openStepsDialog('aws-wizard', title, () => {
    // The audit view's connection is the caller's to keep; only drop one made here.
    if (intent.kind !== 'enrollUser') void awsDisconnect().catch(() => {});
    onClose();
  });
  const { body, foot, close, button } = d;
  const show = (screen: Screen, ...content: (HTMLElement | null)[]) => d.show(screen, ...content);

  // Wizard state.
  let whoami: AwsWhoami | null = intent.kind === 'enrollUser' ? intent.whoami : null;
  let targetUser: string | null = intent.kind === 'enrollUser' ? intent.user : null; // null: the caller
  let deviceName = '';
  let keep = true;
  let started: EnrollStarted | null = null;
  const pendingId = 'pending' in intent ? intent.pending.accountId : null;
  let profileName: string | null = 'pending' in intent ? intent.pending.profile : null;

  function identityCard(): HTMLElement | null {
    if (!whoami) return null;
    const skew = whoami.clockSkewSecs;
    const warn =
      skew !== null && whoami.clockOff
        ? h(
            'p.warning#aws-skew-warning',
            {},
            `This computer's clock is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} AWS. MFA codes will fail until the clock is fixed.`,
          )
        : null;
    return h(
      'div.identity#aws-identity',
      {},
      h('div.identity-row', {}, h('span.label', {}, 'Signed in as'), h('code#aws-arn', {}, whoami.arn)),
      h('div.identity-row', {}, h('span.label', {}, 'Account'), h('code#aws-account', {}, whoami.account)),
      h(
        'div.identity-row',
        {},
        h('span.label', {}, 'Clock'),
        h('span#aws-skew', {}, skew === null ? 'unknown' : `${skew >= 0 ? '+' : ''}${skew} s against AWS`),
      ),
      warn,
    );
  }

  // ---------------------------------------------------------------- Credentials
  function credentialsScreen() {
    const intro =
      intent.kind === 'resume' || intent.kind === 'abort'
        ? `The device ${intent.pending.serial} was created but not enabled. Check the credentials to ${intent.kind === 'resume' ? 'finish it' : 'delete it'}.`
        : 'Twofold creates a virtual MFA device for an IAM user, keeps its seed in the vault and turns it on. Which credentials should it use?';
    return connectScreen(d, {
      intro,
      profile: profileName,
      next: 'Continue',
      api: { profiles: awsProfiles, whoami: awsWhoami },
      onConnected(who, form) {
        whoami = who;
        profileName = form.profileName();
        afterCredentials();
      },
    });
  }

  function afterCredentials() {
    if (intent.kind === 'enroll' || intent.kind === 'enrollUser') {
      targetScreen();
      return;
    }
    if (whoami && whoami.account !== intent.pending.awsAccount) {
      const err = errorBox('aws-credentials-error');
      showError(err, {
        kind: 'invalidInput',
        message: `these credentials are for account ${whoami.account}, but the device is in account ${intent.pending.awsAccount}`,
      });
      show('credentials', identityCard(), err);
      foot.append(button('aws-back', 'Back', () => void credentialsScreen()), button('aws-cancel', 'Cancel', close));
      return;
    }
    if (intent.kind === 'resume') void resume(intent.pending);
    else void abortScreen(intent.pending);
  }

  // ---------------------------------------------------------------- Target
  function targetScreen() {
    const me = whoami?.userName ?? null;
    const self = h('input#aws-target-self', { type: 'radio', name: 'aws-target', value: 'self', disabled: me === null });
    const other = h('input#aws-target-other', { type: 'radio', name: 'aws-target', value: 'other' });
    const user = h('input#aws-target-user', { type: 'text', placeholder: 'IAM user name', autocomplete: 'off', spellcheck: 'false' });
    if (targetUser !== null || me === null) {
      other.checked = true;
      user.value = targetUser ?? '';
    } else {
      self.checked = true;
    }
    const sync = () => {
      user.disabled = !other.checked;
      if (other.checked) user.focus();
    };
    self.addEventListener('change', sync);
    other.addEventListener('change', sync);
    user.addEventListener('input', () => (other.checked = true));
    const err = errorBox('aws-target-error');
    const rootNote = whoami?.isRoot
      ? h('p.hint', {}, 'These are root credentials: name an IAM user. The root user’s own MFA is set up in the AWS console.')
      : null;
    show(
      'target',
      identityCard(),
      h(
        'fieldset.choices#aws-target',
        {},
        h('legend', {}, 'Whose MFA device?'),
        h('label.choice', { for: 'aws-target-self' }, self, h('span', {}, me ? `Myself (${me})` : 'Myself (not an IAM user)')),
        h('label.choice', { for: 'aws-target-other' }, other, h('span', {}, 'Another IAM user')),
        h('div.choice-extra', {}, user),
      ),
      rootNote,
      err,
    );
    sync();
    const chosen = (): string | null | undefined => {
      if (self.checked) return null;
      const u = user.value.trim();
      if (!u) {
        showError(err, { kind: 'invalidInput', message: 'enter the IAM user name' });
        return undefined;
      }
      return u;
    };
    foot.append(
      button('aws-back', 'Back', () => void credentialsScreen()),
      h('span.spacer'),
      button('aws-show-devices', 'Devices', () => {
        const u = chosen();
        if (u !== undefined) void devicesScreen(u);
      }),
      button(
        'aws-target-next',
        'Next',
        () => {
          const u = chosen();
          if (u === undefined) return;
          if (u !== targetUser) deviceName = '';
          targetUser = u;
          deviceScreen();
        },
        'btn-primary',
      ),
    );
  }

  // ---------------------------------------------------------------- Device
  function deviceScreen() {
    const who = targetUser ?? whoami?.userName ?? '';
    const name = h('input.mono#aws-device-name', { type: 'text', value: deviceName || who, autocomplete: 'off', spellcheck: 'false' });
    const nameErr = h('span.field-error#aws-device-name-error', { role: 'alert' });
    const keepRadio = h('input#aws-mode-keep', { type: 'radio', name: 'aws-mode', value: 'keep', checked: keep });
    const phoneRadio = h('input#aws-mode-phone', { type: 'radio', name: 'aws-mode', value: 'phone', checked: !keep });
    const err = errorBox('aws-device-error');
    const create = button('aws-create', 'Create device', () => void go(), 'btn-primary');
    const validate = () => {
      const msg = deviceNameError(name.value);
      nameErr.textContent = msg ?? '';
      name.setAttribute('aria-invalid', String(msg !== null));
      create.disabled = msg !== null;
    };
    name.addEventListener('input', validate);
    show(
      'device',
      h('p.muted', {}, `A virtual MFA device for ${who}.`),
      h('div.field', {}, h('label', { for: 'aws-device-name' }, 'Device name'), name, nameErr, h('span.hint', {}, 'Letters, digits and _+=,.@- (no spaces). AWS shows it in the IAM console.')),
      h(
        'fieldset.choices#aws-mode',
        {},
        h('legend', {}, 'Where should the codes come from?'),
        h(
          'label.choice',
          { for: 'aws-mode-keep' },
          keepRadio,
          h('span', {}, h('strong', {}, 'Keep it in Twofold'), h('br'), h('span.hint', {}, 'Twofold holds the seed and turns the device on by itself.')),
        ),
        h(
          'label.choice',
          { for: 'aws-mode-phone' },
          phoneRadio,
          h('span', {}, h('strong', {}, 'Use my phone'), h('br'), h('span.hint', {}, 'Scan a QR code with an authenticator app and type two codes from it. Twofold keeps a copy too.')),
        ),
      ),
      err,
    );
    foot.append(button('aws-back', 'Back', targetScreen), create);
    validate();
    async function go() {
      deviceName = name.value;
      keep = keepRadio.checked;
      await start();
    }
  }

  // ---------------------------------------------------------------- Progress
  function progressScreen(heading: string): {
    step: (s: EnrollStep) => void;
    fail: (e: unknown) => void;
    list: HTMLElement;
    err: HTMLDivElement;
  } {
    const list = h('ol.steps#aws-steps');
    for (const [s, label] of STEPS) list.append(h('li', { 'data-step': s, 'data-state': 'todo' }, label));
    const err = errorBox('aws-progress-error');
    show('progress', h('p.muted#aws-progress-heading', {}, heading), list, err);
    let reached = -1;
    const step = (s: EnrollStep) => {
      const i = STEPS.findIndex(([k]) => k === s);
      reached = Math.max(reached, i);
      list.querySelectorAll('li').forEach((li, j) => {
        li.dataset.state = j < reached || (j === reached && s === 'done') ? 'done' : j === reached ? 'active' : 'todo';
      });
    };
    const fail = (e: unknown) => {
      const active = list.querySelector('li[data-state="active"]') as HTMLElement | null;
      if (active) active.dataset.state = 'failed';
      showError(err, e);
    };
    return { step, fail, list, err };
  }

  async function start() {
    const p = progressScreen(`Setting up ${deviceName}…`);
    try {
      started = await awsEnrollStart(targetUser, deviceName, keep, p.step);
    } catch (e) {
      p.fail(e);
      // Nothing was saved before Persist: going back is safe.
      foot.append(button('aws-back', 'Back', deviceScreen), button('aws-close', 'Close', close));
      return;
    }
    if (keep) await confirm(null);
    else showQrScreen();
  }

  async function confirm(codes: [string, string] | null): Promise<boolean> {
    if (!started) return false;
    const p = progressScreen(`Turning on ${started.serial}…`);
    p.step('enable');
    try {
      const done = await awsEnrollConfirm(started.accountId, codes, p.step);
      doneScreen(done);
      return true;
    } catch (e) {
      const next = afterConfirmFailure(toIpcError(e).kind, codes !== null);
      if (next === 'codes') {
        showQrScreen(e);
        return false;
      }
      p.fail(e);
      foot.append(button('aws-abort', 'Abort', () => void abortScreen(null), 'btn-danger'), h('span.spacer'), button('aws-close', 'Close', close));
      // Typed codes are not sent twice: a retry asks for the codes on the phone now.
      if (next === 'retry') foot.append(button('aws-retry', 'Retry', () => void (codes === null ? confirm(null) : showQrScreen()), 'btn-primary'));
      return false;
    }
  }

  // ---------------------------------------------------------------- ShowQr + EnterCodes
  function showQrScreen(error?: unknown) {
    if (!started) return;
    const qr = h('div.qr#aws-qr', { 'aria-label': 'QR code for your authenticator app' });
    if (started.qrSvg) {
      const svg = new DOMParser().parseFromString(started.qrSvg, 'image/svg+xml').documentElement;
      qr.append(document.importNode(svg, true));
    }
    const secret = h(
      'details.advanced#aws-secret-details',
      {},
      h('summary', {}, 'Can’t scan it?'),
      h('p.hint', {}, 'Enter this key in the app (time-based, 6 digits, 30 s):'),
      h('div.secret-box#aws-secret', {}, started.secret ?? ''),
    );
    const code1 = h('input.mono.code-input#aws-code1', { type: 'text', inputmode: 'numeric', maxlength: 7, autocomplete: 'one-time-code', placeholder: '123456' });
    const code2 = h('input.mono.code-input#aws-code2', { type: 'text', inputmode: 'numeric', maxlength: 7, autocomplete: 'off', placeholder: '654321' });
    const err = errorBox('aws-codes-error');
    if (error !== undefined) showError(err, error);
    show(
      'showQr',
      h('p.muted', {}, `Scan this with the authenticator app on your phone. It adds “${started.name}”.`),
      qr,
      secret,
      h(
        'div.field-row',
        {},
        field('Code 1', code1, 'The code the app shows now.'),
        field('Code 2', code2, 'The next one, after it changes.'),
      ),
      err,
    );
    const enable = button('aws-confirm', 'Turn on MFA', () => void submit(), 'btn-primary');
    foot.append(button('aws-abort', 'Abort', () => void abortScreen(null), 'btn-danger'), h('span.spacer'), enable);
    code1.focus();
    async function submit() {
      const c1 = code1.value.replace(/\s/g, '');
      const c2 = code2.value.replace(/\s/g, '');
      if (!/^\d{6}$/.test(c1) || !/^\d{6}$/.test(c2)) {
        showError(err, { kind: 'invalidInput', message: 'enter two six-digit codes from the app' });
        return;
      }
      enable.disabled = true;
      await confirm([c1, c2]);
    }
  }

  // ---------------------------------------------------------------- Done
  function doneScreen(done: EnrollDone) {
    const session = done.profile ? `twofold aws session --profile ${done.profile}` : 'twofold aws session --profile <profile>';
    show(
      'done',
      h(
        'div#aws-done',
        {},
        h('p.success', {}, `MFA is on for ${done.userName}.`),
        h('div.identity', {}, h('div.identity-row', {}, h('span.label', {}, 'Device'), h('code#aws-done-serial', {}, done.serial)), h('div.identity-row', {}, h('span.label', {}, 'In Twofold'), h('span#aws-done-name', {}, done.name))),
        h('h3', {}, 'What next'),
        h(
          'ol.next-steps',
          {},
          h('li', {}, 'Sign out of the AWS console and sign in again: it now asks for an MFA code. Twofold shows it under “Amazon Web Services”.'),
          h('li', {}, 'For the AWS CLI and SDKs, get MFA session credentials with ', h('code', {}, session), '.'),
          h('li', {}, 'Policies that require MFA (aws:MultiFactorAuthPresent) now let this user through once signed in with it.'),
        ),
      ),
    );
    foot.append(
      button('aws-show-devices', 'Devices', () => void devicesScreen(done.userName)),
      button('aws-close', 'Close', close, 'btn-primary'),
    );
  }

  // ---------------------------------------------------------------- Resume / Abort
  async function resume(pending: PendingEnrollment) {
    const p = progressScreen(`Finishing ${pending.serial}…`);
    for (const s of ['identify', 'create', 'persist'] as EnrollStep[]) p.step(s);
    p.step('enable');
    try {
      doneScreen(await awsEnrollResume(pending.accountId, p.step));
    } catch (e) {
      p.fail(e);
      foot.append(button('aws-close', 'Close', close), button('aws-retry', 'Retry', () => void resume(pending), 'btn-primary'));
    }
  }

  async function abortScreen(pending: PendingEnrollment | null) {
    const id = pending?.accountId ?? started?.accountId ?? pendingId;
    const serial = pending?.serial ?? started?.serial ?? '';
    if (!id) return;
    const ok = await confirmDialog({
      title: 'Abort the setup?',
      message: `The virtual MFA device ${serial} will be deleted in AWS and its seed removed from Twofold.`,
      confirmLabel: 'Delete device',
      danger: true,
    });
    if (!ok) {
      if (pending) close();
      return;
    }
    const err = errorBox('aws-abort-error');
    show('progress', h('p.muted', {}, `Deleting ${serial}…`), err);
    try {
      await awsEnrollAbort(id);
      showToast('The unfinished MFA device was deleted');
      close();
    } catch (e) {
      showError(err, e);
      foot.append(button('aws-close', 'Close', close));
    }
  }

  // ---------------------------------------------------------------- Devices
  async function devicesScreen(user: string | null) {
    const err = errorBox('aws-devices-error');
    const list = h('ul.devices#aws-devices');
    const token = h('div.token-form#aws-token-form', { hidden: true });
    show('devices', h('p.muted#aws-devices-heading', {}, 'Loading devices…'), list, token, err);
    foot.append(
      button('aws-back', 'Back', targetScreen),
      button('aws-add-token', 'Add a hardware token', () => tokenForm()),
      h('span.spacer'),
      button('aws-close', 'Close', close, 'btn-primary'),
    );
    let userName = user ?? '';
    try {
      const res = await awsDevices(user);
      userName = res.userName;
      (body.querySelector('#aws-devices-heading') as HTMLElement).textContent =
        res.devices.length === 0 ? `${userName} has no MFA devices.` : `MFA devices of ${userName}:`;
      for (const d of res.devices) list.append(deviceRow(d));
    } catch (e) {
      showError(err, e);
    }

    // A hardware TOTP token (key fob, display card): its serial and two consecutive codes from
    // its display. Twofold keeps nothing: it never has the token's seed.
    function tokenForm() {
      const serial = h('input.mono#token-serial', { type: 'text', placeholder: 'GAHT12345678', autocomplete: 'off', spellcheck: 'false' }) as HTMLInputElement;
      const c1 = h('input.mono.code-input#token-code1', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 7 }) as HTMLInputElement;
      const c2 = h('input.mono.code-input#token-code2', { type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: 7 }) as HTMLInputElement;
      const tokenErr = errorBox('token-error');
      const submit = h('button.btn.btn-primary#token-submit', { type: 'button' }, 'Enable token') as HTMLButtonElement;
      submit.addEventListener('click', () => void send());
      token.replaceChildren(
        h('p.hint', {}, `For ${userName || 'the user'}: type the serial number printed on the back of the token, press its button and type the code, then wait for the next code and type it too.`),
        field('Serial number', serial),
        field('First code', c1),
        field('Next code', c2),
        tokenErr,
        submit,
      );
      token.hidden = false;
      serial.focus();
      async function send() {
        tokenErr.hidden = true;
        submit.disabled = true;
        try {
          const d = await awsAssignToken(userName, serial.value, [c1.value, c2.value]);
          showToast(`Hardware token ${d.serial} enabled for ${userName}`);
          await devicesScreen(userName);
        } catch (e) {
          showError(tokenErr, e);
          submit.disabled = false;
        }
      }
    }

    function deviceRow(d: MfaDeviceView): HTMLElement {
      const kind = d.kind === 'virtual' ? 'Virtual' : d.kind === 'securityKey' ? 'Security key' : 'Hardware token';
      const act = errorBox(null);
      const codes = h('div.resync-codes', { hidden: true });
      const li = h(
        'li.device-row',
        { 'data-serial': d.serial },
        h(
          'div.device-meta',
          {},
          h('code.device-serial', {}, d.serial),
          h(
            'div.hint',
            {},
            `${kind} · enabled ${formatDate(d.enabledAt)}`,
            d.accountName ? h('span.badge', {}, 'in Twofold') : null,
          ),
        ),
        h(
          'div.device-actions',
          {},
          d.kind === 'securityKey' ? null : button('', 'Resync', () => void resync(), 'btn-sm device-resync'),
          button('', 'Deactivate', () => void deactivate(false), 'btn-sm device-deactivate'),
          d.kind === 'virtual' ? button('', 'Delete', () => void deactivate(true), 'btn-sm btn-danger device-delete') : null,
        ),
        codes,
        act,
      );

      async function resync() {
        act.hidden = true;
        if (!d.accountName && codes.hidden) {
          // Twofold does not hold the seed: ask for two codes from the device.
          const c1 = h('input.mono.code-input.resync-code1', { type: 'text', inputmode: 'numeric', placeholder: 'Code 1' });
          const c2 = h('input.mono.code-input.resync-code2', { type: 'text', inputmode: 'numeric', placeholder: 'Code 2' });
          codes.replaceChildren(c1, c2, button('', 'Resync', () => void send([c1.value.trim(), c2.value.trim()]), 'btn-sm btn-primary resync-submit'));
          codes.hidden = false;
          c1.focus();
          return;
        }
        await send(null);
      }
      async function send(typed: [string, string] | null) {
        try {
          await awsResync(d.serial, userName, typed);
          codes.hidden = true;
          showToast('Device resynchronised');
        } catch (e) {
          showError(act, e);
        }
      }
      async function deactivate(del: boolean) {
        const ok = await confirmDialog({
          title: del ? 'Delete this MFA device?' : 'Deactivate this MFA device?',
          message: del
            ? `${d.serial} will be deactivated and deleted${d.accountName ? `, and “${d.accountName}” removed from Twofold` : ''}. ${userName} can no longer sign in with it.`
            : `${d.serial} will no longer be accepted for ${userName}. The device itself stays and can be enabled again.`,
          confirmLabel: del ? 'Delete' : 'Deactivate',
          danger: true,
        });
        if (!ok) return;
        try {
          await awsDeactivate(d.serial, userName, del);
          showToast(del ? 'Device deleted' : 'Device deactivated');
          await devicesScreen(userName);
        } catch (e) {
          showError(act, e);
        }
      }
      return li;
    }
  }

  if (intent.kind === 'enrollUser') targetScreen();
  else void credentialsScreen();
}
