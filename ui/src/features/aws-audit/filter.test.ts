import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditUser } from '../../bindings/AuditUser';
import type { OrgAccountView } from '../../bindings/OrgAccountView';
import { startI18n } from '../../i18n/i18n';
import { FILTERS, type Filter, keep, keepAccount, ORG_FILTERS, type OrgFilter } from './filter';

beforeAll(() => startI18n('en'));

function user(name: string, more: Partial<AuditUser> = {}): AuditUser {
  return {
    name,
    arn: `arn:aws:iam::123456789012:user/${name}`,
    console: false,
    passwordLastUsed: null,
    mfa: [],
    activeKeys: [],
    flagged: false,
    staleKey: false,
    ...more,
  };
}

const device = { serial: 'arn:aws:iam::123456789012:mfa/x', kind: 'virtual' as const, enabledAt: 1 };
const carla = user('carla', { console: true, flagged: true });
const dan = user('dan', { console: true, mfa: [device] });
const bot = user('bot', { activeKeys: [null], staleKey: true });
const all = [carla, dan, bot];

const shown = (on: Filter[]) => all.filter((u) => keep(u, new Set(on))).map((u) => u.name);

describe('keep', () => {
  it('keeps everyone with no filter on', () => {
    expect(shown([])).toEqual(['carla', 'dan', 'bot']);
  });

  it('"No MFA" keeps users without a device, console or not', () => {
    expect(shown(['noMfa'])).toEqual(['carla', 'bot']);
  });

  it('"Console users" keeps users who can sign in', () => {
    expect(shown(['console'])).toEqual(['carla', 'dan']);
  });

  it('"Stale keys" keeps users with a stale access key', () => {
    expect(shown(['stale'])).toEqual(['bot']);
  });

  it('needs every filter that is on', () => {
    expect(shown(['noMfa', 'console'])).toEqual(['carla']);
    expect(shown(['console', 'stale'])).toEqual([]);
  });
});

describe('FILTERS', () => {
  it('has one chip per filter, with the ids the end-to-end tests click', () => {
    expect(FILTERS.map(([f]) => f)).toEqual(['noMfa', 'console', 'stale']);
    expect(FILTERS.map(([, id]) => id)).toEqual(['filter-no-mfa', 'filter-console', 'filter-stale']);
  });

  it('labels the chips', () => {
    expect(FILTERS.map(([, , label]) => label())).toEqual(['No MFA', 'Console users', 'Stale keys (90 days)']);
  });
});

function acct(id: string, more: Partial<OrgAccountView> = {}): OrgAccountView {
  return { id, name: id, error: null, rootMfa: true, users: [], consoleWithoutMfa: 0, withoutMfa: 0, groupsWithoutEnforcement: [], ...more };
}

describe('keepAccount', () => {
  const fine = acct('fine');
  const consoleGap = acct('console', { consoleWithoutMfa: 1, withoutMfa: 1 });
  const botGap = acct('bots', { withoutMfa: 3 });
  const rootGap = acct('root', { rootMfa: false });
  const unknownRoot = acct('unknown', { rootMfa: null });
  const failed = acct('failed', { error: 'cannot assume the role', rootMfa: null });
  const accounts = [fine, consoleGap, botGap, rootGap, unknownRoot, failed];
  const kept = (on: OrgFilter[]) => accounts.filter((a) => keepAccount(a, new Set(on))).map((a) => a.id);

  it('keeps every account with no filter on', () => {
    expect(kept([])).toEqual(['fine', 'console', 'bots', 'root', 'unknown', 'failed']);
  });
  it('keeps the accounts with each gap, and failed accounts always', () => {
    expect(kept(['consoleNoMfa'])).toEqual(['console', 'failed']);
    expect(kept(['noMfa'])).toEqual(['console', 'bots', 'failed']);
    expect(kept(['rootNoMfa'])).toEqual(['root', 'failed']);
  });
  it('needs every filter that is on', () => {
    expect(kept(['consoleNoMfa', 'rootNoMfa'])).toEqual(['failed']);
  });
  it('has one chip per filter', () => {
    expect(ORG_FILTERS.map(([f]) => f)).toEqual(['consoleNoMfa', 'noMfa', 'rootNoMfa']);
    expect(ORG_FILTERS.map(([, , label]) => label())).toEqual(['Console access without MFA', 'Users without MFA', 'Root without MFA']);
  });
});
