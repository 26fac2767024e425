import { describe, expect, it } from 'vitest';
import type { AuditUser } from '../../bindings/AuditUser';
import { FILTERS, type Filter, keep } from './filter';

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
});
