// The AWS credentials screen, shared by the AWS wizard, the Account security (audit) view and
// the security-key guide: a profile, or pasted keys, plus region and endpoint under "Advanced";
// checked before the dialog moves on. It makes no IPC call itself: the caller hands it the two
// calls it needs (`ConnectApi`), so this stays a presentational piece.
import type { AwsCreds } from '../bindings/AwsCreds';
import type { AwsProfileView } from '../bindings/AwsProfileView';
import type { AwsWhoami } from '../bindings/AwsWhoami';
import { tr } from '../i18n/i18n';
import { describe } from '../ipc/errors';
import { h } from './dom';
import { field } from './field';
import { errorBox, showError, type StepsDialog } from './steps';

const t = tr('wizard');
const tc = tr('common');

/** The AWS calls the screen makes (`awsProfiles` and `awsWhoami` from ipc/commands). */
export interface ConnectApi {
  /** The profiles to offer. */
  profiles(): Promise<AwsProfileView[]>;
  /** Checks the credentials and says whose they are. */
  whoami(creds: AwsCreds): Promise<AwsWhoami>;
}

export interface ConnectOptions {
  /** The sentence above the form. */
  intro: string;
  /** The profile to preselect. */
  profile: string | null;
  /** The label of the button that checks the credentials. */
  next: string;
  /** The calls that list profiles and check the credentials. */
  api: ConnectApi;
  /** Runs once the credentials are checked (their secret already cleared from the form); what
   * it throws is shown under the form. */
  onConnected(who: AwsWhoami, form: CredentialsForm): Promise<void> | void;
}

/** Shows the credentials screen in `d`: Cancel, and `next`, which checks them with `api.whoami`. */
export async function connectScreen(d: StepsDialog, opts: ConnectOptions): Promise<void> {
  const err = errorBox('aws-credentials-error');
  const form = await createCredentialsForm(opts.api, opts.intro, opts.profile, err);
  d.show('credentials', form.el);
  const next = d.button('aws-check', opts.next, () => void check(), 'btn-primary');
  d.foot.append(d.button('aws-cancel', tc('action.cancel'), d.close), next);
  async function check() {
    err.hidden = true;
    next.disabled = true;
    next.textContent = t('connect.checking');
    try {
      const who = await opts.api.whoami(form.creds());
      form.clearSecrets();
      await opts.onConnected(who, form);
    } catch (e) {
      showError(err, e);
    } finally {
      next.disabled = false;
      next.textContent = opts.next;
    }
  }
}

export interface CredentialsForm {
  el: HTMLFormElement;
  /** What the form says, for `ConnectApi.whoami`. */
  creds(): AwsCreds;
  /** The chosen profile (null with pasted keys or the default chain). */
  profileName(): string | null;
  /** The secret went to Rust once; do not keep it in the DOM. */
  clearSecrets(): void;
}

/** Builds the form; `intro` is the sentence above it, `err` the error box to show under it. */
export async function createCredentialsForm(
  api: Pick<ConnectApi, 'profiles'>,
  intro: string,
  preferred: string | null,
  err: HTMLElement,
): Promise<CredentialsForm> {
  let profiles: AwsProfileView[] = [];
  let profilesError: string | null = null;
  try {
    profiles = await api.profiles();
  } catch (e) {
    profilesError = describe(e);
  }
  let tab: 'profile' | 'keys' = profiles.length > 0 || preferred ? 'profile' : 'keys';
  const profile = h('select#aws-profile', {});
  profile.append(h('option', { value: '' }, t('connect.defaultProfile')));
  for (const p of profiles) {
    const label = p.roleArn ? t('connect.profileRole', { name: p.name }) : p.hasKeys ? t('connect.profileKeys', { name: p.name }) : p.name;
    profile.append(h('option', { value: p.name, selected: p.name === preferred }, label));
  }
  const keyId = h('input.mono#aws-access-key-id', { type: 'text', placeholder: 'AKIA…', autocomplete: 'off', spellcheck: 'false' });
  const secret = h('input.mono#aws-secret-access-key', { type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const token = h('input.mono#aws-session-token', { type: 'password', placeholder: t('connect.optional'), autocomplete: 'off' });
  const region = h('input#aws-region', { type: 'text', placeholder: 'us-east-1', autocomplete: 'off' });
  const endpoint = h('input.mono#aws-endpoint-url', { type: 'url', placeholder: 'https://iam.amazonaws.com', autocomplete: 'off' });

  const profilePane = h(
    'div#aws-pane-profile',
    { role: 'tabpanel' },
    field(t('connect.profile'), profile, profilesError ?? t('connect.profileHint')),
  );
  const keysPane = h(
    'div#aws-pane-keys',
    { role: 'tabpanel' },
    field(t('connect.accessKeyId'), keyId),
    field(t('connect.secretAccessKey'), secret, t('connect.secretHint')),
    field(t('connect.sessionToken'), token, t('connect.sessionTokenHint')),
  );
  const tabProfile = h('button.tab#aws-tab-profile', { type: 'button', role: 'tab' }, t('connect.tabProfile'));
  const tabKeys = h('button.tab#aws-tab-keys', { type: 'button', role: 'tab' }, t('connect.tabKeys'));
  const setTab = (which: 'profile' | 'keys') => {
    tab = which;
    tabProfile.setAttribute('aria-selected', String(which === 'profile'));
    tabKeys.setAttribute('aria-selected', String(which === 'keys'));
    profilePane.hidden = which !== 'profile';
    keysPane.hidden = which !== 'keys';
  };
  tabProfile.addEventListener('click', () => setTab('profile'));
  tabKeys.addEventListener('click', () => setTab('keys'));
  setTab(tab);

  const el = h(
    'form#aws-credentials',
    {},
    h('p.muted', {}, intro),
    h('div.tabs', { role: 'tablist' }, tabProfile, tabKeys),
    profilePane,
    keysPane,
    h(
      'details.advanced#aws-advanced',
      {},
      h('summary', {}, t('connect.advanced')),
      field(t('connect.region'), region, t('connect.regionHint')),
      field(t('connect.endpoint'), endpoint, t('connect.endpointHint')),
    ),
    err,
  );
  el.addEventListener('submit', (e) => e.preventDefault());
  return {
    el,
    creds() {
      const usesKeys = tab === 'keys';
      return {
        profile: usesKeys ? null : profile.value || null,
        accessKeyId: usesKeys ? keyId.value.trim() || null : null,
        secretAccessKey: usesKeys ? secret.value || null : null,
        sessionToken: usesKeys ? token.value || null : null,
        region: region.value.trim() || null,
        endpointUrl: endpoint.value.trim() || null,
      };
    },
    profileName: () => (tab === 'keys' ? null : profile.value || null),
    clearSecrets() {
      secret.value = '';
      token.value = '';
    },
  };
}
