// The audit table's filters. No DOM, no IPC, so the unit tests import this alone.
import type { AuditUser } from '../../bindings/AuditUser';
import type { OrgAccountView } from '../../bindings/OrgAccountView';

/** A filter chip: users without MFA, console users, users with a stale access key. */
export type Filter = 'noMfa' | 'console' | 'stale';

/** Each filter with its chip's element id and label. */
export const FILTERS: [Filter, string, string][] = [
  ['noMfa', 'filter-no-mfa', 'No MFA'],
  ['console', 'filter-console', 'Console users'],
  ['stale', 'filter-stale', 'Stale keys (90 days)'],
];

/** Whether `u` passes every filter that is on (all of them must hold). */
export function keep(u: AuditUser, on: Set<Filter>): boolean {
  return (!on.has('noMfa') || u.mfa.length === 0) && (!on.has('console') || u.console) && (!on.has('stale') || u.staleKey);
}

/** A filter of the organisation view's accounts. */
export type OrgFilter = 'consoleNoMfa' | 'noMfa' | 'rootNoMfa';

/** Each organisation filter with its chip's element id and label. */
export const ORG_FILTERS: [OrgFilter, string, string][] = [
  ['consoleNoMfa', 'org-filter-console', 'Console access without MFA'],
  ['noMfa', 'org-filter-no-mfa', 'Users without MFA'],
  ['rootNoMfa', 'org-filter-root', 'Root without MFA'],
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
