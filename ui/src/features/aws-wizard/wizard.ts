// The AWS MFA wizard. A state machine mirroring twofold_core::aws::enroll::Step:
//   Credentials -> Target -> Device -> Progress (Identify, Create, Persist)
//     keep mode:  -> Progress (Enable, Verify) -> Done
//     phone mode: -> ShowQr (+ two codes) -> Progress (Enable, Verify) -> Done
// plus Devices (list, resync, deactivate, delete) and the resume/abort of an interrupted run.
import type { AwsWhoami } from '../../bindings/AwsWhoami';
import type { EnrollDone } from '../../bindings/EnrollDone';
import type { EnrollStarted } from '../../bindings/EnrollStarted';
import type { EnrollStep } from '../../bindings/EnrollStep';
import type { MfaDeviceKind } from '../../bindings/MfaDeviceKind';
import type { MfaDeviceView } from '../../bindings/MfaDeviceView';
import type { PendingEnrollment } from '../../bindings/PendingEnrollment';
import { connectScreen } from '../../components/connect';
import { confirmDialog } from '../../components/dialog';
import { errorBox, openStepsDialog, showError } from '../../components/steps';
import { h, marker, withNodes } from '../../components/dom';
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
import { formatDateTime, tr } from '../../i18n/i18n';

const t = tr('wizard');
const tc = tr('common');

export type WizardIntent =
  | { kind: 'enroll' }
  /** From Account security: already connected as `whoami`, enrolling `user`. */
  | { kind: 'enrollUser'; user: string; whoami: AwsWhoami }
  | { kind: 'resume'; pending: PendingEnrollment }
  | { kind: 'abort'; pending: PendingEnrollment };

type Screen = 'credentials' | 'target' | 'device' | 'progress' | 'showQr' | 'done' | 'devices';

const STEPS: EnrollStep[] = ['identify', 'create', 'persist', 'enable', 'verify', 'done'];

/** The progress list's words for a step. */
function stepLabel(s: EnrollStep): string {
  switch (s) {
    case 'identify':
      return t('step.identify');
    case 'create':
      return t('step.create');
    case 'persist':
      return t('step.persist');
    case 'enable':
      return t('step.enable');
    case 'verify':
      return t('step.verify');
    case 'done':
      return t('step.done');
  }
}

/** "Virtual", "Security key", "Hardware token". */
function kindLabel(kind: MfaDeviceKind): string {
  switch (kind) {
    case 'virtual':
      return t('devices.kindVirtual');
    case 'securityKey':
      return t('devices.kindSecurityKey');
    case 'hardware':
      return t('devices.kindHardware');
  }
}


