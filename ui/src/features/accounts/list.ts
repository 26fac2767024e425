// The account list's pure parts: order, search, tags and avatar colour. No DOM, no IPC, so the
// unit tests import this alone.
import type { AccountSort } from '../../bindings/AccountSort';
import type { AccountSummary } from '../../bindings/AccountSummary';

/** Favourites first; then by issuer (or name when there is none) and name, by name, or by how
 * often a code was taken (most first, then by issuer); case-insensitive. `manual` keeps the
 * vault's order (the user's own), favourites first all the same. A sorted copy. */
export function sortAccounts(list: AccountSummary[], order: AccountSort = 'issuer'): AccountSummary[] {
  // Array.prototype.sort is stable: equal favourites keep the order the vault gave them.
  if (order === 'manual') return [...list].sort((a, b) => Number(b.favourite) - Number(a.favourite));
  const lower = (s: string) => s.toLocaleLowerCase();
  const byIssuer = (a: AccountSummary, b: AccountSummary) =>
    lower(a.issuer || a.name).localeCompare(lower(b.issuer || b.name)) || lower(a.name).localeCompare(lower(b.name));
  const rest =
    order === 'name'
      ? (a: AccountSummary, b: AccountSummary) => lower(a.name).localeCompare(lower(b.name))
      : order === 'mostUsed'
        ? (a: AccountSummary, b: AccountSummary) => b.uses - a.uses || byIssuer(a, b)
        : byIssuer;
  return [...list].sort((a, b) => Number(b.favourite) - Number(a.favourite) || rest(a, b));
}

/** Every tag used, once, sorted. */
export function allTags(list: AccountSummary[]): string[] {
  return [...new Set(list.flatMap((a) => a.tags))].sort((a, b) => a.localeCompare(b));
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

/**
 * Where `moved` goes in the vault's order (0 first) when dropped just before the account
 * `before` (null: after every other account), counted once `moved` is taken out.
 */
export function movePosition(vaultOrder: readonly string[], moved: string, before: string | null): number {
  const rest = vaultOrder.filter((id) => id !== moved);
  const at = before === null ? -1 : rest.indexOf(before);
  return at < 0 ? rest.length : at;
}
