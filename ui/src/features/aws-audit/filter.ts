// The audit table's filters. No DOM, no IPC, so the unit tests import this alone.
import type { AuditUser } from '../../bindings/AuditUser';
import type { OrgAccountView } from '../../bindings/OrgAccountView';
import { tr } from '../../i18n/i18n';

const t = tr('audit');

/** A filter chip: users without MFA, console users, users with a stale access key. */
export type Filter = 'noMfa' | 'console' | 'stale';

/** Each filter with its chip's element id and label (read when the chips are drawn). */
export const FILTERS: [Filter, string, () => string][] = [
  ['noMfa', 'filter-no-mfa', () => t('filter.noMfa')],
  ['console', 'filter-console', () => t('filter.console')],
  ['stale', 'filter-stale', () => t('filter.stale')],
];

/** Whether `u` passes every filter that is on (all of them must hold). */
export function keep(u: AuditUser, on: Set<Filter>): boolean {
  return (!on.has('noMfa') || u.mfa.length === 0) && (!on.has('console') || u.console) && (!on.has('stale') || u.staleKey);
}

/** A filter of the organisation view's accounts. */
export type OrgFilter = 'consoleNoMfa' | 'noMfa' | 'rootNoMfa';

/** Each organisation filter with its chip's element id and label (read when the chips are drawn). */
export const ORG_FILTERS: [OrgFilter, string, () => string][] = [
  ['consoleNoMfa', 'org-filter-console', () => t('filter.orgConsoleNoMfa')],
  ['noMfa', 'org-filter-no-mfa', () => t('filter.orgNoMfa')],
  ['rootNoMfa', 'org-filter-root', () => t('filter.orgRootNoMfa')],
];

/** Whether account `a` passes every organisation filter that is on. An account that could not
 * be audited is always kept: nobody knows it is fine. */
export function keepAccount(a: OrgAccountView, on: Set<OrgFilter>): boolean {
  if (a.error !== null) return true;
  return (
    (!on.has('consoleNoMfa') || a.consoleWithoutMfa > 0) &&
    (!on.has('noMfa') || a.withoutMfa > 0) &&
    (!on.has('rootNoMfa') || a.rootMfa === false)
  );
}