/** Opens the wizard; `onClose` runs when it closes (the caller refreshes its list). */
export function openAwsWizard(intent: WizardIntent, onClose: () => void): void {
  const title =
    intent.kind === 'enroll' || intent.kind === 'enrollUser' ? t('title.enroll') : intent.kind === 'resume' ? t('title.resume') : t('title.abort');
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
            skew > 0 ? t('identity.skewBehind', { secs: Math.abs(skew) }) : t('identity.skewAhead', { secs: Math.abs(skew) }),
          )
        : null;
    return h(
      'div.identity#aws-identity',
      {},
      h('div.identity-row', {}, h('span.label', {}, t('identity.signedInAs')), h('code#aws-arn', {}, whoami.arn)),
      h('div.identity-row', {}, h('span.label', {}, t('identity.account')), h('code#aws-account', {}, whoami.account)),
      h(
        'div.identity-row',
        {},
        h('span.label', {}, t('identity.clock')),
        h('span#aws-skew', {}, skew === null ? t('identity.clockUnknown') : t('identity.clockSkew', { skew: `${skew >= 0 ? '+' : ''}${skew}` })),
      ),
      warn,
    );
  }

  // ---------------------------------------------------------------- Credentials
  function credentialsScreen() {
    const intro =
      intent.kind === 'resume' || intent.kind === 'abort'
        ? intent.kind === 'resume'
          ? t('credentials.introResume', { serial: intent.pending.serial })
          : t('credentials.introAbort', { serial: intent.pending.serial })
        : t('credentials.intro');
    return connectScreen(d, {
      intro,
      profile: profileName,
      next: t('action.continue'),
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
        message: t('credentials.wrongAccount', { account: whoami.account, expected: intent.pending.awsAccount }),
      });
      show('credentials', identityCard(), err);
      foot.append(button('aws-back', t('action.back'), () => void credentialsScreen()), button('aws-cancel', tc('action.cancel'), close));
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
    const user = h('input#aws-target-user', { type: 'text', placeholder: t('target.userPlaceholder'), autocomplete: 'off', spellcheck: 'false' });
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
      ? h('p.hint', {}, t('target.rootNote'))
      : null;
    show(
      'target',
      identityCard(),
      h(
        'fieldset.choices#aws-target',
        {},
        h('legend', {}, t('target.legend')),
        h('label.choice', { for: 'aws-target-self' }, self, h('span', {}, me ? t('target.myself', { name: me }) : t('target.myselfNoUser'))),
        h('label.choice', { for: 'aws-target-other' }, other, h('span', {}, t('target.other'))),
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
        showError(err, { kind: 'invalidInput', message: t('target.enterUser') });
        return undefined;
      }
      return u;
    };
    foot.append(
      button('aws-back', t('action.back'), () => void credentialsScreen()),
      h('span.spacer'),
      button('aws-show-devices', t('action.devices'), () => {
        const u = chosen();
        if (u !== undefined) void devicesScreen(u);
      }),
      button(
        'aws-target-next',
        t('action.next'),
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
    const create = button('aws-create', t('action.createDevice'), () => void go(), 'btn-primary');
    const validate = () => {
      const msg = deviceNameError(name.value);
      nameErr.textContent = msg ?? '';
      name.setAttribute('aria-invalid', String(msg !== null));
      create.disabled = msg !== null;
    };
    name.addEventListener('input', validate);
    show(
      'device',
      h('p.muted', {}, t('device.intro', { name: who })),
      h('div.field', {}, h('label', { for: 'aws-device-name' }, t('device.name')), name, nameErr, h('span.hint', {}, t('device.nameHint'))),
      h(
        'fieldset.choices#aws-mode',
        {},
        h('legend', {}, t('device.modeLegend')),
        h(
          'label.choice',
          { for: 'aws-mode-keep' },
          keepRadio,
          h('span', {}, h('strong', {}, t('device.keep')), h('br'), h('span.hint', {}, t('device.keepHint'))),
        ),
        h(
          'label.choice',
          { for: 'aws-mode-phone' },
          phoneRadio,
          h('span', {}, h('strong', {}, t('device.phone')), h('br'), h('span.hint', {}, t('device.phoneHint'))),
        ),
      ),
      err,
    );
    foot.append(button('aws-back', t('action.back'), targetScreen), create);
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
    for (const s of STEPS) list.append(h('li', { 'data-step': s, 'data-state': 'todo' }, stepLabel(s)));
    const err = errorBox('aws-progress-error');
    show('progress', h('p.muted#aws-progress-heading', {}, heading), list, err);
    let reached = -1;
    const step = (s: EnrollStep) => {
      const i = STEPS.indexOf(s);
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
    const p = progressScreen(t('progress.settingUp', { name: deviceName }));
    try {
      started = await awsEnrollStart(targetUser, deviceName, keep, p.step);
    } catch (e) {
      p.fail(e);
      // Nothing was saved before Persist: going back is safe.
      foot.append(button('aws-back', t('action.back'), deviceScreen), button('aws-close', tc('action.close'), close));
      return;
    }
    if (keep) await confirm(null);
    else showQrScreen();
  }

  async function confirm(codes: [string, string] | null): Promise<boolean> {
    if (!started) return false;
    const p = progressScreen(t('progress.turningOn', { serial: started.serial }));
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
      foot.append(button('aws-abort', t('action.abort'), () => void abortScreen(null), 'btn-danger'), h('span.spacer'), button('aws-close', tc('action.close'), close));
      // Typed codes are not sent twice: a retry asks for the codes on the phone now.
      if (next === 'retry') foot.append(button('aws-retry', t('action.retry'), () => void (codes === null ? confirm(null) : showQrScreen()), 'btn-primary'));
      return false;
    }
  }

  // ---------------------------------------------------------------- ShowQr + EnterCodes
  function showQrScreen(error?: unknown) {
    if (!started) return;
    const qr = h('div.qr#aws-qr', { 'aria-label': t('qr.label') });
    if (started.qrSvg) {
      const svg = new DOMParser().parseFromString(started.qrSvg, 'image/svg+xml').documentElement;
      qr.append(document.importNode(svg, true));
    }
    const secret = h(
      'details.advanced#aws-secret-details',
      {},
      h('summary', {}, t('qr.cantScan')),
      h('p.hint', {}, t('qr.enterKey')),
      h('div.secret-box#aws-secret', {}, started.secret ?? ''),
    );
    const code1 = h('input.mono.code-input#aws-code1', { type: 'text', inputmode: 'numeric', maxlength: 7, autocomplete: 'one-time-code', placeholder: '123456' });
    const code2 = h('input.mono.code-input#aws-code2', { type: 'text', inputmode: 'numeric', maxlength: 7, autocomplete: 'off', placeholder: '654321' });
    const err = errorBox('aws-codes-error');
    if (error !== undefined) showError(err, error);
    show(
      'showQr',
      h('p.muted', {}, t('qr.intro', { name: started.name })),
      qr,
      secret,
      h(
        'div.field-row',
        {},
        field(t('qr.code1'), code1, t('qr.code1Hint')),
        field(t('qr.code2'), code2, t('qr.code2Hint')),
      ),
      err,
    );
    const enable = button('aws-confirm', t('action.turnOn'), () => void submit(), 'btn-primary');
    foot.append(button('aws-abort', t('action.abort'), () => void abortScreen(null), 'btn-danger'), h('span.spacer'), enable);
    code1.focus();
    async function submit() {
      const c1 = code1.value.replace(/\s/g, '');
      const c2 = code2.value.replace(/\s/g, '');
      if (!/^\d{6}$/.test(c1) || !/^\d{6}$/.test(c2)) {
        showError(err, { kind: 'invalidInput', message: t('qr.needCodes') });
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
        h('p.success', {}, t('done.success', { user: done.userName })),
        h('div.identity', {}, h('div.identity-row', {}, h('span.label', {}, t('done.device')), h('code#aws-done-serial', {}, done.serial)), h('div.identity-row', {}, h('span.label', {}, t('done.inTwofold')), h('span#aws-done-name', {}, done.name))),
        h('h3', {}, t('done.whatNext')),
        h(
          'ol.next-steps',
          {},
          h('li', {}, t('done.console')),
          h('li', {}, ...withNodes(t('done.cli', { command: marker('command') }), { command: h('code', {}, session) })),
          h('li', {}, t('done.policies')),
        ),
      ),
    );
    foot.append(
      button('aws-show-devices', t('action.devices'), () => void devicesScreen(done.userName)),
      button('aws-close', tc('action.close'), close, 'btn-primary'),
    );
  }

  // ---------------------------------------------------------------- Resume / Abort
  async function resume(pending: PendingEnrollment) {
    const p = progressScreen(t('progress.finishing', { serial: pending.serial }));
    for (const s of ['identify', 'create', 'persist'] as EnrollStep[]) p.step(s);
    p.step('enable');
    try {
      doneScreen(await awsEnrollResume(pending.accountId, p.step));
    } catch (e) {
      p.fail(e);
      foot.append(button('aws-close', tc('action.close'), close), button('aws-retry', t('action.retry'), () => void resume(pending), 'btn-primary'));
    }
  }

  async function abortScreen(pending: PendingEnrollment | null) {
    const id = pending?.accountId ?? started?.accountId ?? pendingId;
    const serial = pending?.serial ?? started?.serial ?? '';
    if (!id) return;
    const ok = await confirmDialog({
      title: t('abort.title'),
      message: t('abort.message', { serial }),
      confirmLabel: t('action.deleteDevice'),
      danger: true,
    });
    if (!ok) {
      if (pending) close();
      return;
    }
    const err = errorBox('aws-abort-error');
    show('progress', h('p.muted', {}, t('abort.deleting', { serial })), err);
    try {
      await awsEnrollAbort(id);
      showToast(t('abort.deleted'));
      close();
    } catch (e) {
      showError(err, e);
      foot.append(button('aws-close', tc('action.close'), close));
    }
  }

  // ---------------------------------------------------------------- Devices
  async function devicesScreen(user: string | null) {
    const err = errorBox('aws-devices-error');
    const list = h('ul.devices#aws-devices');
    const token = h('div.token-form#aws-token-form', { hidden: true });
    show('devices', h('p.muted#aws-devices-heading', {}, t('devices.loading')), list, token, err);
    foot.append(
      button('aws-back', t('action.back'), targetScreen),
      button('aws-add-token', t('action.addToken'), () => tokenForm()),
      h('span.spacer'),
      button('aws-close', tc('action.close'), close, 'btn-primary'),
    );
    let userName = user ?? '';
    try {
      const res = await awsDevices(user);
      userName = res.userName;
      (body.querySelector('#aws-devices-heading') as HTMLElement).textContent =
        res.devices.length === 0 ? t('devices.none', { user: userName }) : t('devices.list', { user: userName });
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
      const submit = h('button.btn.btn-primary#token-submit', { type: 'button' }, t('action.enableToken')) as HTMLButtonElement;
      submit.addEventListener('click', () => void send());
      token.replaceChildren(
        h('p.hint', {}, userName ? t('token.hint', { user: userName }) : t('token.hintNoUser')),
        field(t('token.serial'), serial),
        field(t('token.firstCode'), c1),
        field(t('token.nextCode'), c2),
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
          showToast(t('token.enabled', { serial: d.serial, user: userName }));
          await devicesScreen(userName);
        } catch (e) {
          showError(tokenErr, e);
          submit.disabled = false;
        }
      }
    }

    function deviceRow(d: MfaDeviceView): HTMLElement {
      const kind = kindLabel(d.kind);
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
            d.enabledAt === null ? t('devices.notAssigned', { kind }) : t('devices.enabledAt', { kind, date: formatDateTime(d.enabledAt) }),
            d.accountName ? h('span.badge', {}, t('devices.inTwofold')) : null,
          ),
        ),
        h(
          'div.device-actions',
          {},
          d.kind === 'securityKey' ? null : button('', t('action.resync'), () => void resync(), 'btn-sm device-resync'),
          button('', t('action.deactivate'), () => void deactivate(false), 'btn-sm device-deactivate'),
          d.kind === 'virtual' ? button('', t('action.delete'), () => void deactivate(true), 'btn-sm btn-danger device-delete') : null,
        ),
        codes,
        act,
      );

      async function resync() {
        act.hidden = true;
        if (!d.accountName && codes.hidden) {
          // Twofold does not hold the seed: ask for two codes from the device.
          const c1 = h('input.mono.code-input.resync-code1', { type: 'text', inputmode: 'numeric', placeholder: t('qr.code1') });
          const c2 = h('input.mono.code-input.resync-code2', { type: 'text', inputmode: 'numeric', placeholder: t('qr.code2') });
          codes.replaceChildren(c1, c2, button('', t('action.resync'), () => void send([c1.value.trim(), c2.value.trim()]), 'btn-sm btn-primary resync-submit'));
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
          showToast(t('devices.resynced'));
        } catch (e) {
          showError(act, e);
        }
      }
      async function deactivate(del: boolean) {
        const ok = await confirmDialog({
          title: del ? t('devices.deleteTitle') : t('devices.deactivateTitle'),
          message: del
            ? d.accountName
              ? t('devices.deleteMessageAccount', { serial: d.serial, name: d.accountName, user: userName })
              : t('devices.deleteMessage', { serial: d.serial, user: userName })
            : t('devices.deactivateMessage', { serial: d.serial, user: userName }),
          confirmLabel: del ? t('action.delete') : t('action.deactivate'),
          danger: true,
        });
        if (!ok) return;
        try {
          await awsDeactivate(d.serial, userName, del);
          showToast(del ? t('devices.deleted') : t('devices.deactivated'));
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
