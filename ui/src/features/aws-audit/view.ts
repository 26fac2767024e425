// The AWS audit, shown as "Account security" (not to be confused with features/security-keys,
// the FIDO keys): who in the AWS account has MFA. Connect (components/connect.ts),
// audit every IAM user (console users without MFA flagged and first, root MFA on top), filter,
// export CSV, enroll MFA for a user (the wizard, preset), and require MFA for a group
// (plan -> preview -> apply). From there: the organisation view (every account through a role
// assumed in each, drill down to its users, filter, export) and console sign-ins without MFA
// (CloudTrail), for the account or the organisation.
import type { AuditUser } from '../../bindings/AuditUser';
import type { AuditView } from '../../bindings/AuditView';
import type { AwsWhoami } from '../../bindings/AwsWhoami';
import type { EnforcePreview } from '../../bindings/EnforcePreview';
import type { OrgAccountView } from '../../bindings/OrgAccountView';
import type { OrgAuditView } from '../../bindings/OrgAuditView';
import type { SignInsView } from '../../bindings/SignInsView';
import { connectScreen } from '../../components/connect';
import { openDialog } from '../../components/dialog';
import { h } from '../../components/dom';
import { field } from '../../components/field';
import { errorBox, openStepsDialog, showError } from '../../components/steps';
import { showToast } from '../../components/toast';
import {
  awsAudit,
  awsAuditExport,
  awsDisconnect,
  awsEnforceApply,
  awsEnforcePlan,
  awsOrgAudit,
  awsOrgAuditExport,
  awsProfiles,
  awsSignIns,
  awsWhoami,
} from '../../ipc/commands';
import { openAwsWizard } from '../aws-wizard/wizard';
import { FILTERS, type Filter, keep, keepAccount, ORG_FILTERS, type OrgFilter } from './filter';

