import { describe, expect, it } from 'vitest';
import type { AccountSummary } from '../../bindings/AccountSummary';
import { allTags, avatarColor, matches, sortAccounts, movePosition } from './list';

function account(name: string, issuer = '', more: Partial<AccountSummary> = {}): AccountSummary {
  return {
    id: name,
    name,
    issuer,
    account: '',
    kind: 'totp',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: 0,
    tags: [],
    created: 0,
    lastUsed: null,
    aws: null,
    favourite: false,
    note: '',
    uses: 0,
    icon: '',
    ...more,
  };
}

describe('sortAccounts', () => {
  it('puts favourites first, whatever the order', () => {
    const list = [account('a', 'Alpha'), account('z', 'Zulu', { favourite: true }), account('m', 'Mike')];
    expect(sortAccounts(list).map((a) => a.name)).toEqual(['z', 'a', 'm']);
    expect(sortAccounts(list, 'name').map((a) => a.name)).toEqual(['z', 'a', 'm']);
  });

  it('sorts by name, or by how often a code was taken', () => {
    const list = [account('b', 'Zeta', { uses: 2 }), account('a', 'Yankee', { uses: 9 }), account('c', 'Xray', { uses: 2 })];
    expect(sortAccounts(list, 'name').map((a) => a.name)).toEqual(['a', 'b', 'c']);
    // Most used first; equal counts by issuer.
    expect(sortAccounts(list, 'mostUsed').map((a) => a.name)).toEqual(['a', 'c', 'b']);
  });

  it("keeps the vault's order for the manual order, favourites still first", () => {
    const list = [account('m', 'Mike'), account('a', 'Alpha'), account('z', 'Zulu', { favourite: true }), account('b', 'Bravo')];
    expect(sortAccounts(list, 'manual').map((a) => a.name)).toEqual(['z', 'm', 'a', 'b']);
    expect(list.map((a) => a.name)).toEqual(['m', 'a', 'z', 'b']);
  });

  it('lists every tag once', () => {
    const list = [account('a', '', { tags: ['work', 'aws'] }), account('b', '', { tags: ['work'] })];
    expect(allTags(list)).toEqual(['aws', 'work']);
  });

  it('orders by issuer, or by name where there is no issuer, ignoring case', () => {
    const list = [account('zeta', 'github'), account('Amazon'), account('x', 'Cloudflare'), account('b', 'AWS')];
    expect(sortAccounts(list).map((a) => a.name)).toEqual(['Amazon', 'b', 'x', 'zeta']);
  });

  it('breaks ties between equal issuers by name', () => {
    const list = [account('GitHub:work', 'GitHub'), account('GitHub:home', 'GitHub')];
    expect(sortAccounts(list).map((a) => a.name)).toEqual(['GitHub:home', 'GitHub:work']);
  });

  it('returns a sorted copy and leaves the input alone', () => {
    const list = [account('b'), account('a')];
    const sorted = sortAccounts(list);
    expect(sorted).not.toBe(list);
    expect(list.map((a) => a.name)).toEqual(['b', 'a']);
  });
});

describe('matches', () => {
  const a = account('GitHub:ana', 'GitHub', { account: 'ana@example.com', tags: ['work', 'dev'] });

  it('matches everything with an empty or blank query', () => {
    expect(matches(a, '')).toBe(true);
    expect(matches(a, '   ')).toBe(true);
  });

  it('finds the issuer, the account, the name and tags, ignoring case', () => {
    expect(matches(a, 'github')).toBe(true);
    expect(matches(a, 'EXAMPLE.com')).toBe(true);
    expect(matches(a, 'work')).toBe(true);
  });

  it('needs every word to match somewhere', () => {
    expect(matches(a, 'git dev')).toBe(true);
    expect(matches(a, 'git gitlab')).toBe(false);
  });

  it('does not match what is not there', () => {
    expect(matches(a, 'aws')).toBe(false);
  });
});

describe('avatarColor', () => {
  it('is a stable hsl colour for a name', () => {
    expect(avatarColor('GitHub')).toBe(avatarColor('GitHub'));
    expect(avatarColor('GitHub')).toMatch(/^hsl\(\d{1,3} 55% 48%\)$/);
  });

  it('differs between names', () => {
    expect(avatarColor('GitHub')).not.toBe(avatarColor('GitLab'));
  });

  it('keeps the hue below 360', () => {
    for (const s of ['', 'a', 'Amazon Web Services', 'ü', '🙂 emoji']) {
      const hue = Number(/^hsl\((\d+) /.exec(avatarColor(s))?.[1]);
      expect(hue).toBeGreaterThanOrEqual(0);
      expect(hue).toBeLessThan(360);
    }
  });
});

describe('movePosition', () => {
  const order = ['a', 'b', 'c', 'd'];
  it('places a dropped account before its new neighbour, counted without itself', () => {
    expect(movePosition(order, 'd', 'a')).toBe(0);
    expect(movePosition(order, 'a', 'c')).toBe(1); // b, [a], c, d
    expect(movePosition(order, 'b', null)).toBe(3); // last
    expect(movePosition(order, 'c', 'd')).toBe(2); // where it is already
    expect(movePosition(order, 'a', 'gone')).toBe(3); // an unknown neighbour: last
  });
});
