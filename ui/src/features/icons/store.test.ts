import { describe, expect, it } from 'vitest';
import { iconRecords } from './build-data.mjs';
import type { IconRecord } from './match';
import { iconFor, iconIndex, setIconData } from './store';

const RECORDS: IconRecord[] = [
  ['github', 'GitHub', '181717', 'M0 0h24v24H0z', [], ['github.com']],
  ['gitlab', 'GitLab', 'FC6D26', 'M0 0h24v24H0z'],
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
    expect(iconFor('', 'GitHub')).toEqual({ slug: 'github', title: 'GitHub', hex: '181717', path: 'M0 0h24v24H0z' });
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
    const records = await iconRecords();
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
