import { afterEach, describe, expect, it } from 'vitest';
import { iconRecords, splitRecords } from './build-data.mjs';
import type { IconRecord } from './match';
import { shardOf } from './shard.mjs';
import { cachedPath, iconFor, iconIndex, iconPath, type PathShard, setIconData, setShardLoader } from './store';

const RECORDS: IconRecord[] = [
  ['github', 'GitHub', '181717', [], ['github.com']],
  ['gitlab', 'GitLab', 'FC6D26'],
];

describe('iconFor', () => {
  it('is null until the data has loaded', () => {
    expect(iconIndex()).toBeNull();
    expect(iconFor('', 'GitHub')).toBeNull();
    expect(iconFor('github', 'GitHub')).toBeNull();
  });
  it('follows the stored choice', () => {
    setIconData({ version: 'test', icons: RECORDS });
    expect(iconFor('', 'GitHub')?.slug).toBe('github');
    expect(iconFor('', 'https://github.com/login')?.slug).toBe('github');
    expect(iconFor('letter', 'GitHub')).toBeNull();
    expect(iconFor('gitlab', 'GitHub')?.slug).toBe('gitlab');
    expect(iconFor('gitlab', '')?.slug).toBe('gitlab');
    expect(iconFor('no-such-icon', 'GitHub')?.slug).toBe('github');
    expect(iconFor('', 'Acme')).toBeNull();
    expect(iconFor('', '')).toBeNull();
    expect(iconFor('', 'GitHub')).toEqual({ slug: 'github', title: 'GitHub', hex: '181717' });
  });
});

/** A shard loader the test settles by hand, recording which shards were asked for. */
function manualLoader() {
  const calls: number[] = [];
  const pending: { n: number; resolve: (s: PathShard) => void; reject: (e: Error) => void }[] = [];
  setShardLoader((n) => {
    calls.push(n);
    return new Promise<PathShard>((resolve, reject) => pending.push({ n, resolve, reject }));
  });
  return { calls, pending };
}

/** Another slug whose path is in the same shard as `slug`. */
function neighbour(slug: string): string {
  for (let i = 0; ; i++) if (shardOf(`icon${i}`) === shardOf(slug)) return `icon${i}`;
}

describe('iconPath and cachedPath', () => {
  afterEach(() => setShardLoader());

  it('imports a shard once and answers from it afterwards', async () => {
    const { calls, pending } = manualLoader();
    const other = neighbour('github');
    expect(cachedPath('github')).toBeUndefined();
    const a = iconPath('github');
    const b = iconPath(other);
    const c = iconPath('github');
    expect(calls).toEqual([shardOf('github')]);
    expect(cachedPath('github')).toBeUndefined();
    pending[0].resolve({ github: 'M1', [other]: 'M2' });
    expect(await Promise.all([a, b, c])).toEqual(['M1', 'M2', 'M1']);
    expect(cachedPath('github')).toBe('M1');
    expect(cachedPath(other)).toBe('M2');
    expect(await iconPath('github')).toBe('M1');
    expect(calls).toHaveLength(1);
  });

  it('retries a shard whose import failed', async () => {
    const { calls, pending } = manualLoader();
    const first = iconPath('gitlab');
    pending[0].reject(new Error('import failed'));
    await expect(first).rejects.toThrow('import failed');
    expect(cachedPath('gitlab')).toBeUndefined();
    const second = iconPath('gitlab');
    expect(calls).toEqual([shardOf('gitlab'), shardOf('gitlab')]);
    pending[1].resolve({ gitlab: 'M3' });
    expect(await second).toBe('M3');
  });

  it('rejects a slug its shard does not have, even one named like an Object method', async () => {
    setShardLoader(async () => ({}));
    await expect(iconPath('constructor')).rejects.toThrow(/no path for icon "constructor"/);
    expect(cachedPath('constructor')).toBeUndefined();
    expect(cachedPath('toString')).toBeUndefined();
  });

  it('turns a loader that throws into a rejection', async () => {
    setShardLoader(() => {
      throw new Error('boom');
    });
    await expect(iconPath('github')).rejects.toThrow('boom');
  });
});

/** 500 issuers as people type them: titles, lower case, with a legal form, as domains and
 * URLs, with a product word, and names no icon has. */
function issuers(titles: string[]): string[] {
  const out: string[] = [];
  const forms = [
    (t: string) => t,
    (t: string) => t.toLowerCase(),
    (t: string) => `${t}, Inc.`,
    (t: string) => `${t.toLowerCase().replace(/[^a-z0-9]/g, '')}.com`,
    (t: string) => `https://accounts.${t.toLowerCase().replace(/[^a-z0-9]/g, '')}.com/login`,
    (t: string) => `${t} Account`,
    (t: string) => `Unknown ${t} Cooperative ${out.length}`,
  ];
  for (let i = 0; out.length < 500; i++) out.push(forms[i % forms.length](titles[(i * 7919) % titles.length]));
  return out;
}

describe('matching speed', () => {
  it('matches a 500-issuer list (prints the time)', async () => {
    const records = splitRecords(await iconRecords(), 'bench').index.icons;
    let t0 = performance.now();
    setIconData({ version: 'bench', icons: records });
    const build = performance.now() - t0;
    const list = issuers(records.map((r) => r[1]));
    expect(new Set(list).size).toBeGreaterThan(450);
    t0 = performance.now();
    let hits = 0;
    for (const s of list) if (iconFor('', s)) hits++;
    const cold = performance.now() - t0;
    t0 = performance.now();
    for (const s of list) iconFor('', s);
    const warm = performance.now() - t0;
    console.log(
      `icons: index of ${records.length} built in ${build.toFixed(1)} ms; 500 issuers matched in ${cold.toFixed(1)} ms ` +
        `(${hits} with an icon), again from the cache in ${warm.toFixed(2)} ms`,
    );
    expect(hits).toBeGreaterThan(250);
  });
});

describe('search speed', () => {
  it('searches all icons quickly (prints the time)', async () => {
    const { searchIcons } = await import('./match');
    const index = iconIndex();
    if (!index) throw new Error('no index');
    const t0 = performance.now();
    for (const q of ['', 'g', 'go', 'goo', 'goog', 'google', 'git hub', 'zz']) searchIcons(index, q);
    console.log(`icons: 8 searches over ${index.icons.length} icons in ${(performance.now() - t0).toFixed(1)} ms`);
    expect(searchIcons(index, 'github')[0]).toBe(index.bySlug.get('github'));
  });
});
