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
import { h, marker, withNodes } from '../../components/dom';
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
import type { MfaDeviceKind } from '../../bindings/MfaDeviceKind';
import { formatDate, formatDateTime, tr } from '../../i18n/i18n';
import { FILTERS, type Filter, keep, keepAccount, ORG_FILTERS, type OrgFilter } from './filter';

const t = tr('audit');
const tc = tr('common');

/** "Virtual", "Security key", "Hardware". */
function kindLabel(kind: MfaDeviceKind): string {
  switch (kind) {
    case 'virtual':
      return t('user.kindVirtual');
    case 'securityKey':
      return t('user.kindSecurityKey');
    case 'hardware':
      return t('user.kindHardware');
  }
}


/** Filter chips: one toggle button per filter, `on` holding those pressed; `repaint` runs
 * after each toggle. */
function chipsFor<F>(list: [F, string, () => string][], on: Set<F>, repaint: () => void): HTMLElement {
  const chips = h('div.filters', { role: 'group', 'aria-label': t('filters') });
  for (const [f, id, label] of list) {
    const b = h('button.chip', { id, type: 'button', 'aria-pressed': String(on.has(f)) }, label());
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
  const d = openStepsDialog('aws-audit', t('title'), () => void awsDisconnect().catch(() => {}), ['full']);
  const { foot, show, button } = d;
  let whoami: AwsWhoami | null = null;
  let audit: AuditView | null = null;
  const filters = new Set<Filter>();


  const connect = () =>
    connectScreen(d, {
      intro: t('intro'),
      profile: null,
      next: t('action.audit'),
      api: { profiles: awsProfiles, whoami: awsWhoami },
      async onConnected(who) {
        whoami = who;
        await runAudit();
      },
    });


  async function runAudit() {
    const status = h('p.muted#security-progress', {}, t('progress.reading'));
    const err = errorBox('security-error');
    show('progress', status, err);
    try {
      audit = await awsAudit((p) => {
        status.textContent = t('progress.users', { done: p.done, count: p.total });
      });
      reportScreen();
    } catch (e) {
      showError(err, e);
      foot.append(button('security-back', t('action.back'), () => void connect()), button('security-retry', t('action.retry'), () => void runAudit(), 'btn-primary'));
    }
  }

  function reportScreen() {
    if (!audit) return;
    const a = audit;
    const root = h(
      'div.root-mfa#security-root',
      { 'data-state': a.rootMfa === null ? 'unknown' : a.rootMfa ? 'on' : 'off' },
      h('strong', {}, t('root.label')),
      a.rootMfa === null ? t('root.unknown') : a.rootMfa ? t('root.on') : t('root.off'),
    );
    const flaggedCount = a.users.filter((u) => u.flagged).length;
    const summary = h(
      'p.hint#security-summary',
      {},
      [
        t('summary.account', { account: a.account }),
        t('summary.users', { count: a.users.length }),
        t('summary.flagged', { count: flaggedCount }),
        a.source === 'listApis' ? t('summary.listApis') : null,
      ]
        .filter((s): s is string => s !== null)
        .join(' · '),
    );
    const chips = chipsFor(FILTERS, filters, () => paintRows());
    const tbody = h('tbody');
    const table = h(
      'table.audit#security-table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, t('column.user')), h('th', {}, t('column.console')), h('th', {}, t('column.mfa')), h('th', {}, t('column.keys')), h('th', {}, ''))),
      tbody,
    );
    const exported = h('p.hint#security-export-path', { hidden: true });
    const err = errorBox('security-error');
    const paintRows = () => {
      tbody.replaceChildren();
      const shown = a.users.filter((u) => keep(u, filters));
      if (shown.length === 0) tbody.append(h('tr', {}, h('td.empty-cell', { colspan: 5 }, t('noUsers'))));
      for (const u of shown) tbody.append(row(u));
    };
    paintRows();
    show('report', root, summary, chips, h('div.table-wrap', {}, table), exported, err);
    foot.append(
      button('security-refresh', t('action.refresh'), () => void runAudit()),
      button('security-export', t('action.exportCsv'), () => void exportCsv()),
      button('security-org', t('action.organization'), () => orgSetup()),
      button('security-signins', t('action.signIns'), () => void signInsScreen(false)),
      h('span.spacer'),
      button('security-enforce', t('action.enforce'), () => enforceDialog(), 'btn-primary'),
    );

    async function exportCsv() {
      try {
        const r = await awsAuditExport();
        exported.textContent = t('saved', { count: r.rows, path: r.path });
        exported.hidden = false;
        showToast(t('exported'));
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
        t('org.intro'),
      ),
      field(t('org.role'), input),
    );
    foot.append(
      button('org-cancel', t('action.back'), () => reportScreen()),
      h('span.spacer'),
      button('org-run', t('action.auditOrg'), () => {
        role = input.value.trim();
        void runOrg();
      }, 'btn-primary'),
    );
    input.focus();
  }

  async function runOrg() {
    const status = h('p.muted#org-progress', { role: 'status' }, t('org.listing'));
    const bar = h('progress#org-progress-bar', { max: 1, value: 0, 'aria-label': t('org.barLabel') }) as HTMLProgressElement;
    const err = errorBox('org-error');
    show('org-progress', status, bar, err);
    try {
      org = await awsOrgAudit(role, 8, (p) => {
        bar.max = p.total;
        bar.value = p.done;
        status.textContent = p.ok
          ? t('org.progress', { done: p.done, total: p.total, account: p.account })
          : t('org.progressFailed', { done: p.done, total: p.total, account: p.account });
      });
      orgScreen();
    } catch (e) {
      showError(err, e);
      foot.append(button('org-back', t('action.back'), () => orgSetup()), button('org-retry', t('action.retry'), () => void runOrg(), 'btn-primary'));
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
      [
        t('org.accounts', { count: o.accounts.length }),
        t('org.audited', { count: o.accounts.length - failed }),
        t('org.failed', { count: failed }),
        t('org.gaps', { count: gaps }),
        o.skipped > 0 ? t('org.skipped', { count: o.skipped }) : null,
        t('org.roleUsed', { role: o.role }),
      ]
        .filter((s): s is string => s !== null)
        .join(' · '),
    );
    const chips = chipsFor(ORG_FILTERS, orgFilters, () => paint());
    const tbody = h('tbody');
    const table = h(
      'table.audit#org-table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, t('column.account')), h('th', {}, t('column.users')), h('th', {}, t('column.consoleNoMfa')), h('th', {}, t('column.rootMfa')), h('th', {}, '')),
      ),
      tbody,
    );
    const exported = h('p.hint#org-export-path', { hidden: true });
    const err = errorBox('org-error');
    const paint = () => {
      tbody.replaceChildren();
      const shown = o.accounts.filter((a) => keepAccount(a, orgFilters));
      if (shown.length === 0) tbody.append(h('tr', {}, h('td.empty-cell', { colspan: 5 }, t('noAccounts'))));
      for (const a of shown) tbody.append(accountRow(a));
    };
    paint();
    show('org', summary, chips, h('div.table-wrap', {}, table), exported, err);
    foot.append(
      button('org-back', t('action.back'), () => reportScreen()),
      button('org-refresh', t('action.refresh'), () => void runOrg()),
      button('org-export', t('action.exportCsv'), () => void exportOrg()),
      h('span.spacer'),
      button('org-signins', t('action.signIns'), () => void signInsScreen(true), 'btn-primary'),
    );

    async function exportOrg() {
      try {
        const r = await awsOrgAuditExport();
        exported.textContent = t('saved', { count: r.rows, path: r.path });
        exported.hidden = false;
        showToast(t('org.exported'));
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
        h('td', { colspan: 5 }, h('div.user-name', {}, `${a.name} · ${a.id}`), h('span.badge.badge-danger', {}, t('org.notAudited')), ' ', h('span.org-error', {}, a.error)),
      );
    }
    // Users without MFA and the groups lacking the enforce policy go under the name: five
    // columns fit the dialog without scrolling sideways.
    const gaps = [
      a.withoutMfa > 0 ? t('org.withoutMfa', { count: a.withoutMfa }) : null,
      a.groupsWithoutEnforcement.length > 0 ? t('org.noEnforce', { groups: a.groupsWithoutEnforcement.join(', ') }) : null,
    ].filter((s): s is string => s !== null);
    const root = a.rootMfa === null ? t('org.rootUnknown') : a.rootMfa ? t('org.rootOn') : h('span.badge.badge-danger', {}, t('org.rootOff'));
    return h(
      'tr.org-row',
      { 'data-account': a.id, 'data-failed': 'false', class: a.consoleWithoutMfa > 0 ? 'flagged' : '' },
      h('td', {}, h('div.user-name', {}, a.name), h('div.hint', {}, a.id), gaps.length > 0 ? h('div.hint.org-gaps', {}, gaps.join(' · ')) : null),
      h('td', {}, String(a.users.length)),
      h('td', {}, a.consoleWithoutMfa > 0 ? h('span.badge.badge-danger', {}, String(a.consoleWithoutMfa)) : '0'),
      h('td', {}, root),
      h('td', {}, h('button.btn.btn-sm.org-drill', { type: 'button', title: t('org.usersOf', { name: a.name }), 'aria-label': t('org.usersOf', { name: a.name }), onclick: () => accountScreen(a) }, t('action.users'))),
    );
  }

  function accountScreen(a: OrgAccountView) {
    const heading = h(
      'p.hint#org-account-summary',
      {},
      [
        t('summary.accountName', { name: a.name, id: a.id }),
        t('summary.users', { count: a.users.length }),
        t('summary.flagged', { count: a.consoleWithoutMfa }),
      ].join(' · '),
    );
    const chips = chipsFor(FILTERS, filters, () => paint());
    const tbody = h('tbody');
    const paint = () => {
      tbody.replaceChildren();
      const shown = a.users.filter((u) => keep(u, filters));
      if (shown.length === 0) tbody.append(h('tr', {}, h('td.empty-cell', { colspan: 4 }, t('noUsers'))));
      // Enrolling from here would use the management account's credentials: not offered.
      for (const u of shown) tbody.append(row(u, false));
    };
    const table = h(
      'table.audit#org-users',
      { 'data-account': a.id },
      h('thead', {}, h('tr', {}, h('th', {}, t('column.user')), h('th', {}, t('column.console')), h('th', {}, t('column.mfa')), h('th', {}, t('column.keys')))),
      tbody,
    );
    paint();
    show('org-account', heading, chips, h('div.table-wrap', {}, table));
    foot.append(button('org-accounts', t('action.allAccounts'), () => orgScreen(), 'btn-primary'));
  }

  // ------------------------------------------------------------ Sign-ins
  async function signInsScreen(wholeOrg: boolean) {
    const days = h(
      'select#signins-days',
      { 'aria-label': t('signIns.period') },
      ...[7, 30, 90].map((n) => h('option', { value: String(n), selected: n === 30 }, t('signIns.lastDays', { count: n }))),
    ) as HTMLSelectElement;
    const status = h('p.muted#signins-status', { role: 'status' }, t('signIns.reading'));
    const list = h('ul.signins#signins-list');
    const err = errorBox('signins-error');
    const back = () => (wholeOrg && org ? orgScreen() : reportScreen());
    show('signins', h('div.signins-head', {}, field(t('signIns.period'), days)), status, list, err);
    foot.append(button('signins-back', t('action.back'), back), button('signins-refresh', t('action.refresh'), () => void load(), 'btn-primary'));
    days.addEventListener('change', () => void load());
    async function load() {
      err.hidden = true;
      list.replaceChildren();
      status.textContent = wholeOrg ? t('signIns.readingOrg') : t('signIns.reading');
      try {
        paintSignIns(await awsSignIns(Number(days.value), wholeOrg, role), Number(days.value));
      } catch (e) {
        status.textContent = '';
        showError(err, e);
      }
    }
    function paintSignIns(v: SignInsView, n: number) {
      const where = t('signIns.lookedIn', { regions: v.regions.join(', ') });
      const period = t('signIns.inLastDays', { count: n });
      status.textContent =
        v.withoutMfa.length === 0
          ? v.total === 0
            ? t('signIns.none', { period, where })
            : t('signIns.noneWithoutMfa', { count: v.total, period, where })
          : t('signIns.withoutMfa', { count: v.withoutMfa.length, total: v.total, period, where });
      for (const s of v.withoutMfa) {
        const when = formatDateTime(s.time);
        list.append(
          h(
            'li.signin-row',
            { 'data-user': s.user, 'data-account': s.account, 'data-root': String(s.root) },
            h('div.user-name', {}, s.root ? h('span.badge.badge-danger', {}, t('signIns.root')) : null, ' ', s.user),
            h('div.hint', {}, t('signIns.row', { when, ip: s.sourceIp, account: s.account, region: s.region })),
          ),
        );
      }
      for (const f of v.failed) list.append(h('li.signin-failed', {}, h('span.badge.badge-danger', {}, t('signIns.notRead')), ' ', f));
    }
    await load();
  }

  function row(u: AuditUser, enrollable = true): HTMLElement {
    const mfa =
      u.mfa.length === 0
        ? h('span.no', {}, t('user.none'))
        : h(
            'div',
            {},
            ...u.mfa.map((d) =>
              h(
                'div',
                {},
                d.enabledAt === null
                  ? t('user.deviceNever', { kind: kindLabel(d.kind) })
                  : t('user.device', { kind: kindLabel(d.kind), date: formatDate(d.enabledAt) }),
              ),
            ),
          );
    const keys =
      u.activeKeys.length === 0
        ? h('span.muted', {}, '—')
        : h(
            'div',
            {},
            ...u.activeKeys.map((used) => h('div', {}, used === null ? t('user.keyNeverUsed') : t('user.keyUsed', { date: formatDate(used) }))),
            u.staleKey ? h('span.badge.badge-warn', {}, t('user.stale')) : null,
          );
    const enroll =
      u.mfa.length === 0 && enrollable
        ? h(
            'button.btn.btn-sm.audit-enroll',
            {
              type: 'button',
              title: t('user.enrollTitle', { name: u.name }),
              onclick: () => {
                if (!whoami) return;
                openAwsWizard({ kind: 'enrollUser', user: u.name, whoami }, () => void runAudit());
              },
            },
            t('action.enroll'),
          )
        : null;
    return h(
      'tr.audit-row',
      { 'data-user': u.name, 'data-flagged': String(u.flagged), class: u.flagged ? 'flagged' : '' },
      h('td', {}, h('div.user-name', {}, u.name), u.flagged ? h('span.badge.badge-danger', {}, t('user.flagged')) : null),
      h(
        'td',
        {},
        u.console
          ? u.passwordLastUsed
            ? t('user.consoleLast', { date: formatDate(u.passwordLastUsed) })
            : t('user.consoleYes')
          : t('user.consoleNo'),
      ),
      h('td', {}, mfa),
      h('td', {}, keys),
      enrollable ? h('td', {}, enroll) : null,
    );
  }

  function enforceDialog() {
    const d = openDialog('enforce-dialog', t('enforce.title'));
    d.dialog.classList.add('wizard');
    const group = h('input#enforce-group', { type: 'text', placeholder: t('enforce.groupPlaceholder'), autocomplete: 'off', spellcheck: 'false' });
    const err = errorBox('enforce-error');
    const ask = () => {
      d.body.replaceChildren(
        h('p.muted', {}, t('enforce.intro')),
        field(t('enforce.group'), group),
        err,
      );
      d.foot.replaceChildren(
        h('button.btn#enforce-cancel', { type: 'button', onclick: () => d.close() }, tc('action.cancel')),
        h('button.btn.btn-primary#enforce-preview', { type: 'button', onclick: () => void plan() }, t('action.preview')),
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
      if (p.createPolicy) actions.append(h('li', {}, ...withNodes(t('enforce.createPolicy', { arn: marker('arn') }), { arn: h('code', {}, p.policyArn) })));
      if (p.attach) actions.append(h('li', {}, t('enforce.attach', { group: p.group })));
      if (!p.createPolicy && !p.attach) actions.append(h('li', {}, t('enforce.nothing', { group: p.group })));
      const members =
        p.membersWithoutMfa.length === 0
          ? h('p#enforce-members', {}, t('enforce.allHaveMfa'))
          : h('p#enforce-members', {}, t('enforce.members', { names: p.membersWithoutMfa.join(', ') }));
      const lockout = p.locksOutCaller
        ? h('p.lockout#enforce-lockout', { role: 'alert' }, t('enforce.lockout', { group: p.group }))
        : null;
      const result = errorBox('enforce-error');
      d.body.replaceChildren(
        h('p', {}, h('strong', {}, t('enforce.changes'))),
        actions,
        members,
        lockout ?? '',
        h('details.advanced#enforce-policy-details', {}, h('summary', {}, t('enforce.policy')), h('pre.code-block#enforce-policy', {}, p.document)),
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
              h('p.success', {}, t('enforce.done', { group: r.group })),
              h(
                'p',
                {},
                r.created
                  ? t('enforce.created', { arn: r.policyArn })
                  : r.attached
                    ? t('enforce.attached', { arn: r.policyArn })
                    : t('enforce.alreadyAttached'),
              ),
            ),
          );
          d.foot.replaceChildren(h('button.btn.btn-primary#enforce-close', { type: 'button', onclick: () => d.close() }, tc('action.close')));
        } catch (e) {
          showError(result, e);
        }
      };
      const nothing = !p.createPolicy && !p.attach;
      d.foot.replaceChildren(
        h('button.btn#enforce-back', { type: 'button', onclick: ask }, t('action.back')),
        h('span.spacer'),
        p.locksOutCaller ? h('button.btn.btn-danger#enforce-force', { type: 'button', onclick: () => void apply(true) }, t('action.applyAnyway')) : '',
        h('button.btn.btn-primary#enforce-confirm', { type: 'button', disabled: p.locksOutCaller || nothing, onclick: () => void apply(false) }, t('action.requireMfa')),
      );
    }
    ask();
  }

  void connect();
}
