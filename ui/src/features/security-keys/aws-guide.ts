// "Add a security key to AWS": IAM has no API to register a FIDO key (the console does it with
// WebAuthn in the browser), so Twofold connects (components/connect.ts), remembers the
// user's current MFA devices, walks the user through the console, then polls ListMFADevices
// until the new key shows up and shows its serial and enable date.
import type { AwsWhoami } from '../../bindings/AwsWhoami';
import type { SecurityKeyCheck } from '../../bindings/SecurityKeyCheck';
import { h } from '../../components/dom';
import { showError, openStepsDialog } from '../../components/steps';
import { connectScreen } from '../../components/connect';
import { awsDevices, awsDisconnect, awsProfiles, awsSecurityKeyCheck, awsWhoami } from '../../ipc/commands';

const DEVICE_LIMIT = 8;
/** How many ListMFADevices calls one "check" makes, and how far apart. */
const CHECK_TRIES = 4;
const CHECK_GAP_MS = 1500;

const sleep = (ms: number) => new Promise((r) => window.setTimeout(r, ms));

function dateTime(secs: number | null): string {
  return secs === null ? 'unknown' : new Date(secs * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function openSecurityKeyAwsGuide(): void {
  const d = openStepsDialog('fido-aws', 'Add a security key to AWS', () => void awsDisconnect().catch(() => {}));
  const { foot, close, show, button } = d;

  const connect = () =>
    connectScreen(d, {
      intro:
        'Twofold checks the result on your IAM user afterwards (iam:GetUser, iam:ListMFADevices). Credentials of the IAM user who gets the key:',
      profile: null,
      next: 'Next',
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
      row('User', user, 'fido-aws-user'),
      row('Account', who.account, 'fido-aws-account'),
      row('MFA devices', `${count} of ${DEVICE_LIMIT}`, 'fido-aws-count'),
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
          `${user} already has ${before.length} MFA devices, the most AWS allows per user. Remove one first (AWS button > Devices, or the console), then come back.`,
        ),
      );
      foot.append(button('fido-aws-close', 'Close', close, 'btn-primary'));
      return;
    }
    const signIn = `https://${who.account}.signin.aws.amazon.com/console`;
    const result = h('div.form-error#fido-aws-error', { role: 'alert', hidden: true });
    const nothing = h('div.warning#fido-aws-nothing', { hidden: true });
    const steps = who.isRoot
      ? [
          h('li', {}, 'Sign in to the AWS console as the root user.'),
          h('li', {}, 'Open the account menu (your account name, top right) > Security credentials.'),
        ]
      : [
          h('li', {}, `Sign in to the AWS console as ${user}: `, h('code#fido-aws-signin', {}, signIn)),
          h('li', {}, 'Open IAM > Users > ', h('strong', {}, user), ' > the Security credentials tab.'),
        ];
    show(
      'steps',
      identity(who, user, before.length),
      h('p', {}, 'AWS registers a security key in the browser (WebAuthn), not through its API, so this step happens in the console. Do this there:'),
      h(
        'ol.next-steps#fido-aws-steps',
        {},
        ...steps,
        h('li', {}, 'Under Multi-factor authentication (MFA), choose ', h('strong', {}, 'Assign MFA device'), '.'),
        h('li', {}, 'Type a device name (for example ', h('code', {}, `${user}-key`), '), choose ', h('strong', {}, 'Passkey or security key'), ', then Next.'),
        h('li', {}, 'Your browser asks for the key: plug it in, type its PIN if asked, and touch it. Some browsers ask for a second touch.'),
        h('li', {}, 'When the console says the device is assigned, come back here and press ', h('strong', {}, "I've added it — check"), '.'),
      ),
      h(
        'details.advanced#fido-aws-limits',
        { open: true },
        h('summary', {}, 'Limits'),
        h(
          'ul.plan',
          {},
          h('li', {}, `Up to ${DEVICE_LIMIT} MFA devices per user, of any type (virtual, security key, hardware). ${user} has ${before.length}.`),
          h('li', {}, 'The console signs in with the key; the AWS CLI and SDKs cannot use a security key for MFA sessions (they need a code), so keep a virtual MFA device for the CLI.'),
          h('li', {}, 'Test the key first (Test tab): a key with a blocked PIN cannot be registered.'),
        ),
      ),
      nothing,
      result,
    );
    const check = button('fido-aws-check', "I've added it — check", () => void run(), 'btn-primary');
    foot.append(button('fido-aws-cancel', 'Cancel', close), h('span.spacer'), check);

    async function run() {
      result.hidden = true;
      nothing.hidden = true;
      check.disabled = true;
      let last: SecurityKeyCheck | null = null;
      try {
        for (let i = 0; i < CHECK_TRIES; i++) {
          check.textContent = `Checking ListMFADevices… (${i + 1}/${CHECK_TRIES})`;
          last = await awsSecurityKeyCheck(user, before);
          if (last.newKeys.length > 0) {
            doneScreen(who, last);
            return;
          }
          if (i + 1 < CHECK_TRIES) await sleep(CHECK_GAP_MS);
        }
        nothing.textContent =
          `No new security key on ${user} yet (${last?.deviceCount ?? before.length} MFA devices, none of them new). ` +
          `If the console is still waiting for the key, finish there first. Make sure you assigned it to ${user} in account ${who.account}, ` +
          'not to another user or account, and that the console said it was assigned. Then check again.';
        nothing.hidden = false;
      } catch (e) {
        showError(result, e);
      } finally {
        if (check.isConnected) {
          check.disabled = false;
          check.textContent = "I've added it — check";
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
        h('p.success', {}, `AWS lists the new security key for ${r.userName}.`),
        h(
          'div.identity',
          {},
          row('Serial', k.serial, 'fido-aws-serial'),
          row('Enabled', dateTime(k.enabledAt), 'fido-aws-enabled'),
          row('Account', who.account, 'fido-aws-done-account'),
          row('MFA devices', `${r.deviceCount} of ${r.deviceLimit}`, 'fido-aws-done-count'),
        ),
        r.newKeys.length > 1 ? h('p.hint', {}, `${r.newKeys.length - 1} more new security key(s) also showed up.`) : null,
        h('p.hint', {}, 'From now on the console asks for the key after your password. Keep another MFA device (a virtual one in Twofold) in case the key is lost.'),
      ),
    );
    foot.append(button('fido-aws-close', 'Close', close, 'btn-primary'));
  }

  void connect();
}
