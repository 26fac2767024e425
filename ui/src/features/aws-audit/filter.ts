// The audit table's filters. No DOM, no IPC, so the unit tests import this alone.
import type { AuditUser } from '../../bindings/AuditUser';

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
