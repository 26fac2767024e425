// Build-time only (Node): turns node_modules/simple-icons into the icon data the app loads
// lazily, split so that the web view never holds every logo. Run by ui/build.mjs; the output is
// build output, never committed:
// - dist/icons-index.js: `{ version, icons }`, one record per icon [slug, title, hex, names?,
//   hosts?], everything the matcher and the chooser's search need and no paths (about 0.2 MB).
//   names are the aliases (aka, dup titles, localised names, old names), hosts the hosts
//   (without "www.") of the icon's source and guidelines URLs; match.ts normalises the names.
// - dist/icons/paths-NN.js, SHARDS files: `{ slug: path }` for the slugs whose shardOf
//   (shard.mjs, shared with store.ts) is NN. The app imports a shard when it first draws an
//   icon in it; the paths are nearly all of the 4.6 MB.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { INDEX_FILE, SHARDS, shardFile, shardOf } from './shard.mjs';

const require = createRequire(import.meta.url);

/** The host of a URL without a leading "www.", or null. */
function hostOf(url) {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/** Every icon as [slug, title, hex, path, names?, hosts?] (the source records, paths
 * included), sorted by slug; throws if simple-icons is missing or changed shape. */
export async function iconRecords() {
  const dataFile = require.resolve('simple-icons/icons.json');
  const data = JSON.parse(readFileSync(dataFile, 'utf8'));
  const icons = await import('simple-icons');
  const bySlug = new Map();
  for (const value of Object.values(icons)) {
    if (value && typeof value === 'object' && typeof value.slug === 'string') bySlug.set(value.slug, value);
  }
  const records = [];
  for (const entry of data) {
    const icon = bySlug.get(entry.slug);
    if (!icon) throw new Error(`simple-icons: no path for ${entry.slug}`);
    const a = entry.aliases ?? {};
    const names = new Set([
      ...(a.aka ?? []),
      ...(a.dup ?? []).map((d) => d.title),
      ...Object.values(a.loc ?? {}),
      ...(a.old ?? []),
    ]);
    names.delete(entry.title);
    const hosts = new Set();
    for (const url of [entry.source, entry.guidelines, ...(a.dup ?? []).map((d) => d.source)]) {
      const host = url && hostOf(url);
      if (host) hosts.add(host);
    }
    const record = [entry.slug, entry.title, entry.hex.toUpperCase(), icon.path, [...names], [...hosts]];
    while (record.length > 4 && record[record.length - 1].length === 0) record.pop();
    records.push(record);
  }
  records.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return records;
}

/** The simple-icons version the records come from. */
export function iconsVersion() {
  const dataFile = require.resolve('simple-icons/icons.json'); // data/simple-icons.json
  return JSON.parse(readFileSync(join(dirname(dataFile), '..', 'package.json'), 'utf8')).version;
}

/** Splits the source records into what build.mjs writes: the index (the records without
 * their paths) and SHARDS maps of slug → path. Pure, so the unit tests check it directly. */
export function splitRecords(records, version) {
  const icons = [];
  const entries = Array.from({ length: SHARDS }, () => []);
  const seen = new Set();
  for (const [slug, title, hex, path, names = [], hosts = []] of records) {
    if (seen.has(slug)) throw new Error(`simple-icons: duplicate slug ${slug}`);
    seen.add(slug);
    const record = [slug, title, hex, names, hosts];
    while (record.length > 3 && record[record.length - 1].length === 0) record.pop();
    icons.push(record);
    entries[shardOf(slug)].push([slug, path]);
  }
  // fromEntries defines own properties, so even a slug like "__proto__" would survive.
  return { index: { version, icons }, shards: entries.map((e) => Object.fromEntries(e)) };
}

/** An ES module exporting `value`. JSON.parse of one string literal parses faster than the
 * same data as an object literal. */
function moduleSource(value) {
  return `export default JSON.parse(${JSON.stringify(JSON.stringify(value))});\n`;
}

/** Writes icons-index.js and icons/paths-NN.js into `outDir` (dist/), first removing what an
 * earlier build of either layout left there. Returns the files' sizes in bytes. */
export async function writeIconData(outDir) {
  const { index, shards } = splitRecords(await iconRecords(), iconsVersion());
  for (const stale of [INDEX_FILE, 'icons-data.js', 'icons']) {
    rmSync(join(outDir, stale), { recursive: true, force: true });
  }
  mkdirSync(join(outDir, 'icons'), { recursive: true });
  const write = (file, value) => {
    const source = moduleSource(value);
    writeFileSync(join(outDir, file), source);
    return Buffer.byteLength(source);
  };
  return { index: write(INDEX_FILE, index), shards: shards.map((paths, n) => write(shardFile(n), paths)) };
}