function date(secs: number | null): string {
  return secs === null ? 'never' : new Date(secs * 1000).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** Filter chips: one toggle button per filter, `on` holding those pressed; `repaint` runs
 * after each toggle. */
function chipsFor<F>(list: [F, string, string][], on: Set<F>, repaint: () => void): HTMLElement {
  const chips = h('div.filters', { role: 'group', 'aria-label': 'Filters' });
  for (const [f, id, label] of list) {
    const b = h('button.chip', { id, type: 'button', 'aria-pressed': String(on.has(f)) }, label);
    b.addEventListener('click', () => {
      if (on.has(f)) on.delete(f);
      else on.add(f);
      b.setAttribute('aria-pressed', String(on.has(f)));
      repaint();
    });
    chips.append(b);
  }
  return chips;
}

/** Opens the audit dialog. Its id is not `security`: that is the topbar button that opens it,
 * and `openDialog` first removes any element with the dialog's id. */
export function openAwsAuditView(): void {
  const d = openStepsDialog('aws-audit', 'Account security', () => void awsDisconnect().catch(() => {}), ['full']);
  const { foot, show, button } = d;
  let whoami: AwsWhoami | null = null;
  let audit: AuditView | null = null;
  const filters = new Set<Filter>();


  const connect = () =>
    connectScreen(d, {
      intro:
        'Twofold lists every IAM user of the account with their console access, MFA devices and access keys. Credentials that may read IAM (an administrator or a SecurityAudit role):',
      profile: null,
      next: 'Audit',
      api: { profiles: awsProfiles, whoami: awsWhoami },
      async onConnected(who) {
        whoami = who;
        await runAudit();
      },
    });


  async function runAudit() {
    const status = h('p.muted#security-progress', {}, 'Reading the IAM credential report…');
    const err = errorBox('security-error');
    show('progress', status, err);
    try {
      audit = await awsAudit((p) => {
        status.textContent = `Auditing… ${p.done} of ${p.total} users`;
      });
      reportScreen();
    } catch (e) {
      showError(err, e);
      foot.append(button('security-back', 'Back', () => void connect()), button('security-retry', 'Retry', () => void runAudit(), 'btn-primary'));
    }
  }

  function reportScreen() {
    if (!audit) return;
    const a = audit;
    const root = h(
      'div.root-mfa#security-root',
      { 'data-state': a.rootMfa === null ? 'unknown' : a.rootMfa ? 'on' : 'off' },
      h('strong', {}, 'Root user MFA: '),
      a.rootMfa === null ? 'unknown (GetAccountSummary not allowed)' : a.rootMfa ? 'on' : 'off — add it in the AWS console (Twofold can scan its QR code)',
    );
    const flaggedCount = a.users.filter((u) => u.flagged).length;
    const summary = h(
      'p.hint#security-summary',
      {},
      `Account ${a.account} · ${a.users.length} users · ${flaggedCount} with console access but no MFA` +
        (a.source === 'listApis' ? ' · from per-user calls (the credential report was not allowed)' : ''),
    );
    const chips = chipsFor(FILTERS, filters, () => paintRows());
    const tbody = h('tbody');
    const table = h(
      'table.audit#security-table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', {}, 'Console'), h('th', {}, 'MFA devices'), h('th', {}, 'Active keys'), h('th', {}, ''))),
      tbody,
    );
    const exported = h('p.hint#security-export-path', { hidden: true });
    const err = errorBox('security-error');
    const paintRows = () => {
      tbody.replaceChildren();
      const shown = a.users.filter((u) => keep(u, filters));
      if (shown.length === 0) tbody.append(h('tr', {}, h('td.empty-cell', { colspan: 5 }, 'No users match the filters.')));
      for (const u of shown) tbody.append(row(u));
    };
    paintRows();
    show('report', root, summary, chips, h('div.table-wrap', {}, table), exported, err);
    foot.append(
      button('security-refresh', 'Refresh', () => void runAudit()),
      button('security-export', 'Export CSV', () => void exportCsv()),
      button('security-org', 'Organization…', () => orgSetup()),
      button('security-signins', 'Sign-ins without MFA', () => void signInsScreen(false)),
      h('span.spacer'),
      button('security-enforce', 'Require MFA for a group…', () => enforceDialog(), 'btn-primary'),
    );

    async function exportCsv() {
      try {
        const r = await awsAuditExport();
        exported.textContent = `Saved ${r.rows} rows to ${r.path}`;
        exported.hidden = false;
        showToast('Audit exported');
      } catch (e) {
        showError(err, e);
      }
    }
  }

  // ------------------------------------------------------------ Organization
  let org: OrgAuditView | null = null;
  let role = '';
  const orgFilters = new Set<OrgFilter>();

  function orgSetup() {
    const input = h('input#org-role', { type: 'text', value: role, placeholder: 'OrganizationAccountAccessRole', autocomplete: 'off', spellcheck: 'false' }) as HTMLInputElement;
    show(
      'org-setup',
      h(
        'p.muted',
        {},
        'Twofold lists the organization’s active accounts (from the management account or a delegated administrator), assumes a role in each and audits it. Accounts that fail are listed with the reason; the others go on.',
      ),
      field('Role to assume in member accounts', input),
    );
    foot.append(
      button('org-cancel', 'Back', () => reportScreen()),
      h('span.spacer'),
      button('org-run', 'Audit organization', () => {
        role = input.value.trim();
        void runOrg();
      }, 'btn-primary'),
    );
    input.focus();
  }

  async function runOrg() {
    const status = h('p.muted#org-progress', { role: 'status' }, 'Listing the organization’s accounts…');
    const bar = h('progress#org-progress-bar', { max: 1, value: 0, 'aria-label': 'Accounts audited' }) as HTMLProgressElement;
    const err = errorBox('org-error');
    show('org-progress', status, bar, err);
    try {
      org = await awsOrgAudit(role, 8, (p) => {
        bar.max = p.total;
        bar.value = p.done;
        status.textContent = `Auditing accounts… ${p.done} of ${p.total} (${p.account}${p.ok ? '' : ': failed'})`;
      });
      orgScreen();
    } catch (e) {
      showError(err, e);
      foot.append(button('org-back', 'Back', () => orgSetup()), button('org-retry', 'Retry', () => void runOrg(), 'btn-primary'));
    }
  }

  function orgScreen() {
    if (!org) return;
    const o = org;
    const failed = o.accounts.filter((a) => a.error !== null).length;
    const gaps = o.accounts.reduce((n, a) => n + a.consoleWithoutMfa, 0);
    const summary = h(
      'p.hint#org-summary',
      {},
      `${o.accounts.length} accounts · ${o.accounts.length - failed} audited · ${failed} failed · ${gaps} console users without MFA` +
        (o.skipped > 0 ? ` · ${o.skipped} inactive accounts skipped` : '') +
        ` · role ${o.role}`,
    );
    const chips = chipsFor(ORG_FILTERS, orgFilters, () => paint());
    const tbody = h('tbody');
    const table = h(
      'table.audit#org-table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'Account'), h('th', {}, 'Users'), h('th', {}, 'Console without MFA'), h('th', {}, 'Root MFA'), h('th', {}, '')),
      ),
      tbody,
    );
    const exported = h('p.hint#org-export-path', { hidden: true });
    const err = errorBox('org-error');
    const paint = () => {
      tbody.replaceChildren();
      const shown = o.accounts.filter((a) => keepAccount(a, orgFilters));
      if (shown.length === 0) tbody.append(h('tr', {}, h('td.empty-cell', { colspan: 5 }, 'No accounts match the filters.')));
      for (const a of shown) tbody.append(accountRow(a));
    };
    paint();
    show('org', summary, chips, h('div.table-wrap', {}, table), exported, err);
    foot.append(
      button('org-back', 'Back', () => reportScreen()),
      button('org-refresh', 'Refresh', () => void runOrg()),
      button('org-export', 'Export CSV', () => void exportOrg()),
      h('span.spacer'),
      button('org-signins', 'Sign-ins without MFA', () => void signInsScreen(true), 'btn-primary'),
    );

    async function exportOrg() {
      try {
        const r = await awsOrgAuditExport();
        exported.textContent = `Saved ${r.rows} rows to ${r.path}`;
        exported.hidden = false;
        showToast('Organization audit exported');
      } catch (e) {
        showError(err, e);
      }
    }
  }

  function accountRow(a: OrgAccountView): HTMLElement {
    if (a.error !== null) {
      return h(
        'tr.org-row',
        { 'data-account': a.id, 'data-failed': 'true' },
        h('td', { colspan: 5 }, h('div.user-name', {}, `${a.name} · ${a.id}`), h('span.badge.badge-danger', {}, 'not audited'), ' ', h('span.org-error', {}, a.error)),
      );
    }
    // Users without MFA and the groups lacking the enforce policy go under the name: five
    // columns fit the dialog without scrolling sideways.
    const gaps = [
      a.withoutMfa > 0 ? `${a.withoutMfa} without MFA` : null,
      a.groupsWithoutEnforcement.length > 0 ? `no enforce policy on ${a.groupsWithoutEnforcement.join(', ')}` : null,
    ].filter((t): t is string => t !== null);
    const root = a.rootMfa === null ? 'unknown' : a.rootMfa ? 'on' : h('span.badge.badge-danger', {}, 'off');
    return h(
      'tr.org-row',
      { 'data-account': a.id, 'data-failed': 'false', class: a.consoleWithoutMfa > 0 ? 'flagged' : '' },
      h('td', {}, h('div.user-name', {}, a.name), h('div.hint', {}, a.id), gaps.length > 0 ? h('div.hint.org-gaps', {}, gaps.join(' · ')) : null),
      h('td', {}, String(a.users.length)),
      h('td', {}, a.consoleWithoutMfa > 0 ? h('span.badge.badge-danger', {}, String(a.consoleWithoutMfa)) : '0'),
      h('td', {}, root),
      h('td', {}, h('button.btn.btn-sm.org-drill', { type: 'button', title: `Users of ${a.name}`, 'aria-label': `Users of ${a.name}`, onclick: () => accountScreen(a) }, 'Users')),
    );
  }

  function accountScreen(a: OrgAccountView) {
    const heading = h('p.hint#org-account-summary', {}, `${a.name} (${a.id}) · ${a.users.length} users · ${a.consoleWithoutMfa} with console access but no MFA`);
    const chips = chipsFor(FILTERS, filters, () => paint());
    const tbody = h('tbody');
    const paint = () => {
      tbody.replaceChildren();
      const shown = a.users.filter((u) => keep(u, filters));
      if (shown.length === 0) tbody.append(h('tr', {}, h('td.empty-cell', { colspan: 4 }, 'No users match the filters.')));
      // Enrolling from here would use the management account's credentials: not offered.
      for (const u of shown) tbody.append(row(u, false));
    };
    const table = h(
      'table.audit#org-users',
      { 'data-account': a.id },
      h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', {}, 'Console'), h('th', {}, 'MFA devices'), h('th', {}, 'Active keys'))),
      tbody,
    );
    paint();
    show('org-account', heading, chips, h('div.table-wrap', {}, table));
    foot.append(button('org-accounts', 'All accounts', () => orgScreen(), 'btn-primary'));
  }

  // ------------------------------------------------------------ Sign-ins
  async function signInsScreen(wholeOrg: boolean) {
    const days = h(
      'select#signins-days',
      { 'aria-label': 'Period' },
      ...[7, 30, 90].map((n) => h('option', { value: String(n), selected: n === 30 }, `Last ${n} days`)),
    ) as HTMLSelectElement;
    const status = h('p.muted#signins-status', { role: 'status' }, 'Reading CloudTrail…');
    const list = h('ul.signins#signins-list');
    const err = errorBox('signins-error');
    const back = () => (wholeOrg && org ? orgScreen() : reportScreen());
    show('signins', h('div.signins-head', {}, field('Period', days)), status, list, err);
    foot.append(button('signins-back', 'Back', back), button('signins-refresh', 'Refresh', () => void load(), 'btn-primary'));
    days.addEventListener('change', () => void load());
    async function load() {
      err.hidden = true;
      list.replaceChildren();
      status.textContent = wholeOrg ? 'Reading CloudTrail in every account…' : 'Reading CloudTrail…';
      try {
        paintSignIns(await awsSignIns(Number(days.value), wholeOrg, role), Number(days.value));
      } catch (e) {
        status.textContent = '';
        showError(err, e);
      }
    }
    function paintSignIns(v: SignInsView, n: number) {
      const where = `Looked in ${v.regions.join(', ')}.`;
      status.textContent =
        v.withoutMfa.length === 0
          ? v.total === 0
            ? `CloudTrail has no console sign-ins in the last ${n} days. A new account has none yet; console sign-ins are recorded in us-east-1 or in the region of the sign-in endpoint used. ${where}`
            : `No console sign-in without MFA in the last ${n} days (${v.total} sign-ins with MFA, federated or failed). ${where}`
          : `${v.withoutMfa.length} console sign-ins without MFA in the last ${n} days (of ${v.total}). ${where}`;
      for (const s of v.withoutMfa) {
        const when = new Date(s.time * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
        list.append(
          h(
            'li.signin-row',
            { 'data-user': s.user, 'data-account': s.account, 'data-root': String(s.root) },
            h('div.user-name', {}, s.root ? h('span.badge.badge-danger', {}, 'root') : null, ' ', s.user),
            h('div.hint', {}, `${when} · from ${s.sourceIp} · account ${s.account} · ${s.region}`),
          ),
        );
      }
      for (const f of v.failed) list.append(h('li.signin-failed', {}, h('span.badge.badge-danger', {}, 'not read'), ' ', f));
    }
    await load();
  }

  function row(u: AuditUser, enrollable = true): HTMLElement {
    const kinds: Record<string, string> = { virtual: 'Virtual', securityKey: 'Security key', hardware: 'Hardware' };
    const mfa =
      u.mfa.length === 0
        ? h('span.no', {}, 'none')
        : h('div', {}, ...u.mfa.map((d) => h('div', {}, `${kinds[d.kind] ?? d.kind} · ${date(d.enabledAt)}`)));
    const keys =
      u.activeKeys.length === 0
        ? h('span.muted', {}, '—')
        : h('div', {}, ...u.activeKeys.map((t) => h('div', {}, `used ${date(t)}`)), u.staleKey ? h('span.badge.badge-warn', {}, 'stale') : null);
    const enroll =
      u.mfa.length === 0 && enrollable
        ? h(
            'button.btn.btn-sm.audit-enroll',
            {
              type: 'button',
              title: `Set up a virtual MFA device for ${u.name}`,
              onclick: () => {
                if (!whoami) return;
                openAwsWizard({ kind: 'enrollUser', user: u.name, whoami }, () => void runAudit());
              },
            },
            'Enroll MFA',
          )
        : null;
    return h(
      'tr.audit-row',
      { 'data-user': u.name, 'data-flagged': String(u.flagged), class: u.flagged ? 'flagged' : '' },
      h('td', {}, h('div.user-name', {}, u.name), u.flagged ? h('span.badge.badge-danger', {}, 'console without MFA') : null),
      h('td', {}, u.console ? `yes${u.passwordLastUsed ? ` · ${date(u.passwordLastUsed)}` : ''}` : 'no'),
      h('td', {}, mfa),
      h('td', {}, keys),
      enrollable ? h('td', {}, enroll) : null,
    );
  }

  function enforceDialog() {
    const d = openDialog('enforce-dialog', 'Require MFA for a group');
    d.dialog.classList.add('wizard');
    const group = h('input#enforce-group', { type: 'text', placeholder: 'Developers', autocomplete: 'off', spellcheck: 'false' });
    const err = errorBox('enforce-error');
    const ask = () => {
      d.body.replaceChildren(
        h('p.muted', {}, 'Twofold attaches its TwofoldRequireMFA policy to the group: members can do nothing but set up their MFA device and change their password until they sign in with MFA. Nothing changes until you confirm.'),
        field('IAM group', group),
        err,
      );
      d.foot.replaceChildren(
        h('button.btn#enforce-cancel', { type: 'button', onclick: () => d.close() }, 'Cancel'),
        h('button.btn.btn-primary#enforce-preview', { type: 'button', onclick: () => void plan() }, 'Preview'),
      );
      group.focus();
    };
    async function plan() {
      err.hidden = true;
      try {
        previewScreen(await awsEnforcePlan(group.value));
      } catch (e) {
        showError(err, e);
      }
    }
    function previewScreen(p: EnforcePreview) {
      const actions = h('ul.plan#enforce-actions');
      if (p.createPolicy) actions.append(h('li', {}, 'Create the managed policy ', h('code', {}, p.policyArn)));
      if (p.attach) actions.append(h('li', {}, `Attach it to the group ${p.group}`));
      if (!p.createPolicy && !p.attach) actions.append(h('li', {}, `Nothing to do: ${p.group} already has the policy.`));
      const members =
        p.membersWithoutMfa.length === 0
          ? h('p#enforce-members', {}, 'Every member of the group has an MFA device.')
          : h('p#enforce-members', {}, `Members without MFA, who will only be able to set it up: ${p.membersWithoutMfa.join(', ')}.`);
      const lockout = p.locksOutCaller
        ? h('p.lockout#enforce-lockout', { role: 'alert' }, `Warning: you are a member of ${p.group} without an MFA device. Applying locks these credentials out of everything but enrolling. Enroll your own MFA first.`)
        : null;
      const result = errorBox('enforce-error');
      d.body.replaceChildren(
        h('p', {}, h('strong', {}, 'These changes will be made:')),
        actions,
        members,
        lockout ?? '',
        h('details.advanced#enforce-policy-details', {}, h('summary', {}, 'Policy document'), h('pre.code-block#enforce-policy', {}, p.document)),
        result,
      );
      const apply = async (force: boolean) => {
        result.hidden = true;
        try {
          const r = await awsEnforceApply(p.group, force);
          d.body.replaceChildren(
            h(
              'div#enforce-done',
              {},
              h('p.success', {}, `MFA is now required for ${r.group}.`),
              h('p', {}, r.created ? `Created ${r.policyArn} and attached it.` : r.attached ? `Attached ${r.policyArn}.` : 'The policy was already attached.'),
            ),
          );
          d.foot.replaceChildren(h('button.btn.btn-primary#enforce-close', { type: 'button', onclick: () => d.close() }, 'Close'));
        } catch (e) {
          showError(result, e);
        }
      };
      const nothing = !p.createPolicy && !p.attach;
      d.foot.replaceChildren(
        h('button.btn#enforce-back', { type: 'button', onclick: ask }, 'Back'),
        h('span.spacer'),
        p.locksOutCaller ? h('button.btn.btn-danger#enforce-force', { type: 'button', onclick: () => void apply(true) }, 'Apply anyway') : '',
        h('button.btn.btn-primary#enforce-confirm', { type: 'button', disabled: p.locksOutCaller || nothing, onclick: () => void apply(false) }, 'Require MFA'),
      );
    }
    ask();
  }

  void connect();
}
