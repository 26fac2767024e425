// The account list's pure parts: order, search and avatar colour. No DOM, no IPC, so the unit
// tests import this alone.
import type { AccountSummary } from '../../bindings/AccountSummary';

/** By issuer (or name when there is none), then by name; case-insensitive. A sorted copy. */
export function sortAccounts(list: AccountSummary[]): AccountSummary[] {
  const key = (a: AccountSummary) => (a.issuer || a.name).toLocaleLowerCase();
  return [...list].sort(
    (a, b) =>
      key(a).localeCompare(key(b)) ||
      a.name.toLocaleLowerCase().localeCompare(b.name.toLocaleLowerCase()),
  );
}

/** Whether every word of `query` appears in the account's issuer, account, name or tags. */
export function matches(a: AccountSummary, query: string): boolean {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return true;
  const hay = [a.issuer, a.account, a.name, ...a.tags].join(' ').toLocaleLowerCase();
  return q.split(/\s+/).every((w) => hay.includes(w));
}

/** A stable colour for a name's avatar. */
export function avatarColor(s: string): string {
  let hash = 0;
  for (const ch of s) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 55% 48%)`;
}
