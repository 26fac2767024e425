// "Start CLI session" on an AWS-linked account: temporary MFA credentials for the AWS CLI,
// written into the credentials file as a profile, with a live countdown to expiry. Also
// "Set up automatic sessions" (a credential_process profile, so the CLI asks Twofold itself).
import type { AccountSummary } from '../../bindings/AccountSummary';
import type { SessionOptions } from '../../bindings/SessionOptions';
import type { SessionProgress } from '../../bindings/SessionProgress';
import type { SessionStarted } from '../../bindings/SessionStarted';
import { errorBox, openStepsDialog, showError } from '../../components/steps';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { awsSessionOptions, awsSessionStart, awsSetupProfile } from '../../ipc/commands';
import { formatDateTime, tr } from '../../i18n/i18n';
import { DURATIONS, durationLabel, formatLeft } from './format';

const t = tr('sessions');
const tc = tr('common');

export function openSessionDialog(account: AccountSummary): void {
  let timer = 0;
  const { foot, close, show, button } = openStepsDialog(
    'aws-session',
    t('title'),
    () => window.clearInterval(timer),
    [],
    () => window.clearInterval(timer),
  );
  const link = account.aws;
  const errBox = () => errorBox('session-error');

  let options: SessionOptions | null = null;
  // Remembered between screens.
  let chosen = { profile: '', duration: 3600, target: '', targetEdited: false, endpoint: '' };

  async function formScreen() {
    const err = errBox();
    if (!options) {
      show('loading', h('p.muted', {}, t('reading')), err);
      try {
        options = await awsSessionOptions(account.id);
      } catch (e) {
        showError(err, e);
        foot.append(button('session-close', tc('action.close'), close));
        return;
      }
      chosen.profile = options.preselect ?? options.profiles[0]?.name ?? '';
    }
    const opts = options;
    if (opts.profiles.length === 0) {
      show(
        'form',
        h('p', {}, t('noProfiles', { credentials: opts.credentialsFile, config: opts.configFile })),
        h('pre.code-block', {}, `[profile NAME]\nmfa_serial = ${link?.serial ?? 'arn:aws:iam::ACCOUNT:mfa/DEVICE'}`),
      );
      foot.append(button('session-close', tc('action.close'), close, 'btn-primary'));
      return;
    }
    const profile = h('select#session-profile', {});
    for (const p of opts.profiles) {
      const label =
        p.mfaSerial === link?.serial
          ? t('profileThisDevice', { name: p.name })
          : p.roleArn
            ? t('profileRole', { name: p.name })
            : p.name;
      profile.append(h('option', { value: p.name, selected: p.name === chosen.profile }, label));
    }
    const duration = h('select#session-duration', {});
    for (const secs of DURATIONS) {
      duration.append(h('option', { value: secs, selected: secs === chosen.duration }, durationLabel(secs)));
    }
    const target = h('input.mono#session-target', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
    const endpoint = h('input.mono#session-endpoint-url', { type: 'url', placeholder: 'https://sts.amazonaws.com', autocomplete: 'off', value: chosen.endpoint });
    const syncTarget = () => {
      if (!chosen.targetEdited) target.value = `${profile.value}-mfa`;
    };
    target.value = chosen.targetEdited ? chosen.target : `${profile.value}-mfa`;
    profile.addEventListener('change', syncTarget);
    target.addEventListener('input', () => (chosen.targetEdited = true));
    const advanced = h(
      'details.advanced#session-advanced',
      {},
      h('summary', {}, t('advanced')),
      field(t('endpoint'), endpoint, t('endpointHint')),
    );
    if (chosen.endpoint) advanced.open = true;
    show(
      'form',
      h(
        'div.identity',
        {},
        h('div.identity-row', {}, h('span.label', {}, t('device')), h('code#session-serial', {}, link?.serial ?? '')),
        h('div.identity-row', {}, h('span.label', {}, t('user')), h('span', {}, t('userIn', { user: link?.userName ?? '', account: link?.awsAccount ?? '' }))),
      ),
      field(t('profile'), profile, t('profileHint')),
      field(t('duration'), duration),
      field(t('target'), target, t('targetHint', { file: opts.credentialsFile })),
      advanced,
      h('p.hint', {}, t('freshCode')),
      err,
    );
    const read = () => {
      chosen = {
        profile: profile.value,
        duration: Number(duration.value),
        target: target.value.trim(),
        targetEdited: chosen.targetEdited,
        endpoint: endpoint.value.trim(),
      };
    };
    foot.append(
      button('session-setup', t('action.setup'), () => {
        read();
        void setupScreen();
      }),
      h('span.spacer'),
      button('session-cancel', tc('action.cancel'), close),
      button(
        'session-start',
        t('action.start'),
        () => {
          read();
          void start();
        },
        'btn-primary',
      ),
    );
  }

  async function start() {
    const status = h('p#session-status', {}, t('progress.starting'));
    const err = errBox();
    show('progress', h('p.muted', {}, t('progress.getting', { profile: chosen.profile })), status, err);
    let waitUntil = 0;
    const onProgress = (p: SessionProgress) => {
      window.clearInterval(timer);
      status.dataset.step = p.step;
      switch (p.step) {
        case 'connecting':
          status.textContent = t('progress.connecting', { profile: chosen.profile });
          break;
        case 'waiting': {
          waitUntil = Date.now() / 1000 + (p.waitSecs ?? 0);
          const paint = () => {
            const left = Math.max(0, Math.ceil(waitUntil - Date.now() / 1000));
            status.textContent = t('progress.waiting', { secs: left });
          };
          paint();
          timer = window.setInterval(paint, 1000);
          break;
        }
        case 'requesting':
          status.textContent = t('progress.requesting');
          break;
        case 'writing':
          status.textContent = t('progress.writing');
          break;
      }
    };
    try {
      const s = await awsSessionStart(
        account.id,
        chosen.profile,
        chosen.duration || null,
        chosen.target,
        chosen.endpoint || null,
        onProgress,
      );
      doneScreen(s);
    } catch (e) {
      window.clearInterval(timer);
      status.textContent = t('progress.failed');
      showError(err, e);
      foot.append(button('session-back', t('action.back'), () => void formScreen()), button('session-retry', t('action.tryAgain'), () => void start(), 'btn-primary'));
    }
  }

  function doneScreen(s: SessionStarted) {
    const left = h('strong#session-expiry', {});
    const paint = () => {
      const secs = s.expiration - Date.now() / 1000;
      left.textContent = formatLeft(secs);
      left.classList.toggle('warning', secs < 300);
    };
    show(
      'done',
      h(
        'div#session-done',
        {},
        h('p.success', {}, s.source === 'cache' ? t('done.readyCache') : t('done.ready')),
        h(
          'div.identity',
          {},
          h('div.identity-row', {}, h('span.label', {}, t('done.profile')), h('code#session-done-target', {}, s.target)),
          h('div.identity-row', {}, h('span.label', {}, t('done.file')), h('code#session-done-file', {}, s.file)),
          h('div.identity-row', {}, h('span.label', {}, t('done.key')), h('code', {}, s.accessKeyId)),
          h('div.identity-row', {}, h('span.label', {}, t('done.expiresIn')), left),
        ),
        h('p.hint', {}, t('done.expiresAt', { time: formatDateTime(s.expiration) })),
        h('pre.code-block', {}, `aws sts get-caller-identity --profile ${s.target}`),
      ),
    );
    paint();
    timer = window.setInterval(paint, 1000);
    foot.append(button('session-again', t('action.newSession'), () => void formScreen()), h('span.spacer'), button('session-close', tc('action.close'), close, 'btn-primary'));
  }

  async function setupScreen() {
    const err = errBox();
    show('setup', h('p.muted', {}, t('setup.adding', { profile: chosen.profile })), err);
    try {
      const r = await awsSetupProfile(chosen.profile);
      show(
        'setup',
        h(
          'div#setup-done',
          { 'data-written': String(r.written) },
          r.written
            ? h('p.success', {}, t('setup.added', { target: r.target, file: r.file }))
            : h('p.warning#setup-missing-cli', {}, t('setup.missingCli', { detail: r.missingCli ?? '', file: r.file })),
          h('pre.code-block#setup-block', {}, r.block),
          h(
            'p.hint',
            {},
            t('setup.hint', { target: r.target }),
          ),
        ),
      );
    } catch (e) {
      showError(err, e);
    }
    foot.append(button('session-back', t('action.back'), () => void formScreen()), h('span.spacer'), button('session-close', tc('action.close'), close, 'btn-primary'));
  }

  void formScreen();
}
