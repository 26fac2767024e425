import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iconRecords, type SourceRecord, splitRecords, writeIconData } from './build-data.mjs';
import { INDEX_FILE, SHARDS, shardFile, shardOf } from './shard.mjs';
import type { IconData, PathShard } from './store';

describe('shardOf', () => {
  it('is 32-bit FNV-1a modulo SHARDS (published FNV vectors)', () => {
    expect(SHARDS).toBe(64);
    // FNV-1a 32: "" = 0x811c9dc5, "a" = 0xe40c292c, "foobar" = 0xbf9cf968.
    expect(shardOf('')).toBe(0x811c9dc5 % 64);
    expect(shardOf('a')).toBe(0xe40c292c % 64);
    expect(shardOf('foobar')).toBe(0xbf9cf968 % 64);
    // Fixed answers: a change here moves every icon to another file.
    expect(['github', 'google', 'gitlab', 'dropbox', 'amazon'].map(shardOf)).toEqual([50, 6, 10, 37, 45]);
    expect(shardFile(7)).toBe('icons/paths-07.js');
    expect(shardFile(63)).toBe('icons/paths-63.js');
  });

  it('spreads the simple-icons slugs over every shard', async () => {
    const records = await iconRecords();
    const counts = new Array<number>(SHARDS).fill(0);
    for (const [slug] of records) {
      const n = shardOf(slug);
      expect(Number.isInteger(n) && n >= 0 && n < SHARDS, slug).toBe(true);
      counts[n]++;
    }
    const mean = records.length / SHARDS;
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThanOrEqual(3 * mean);
  });
});

describe('splitRecords', () => {
  const P = 'M0 0h24v24H0z';
  const SOURCE: SourceRecord[] = [
    ['github', 'GitHub', '181717', `${P}1`, [], ['github.com']],
    ['gitlab', 'GitLab', 'FC6D26', `${P}2`],
    ['x', 'X', '000000', `${P}3`, ['Twitter']],
    ['empty', 'Empty', 'FFFFFF', `${P}4`, [], []],
    ['constructor', 'Constructor', '123456', `${P}5`],
  ];

  it('keeps everything but the paths in the index, the paths in their shards', () => {
    const { index, shards } = splitRecords(SOURCE, '1.2.3');
    expect(index).toEqual({
      version: '1.2.3',
      icons: [
        ['github', 'GitHub', '181717', [], ['github.com']],
        ['gitlab', 'GitLab', 'FC6D26'],
        ['x', 'X', '000000', ['Twitter']],
        ['empty', 'Empty', 'FFFFFF'],
        ['constructor', 'Constructor', '123456'],
      ],
    });
    expect(shards).toHaveLength(SHARDS);
    for (const [slug, , , path] of SOURCE) {
      expect(Object.keys(shards[shardOf(slug)]), slug).toContain(slug);
      expect(shards[shardOf(slug)][slug]).toBe(path);
    }
    expect(shards.reduce((n, s) => n + Object.keys(s).length, 0)).toBe(SOURCE.length);
  });

  it('refuses a duplicate slug', () => {
    expect(() => splitRecords([...SOURCE, ['x', 'X again', '000000', P]], 'v')).toThrow(/duplicate slug x/);
  });
});

describe('writeIconData', () => {
  let dir: string;
  let sizes: { index: number; shards: number[] };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twofold-icons-'));
    // What an older build may have left: the single data file and a shard that no longer exists.
    writeFileSync(join(dir, 'icons-data.js'), 'export default {};\n');
    mkdirSync(join(dir, 'icons'));
    writeFileSync(join(dir, 'icons', 'paths-99.js'), 'export default {};\n');
    sizes = await writeIconData(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = async <T>(file: string): Promise<T> =>
    ((await import(/* @vite-ignore */ pathToFileURL(join(dir, file)).href)) as { default: T }).default;

  it('writes the index and SHARDS shards, and nothing stale', () => {
    expect(readdirSync(dir).sort()).toEqual(['icons', INDEX_FILE]);
    const want = Array.from({ length: SHARDS }, (_, n) => shardFile(n).replace('icons/', ''));
    expect(readdirSync(join(dir, 'icons')).sort()).toEqual(want);
    expect(statSync(join(dir, INDEX_FILE)).size).toBe(sizes.index);
    expect(sizes.index).toBeLessThan(512 * 1024);
    expect(sizes.shards.map((_, n) => statSync(join(dir, shardFile(n))).size)).toEqual(sizes.shards);
  });

  it('round-trips: every slug of the index has its path in exactly its own shard', async () => {
    const source = await iconRecords();
    const index = await load<IconData>(INDEX_FILE);
    expect(index.icons.map((r) => r[0])).toEqual(source.map((r) => r[0]));
    // [slug, title, hex, names?, hosts?]: three strings, then only lists (no path).
    const misshapen = index.icons.filter((r) => r.length > 5 || r.slice(3).some((f) => !Array.isArray(f)));
    expect(misshapen.map((r) => r[0])).toEqual([]);
    const shards = await Promise.all(Array.from({ length: SHARDS }, (_, n) => load<PathShard>(shardFile(n))));
    const where = new Map<string, number[]>();
    shards.forEach((shard, n) => {
      for (const slug of Object.keys(shard)) where.set(slug, [...(where.get(slug) ?? []), n]);
    });
    expect(where.size).toBe(source.length);
    for (const [slug, , , path] of source) {
      expect(where.get(slug), slug).toEqual([shardOf(slug)]);
      expect(shards[shardOf(slug)][slug]).toBe(path);
    }
  });
});
