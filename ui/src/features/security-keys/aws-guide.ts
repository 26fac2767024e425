// "Add a security key to AWS": IAM has no API to register a FIDO key (the console does it with
// WebAuthn in the browser), so Twofold connects (components/connect.ts), remembers the
// user's current MFA devices, walks the user through the console, then polls ListMFADevices
// until the new key shows up and shows its serial and enable date.
import type { AwsWhoami } from '../../bindings/AwsWhoami';
import type { SecurityKeyCheck } from '../../bindings/SecurityKeyCheck';
import { h } from '../../components/dom';
import { showError, openStepsDialog } from '../../components/steps';
import { connectScreen } from '../../components/connect';
import { formatDateTime, tr } from '../../i18n/i18n';
import { awsDevices, awsDisconnect, awsProfiles, awsSecurityKeyCheck, awsWhoami } from '../../ipc/commands';
import { marker, withNodes } from '../../components/dom';

const t = tr('keys');
const tc = tr('common');

const DEVICE_LIMIT = 8;
/** How many ListMFADevices calls one "check" makes, and how far apart. */
const CHECK_TRIES = 4;
const CHECK_GAP_MS = 1500;

const sleep = (ms: number) => new Promise((r) => window.setTimeout(r, ms));

function dateTime(secs: number | null): string {
  return secs === null ? t('aws.unknownDate') : formatDateTime(secs);
}

export function openSecurityKeyAwsGuide(): void {
  const d = openStepsDialog('fido-aws', t('aws.title'), () => void awsDisconnect().catch(() => {}));
  const { foot, close, show, button } = d;

  const connect = () =>
    connectScreen(d, {
      intro: t('aws.connectIntro'),
      profile: null,
      next: t('aws.next'),
      api: { profiles: awsProfiles, whoami: awsWhoami },
      async onConnected(who) {
        const devices = await awsDevices(who.userName);
        stepsScreen(
          who,
          devices.userName,
          devices.devices.map((dev) => dev.serial),
        );
      },
    });

  function identity(who: AwsWhoami, user: string, count: number): HTMLElement {
    const row = (label: string, value: string, id: string) =>
      h('div.identity-row', {}, h('span.label', {}, label), h('code', { id }, value));
    return h(
      'div.identity#fido-aws-identity',
      {},
      row(t('aws.user'), user, 'fido-aws-user'),
      row(t('aws.account'), who.account, 'fido-aws-account'),
      row(t('aws.devices'), t('aws.deviceCount', { n: count, limit: DEVICE_LIMIT }), 'fido-aws-count'),
    );
  }

  function stepsScreen(who: AwsWhoami, user: string, before: string[]) {
    if (before.length >= DEVICE_LIMIT) {
      show(
        'limit',
        identity(who, user, before.length),
        h(
          'p.lockout#fido-aws-limit',
          { role: 'alert' },
          t('aws.limitReached', { user, count: before.length }),
        ),
      );
      foot.append(button('fido-aws-close', tc('action.close'), close, 'btn-primary'));
      return;
    }
    const signIn = `https://${who.account}.signin.aws.amazon.com/console`;
    const result = h('div.form-error#fido-aws-error', { role: 'alert', hidden: true });
    const nothing = h('div.warning#fido-aws-nothing', { hidden: true });
    const steps = who.isRoot
      ? [
          h('li', {}, t('aws.stepRootSignIn')),
          h('li', {}, t('aws.stepRootOpen')),
        ]
      : [
          h('li', {}, ...withNodes(t('aws.stepSignIn', { user, link: marker('link') }), { link: h('code#fido-aws-signin', {}, signIn) })),
          h('li', {}, ...withNodes(t('aws.stepOpen', { user: marker('user') }), { user: h('strong', {}, user) })),
        ];
    show(
      'steps',
      identity(who, user, before.length),
      h('p', {}, t('aws.stepsIntro')),
      h(
        'ol.next-steps#fido-aws-steps',
        {},
        ...steps,
        // The console's own words (Assign MFA device, Passkey or security key) stay in English,
        // as the AWS console shows them.
        h('li', {}, ...withNodes(t('aws.stepAssign', { assign: marker('assign') }), { assign: h('strong', {}, 'Assign MFA device') })),
        h(
          'li',
          {},
          ...withNodes(t('aws.stepName', { example: marker('example'), type: marker('type') }), {
            example: h('code', {}, `${user}-key`),
            type: h('strong', {}, 'Passkey or security key'),
          }),
        ),
        h('li', {}, t('aws.stepTouch')),
        h('li', {}, ...withNodes(t('aws.stepBack', { button: marker('button') }), { button: h('strong', {}, t('aws.check')) })),
      ),
      h(
        'details.advanced#fido-aws-limits',
        { open: true },
        h('summary', {}, t('aws.limits')),
        h(
          'ul.plan',
          {},
          h('li', {}, t('aws.limitDevices', { count: DEVICE_LIMIT, user, has: before.length })),
          h('li', {}, t('aws.limitCli')),
          h('li', {}, t('aws.limitTest')),
        ),
      ),
      nothing,
      result,
    );
    const check = button('fido-aws-check', t('aws.check'), () => void run(), 'btn-primary');
    foot.append(button('fido-aws-cancel', tc('action.cancel'), close), h('span.spacer'), check);

    async function run() {
      result.hidden = true;
      nothing.hidden = true;
      check.disabled = true;
      let last: SecurityKeyCheck | null = null;
      try {
        for (let i = 0; i < CHECK_TRIES; i++) {
          check.textContent = t('aws.checking', { n: i + 1, of: CHECK_TRIES });
          last = await awsSecurityKeyCheck(user, before);
          if (last.newKeys.length > 0) {
            doneScreen(who, last);
            return;
          }
          if (i + 1 < CHECK_TRIES) await sleep(CHECK_GAP_MS);
        }
        nothing.textContent = t('aws.nothingNew', {
          user,
          count: last?.deviceCount ?? before.length,
          account: who.account,
        });
        nothing.hidden = false;
      } catch (e) {
        showError(result, e);
      } finally {
        if (check.isConnected) {
          check.disabled = false;
          check.textContent = t('aws.check');
        }
      }
    }
  }

  function doneScreen(who: AwsWhoami, r: SecurityKeyCheck) {
    const k = r.newKeys[0];
    const row = (label: string, value: string, id: string) =>
      h('div.identity-row', {}, h('span.label', {}, label), h('code', { id }, value));
    show(
      'done',
      h(
        'div#fido-aws-done',
        {},
        h('p.success', {}, t('aws.done', { user: r.userName })),
        h(
          'div.identity',
          {},
          row(t('aws.serial'), k.serial, 'fido-aws-serial'),
          row(t('aws.enabled'), dateTime(k.enabledAt), 'fido-aws-enabled'),
          row(t('aws.account'), who.account, 'fido-aws-done-account'),
          row(t('aws.devices'), t('aws.deviceCount', { n: r.deviceCount, limit: r.deviceLimit }), 'fido-aws-done-count'),
        ),
        r.newKeys.length > 1 ? h('p.hint', {}, t('aws.moreKeys', { count: r.newKeys.length - 1 })) : null,
        h('p.hint', {}, t('aws.doneHint')),
      ),
    );
    foot.append(button('fido-aws-close', tc('action.close'), close, 'btn-primary'));
  }

  void connect();
}
