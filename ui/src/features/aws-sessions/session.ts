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
import { DURATIONS, formatLeft } from './format';

export function openSessionDialog(account: AccountSummary): void {
  let timer = 0;
  const { foot, close, show, button } = openStepsDialog(
    'aws-session',
    'AWS CLI session',
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
      show('loading', h('p.muted', {}, 'Reading the AWS profiles…'), err);
      try {
        options = await awsSessionOptions(account.id);
      } catch (e) {
        showError(err, e);
        foot.append(button('session-close', 'Close', close));
        return;
      }
      chosen.profile = options.preselect ?? options.profiles[0]?.name ?? '';
    }
    const opts = options;
    if (opts.profiles.length === 0) {
      show(
        'form',
        h('p', {}, `No AWS profiles found. Add the profile with your long-term access keys to ${opts.credentialsFile} (and its settings to ${opts.configFile}), with:`),
        h('pre.code-block', {}, `[profile NAME]\nmfa_serial = ${link?.serial ?? 'arn:aws:iam::ACCOUNT:mfa/DEVICE'}`),
      );
      foot.append(button('session-close', 'Close', close, 'btn-primary'));
      return;
    }
    const profile = h('select#session-profile', {});
    for (const p of opts.profiles) {
      const extra = p.mfaSerial === link?.serial ? ' (this device)' : p.roleArn ? ' (role)' : '';
      profile.append(h('option', { value: p.name, selected: p.name === chosen.profile }, p.name + extra));
    }
    const duration = h('select#session-duration', {});
    for (const [secs, label] of DURATIONS) {
      duration.append(h('option', { value: secs, selected: secs === chosen.duration }, label));
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
      h('summary', {}, 'Advanced'),
      field('Endpoint URL', endpoint, 'For VPC endpoints or other partitions; empty for AWS.'),
    );
    if (chosen.endpoint) advanced.open = true;
    show(
      'form',
      h(
        'div.identity',
        {},
        h('div.identity-row', {}, h('span.label', {}, 'Device'), h('code#session-serial', {}, link?.serial ?? '')),
        h('div.identity-row', {}, h('span.label', {}, 'User'), h('span', {}, `${link?.userName ?? ''} in ${link?.awsAccount ?? ''}`)),
      ),
      field('Profile', profile, 'Its long-term keys sign the request; a role profile assumes its role.'),
      field('Duration', duration),
      field('Write the session as profile', target, `Into ${opts.credentialsFile}. Use it with aws --profile NAME.`),
      advanced,
      h('p.hint', {}, 'Twofold sends a fresh code from this account. AWS accepts each code only once, so if the current one was just used, Twofold waits for the next (at most 30 s) and carries on by itself.'),
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
      button('session-setup', 'Set up automatic sessions', () => {
        read();
        void setupScreen();
      }),
      h('span.spacer'),
      button('session-cancel', 'Cancel', close),
      button(
        'session-start',
        'Start session',
        () => {
          read();
          void start();
        },
        'btn-primary',
      ),
    );
  }

  async function start() {
    const status = h('p#session-status', {}, 'Starting…');
    const err = errBox();
    show('progress', h('p.muted', {}, `Getting an MFA session for profile ${chosen.profile}…`), status, err);
    let waitUntil = 0;
    const onProgress = (p: SessionProgress) => {
      window.clearInterval(timer);
      status.dataset.step = p.step;
      switch (p.step) {
        case 'connecting':
          status.textContent = `Signing in with profile ${chosen.profile}…`;
          break;
        case 'waiting': {
          waitUntil = Date.now() / 1000 + (p.waitSecs ?? 0);
          const paint = () => {
            const left = Math.max(0, Math.ceil(waitUntil - Date.now() / 1000));
            status.textContent = `Waiting ${left} s for a fresh code: AWS already saw this one and accepts each code only once…`;
          };
          paint();
          timer = window.setInterval(paint, 1000);
          break;
        }
        case 'requesting':
          status.textContent = 'Asking AWS for temporary credentials…';
          break;
        case 'writing':
          status.textContent = 'Writing the credentials file…';
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
      status.textContent = 'No session.';
      showError(err, e);
      foot.append(button('session-back', 'Back', () => void formScreen()), button('session-retry', 'Try again', () => void start(), 'btn-primary'));
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
        h('p.success', {}, s.source === 'cache' ? 'Session ready (reused from Twofold’s cache).' : 'Session ready.'),
        h(
          'div.identity',
          {},
          h('div.identity-row', {}, h('span.label', {}, 'Profile'), h('code#session-done-target', {}, s.target)),
          h('div.identity-row', {}, h('span.label', {}, 'File'), h('code#session-done-file', {}, s.file)),
          h('div.identity-row', {}, h('span.label', {}, 'Key'), h('code', {}, s.accessKeyId)),
          h('div.identity-row', {}, h('span.label', {}, 'Expires in'), left),
        ),
        h('p.hint', {}, `Expires at ${new Date(s.expiration * 1000).toLocaleString()}. Use it with:`),
        h('pre.code-block', {}, `aws sts get-caller-identity --profile ${s.target}`),
      ),
    );
    paint();
    timer = window.setInterval(paint, 1000);
    foot.append(button('session-again', 'New session', () => void formScreen()), h('span.spacer'), button('session-close', 'Close', close, 'btn-primary'));
  }

  async function setupScreen() {
    const err = errBox();
    show('setup', h('p.muted', {}, `Adding a profile for ${chosen.profile}…`), err);
    try {
      const r = await awsSetupProfile(chosen.profile);
      show(
        'setup',
        h(
          'div#setup-done',
          { 'data-written': String(r.written) },
          r.written
            ? h('p.success', {}, `Added profile ${r.target} to ${r.file}.`)
            : h('p.warning#setup-missing-cli', {}, `Nothing was changed: the twofold command-line tool, which the AWS CLI runs for each session, was found neither beside Twofold nor on PATH. ${r.missingCli ?? ''} Then add this to ${r.file}:`),
          h('pre.code-block#setup-block', {}, r.block),
          h(
            'p.hint',
            {},
            `The AWS CLI and SDKs now ask Twofold for MFA credentials whenever they need them: aws --profile ${r.target} …. Twofold reuses a session until five minutes before it expires.`,
          ),
        ),
      );
    } catch (e) {
      showError(err, e);
    }
    foot.append(button('session-back', 'Back', () => void formScreen()), h('span.spacer'), button('session-close', 'Close', close, 'btn-primary'));
  }

  void formScreen();
}
