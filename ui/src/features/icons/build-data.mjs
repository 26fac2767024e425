// Build-time only (Node): turns node_modules/simple-icons into the compact icon data the app
// loads lazily. Run by ui/build.mjs; the output (dist/icons-data.js) is build output, never
// committed. Each record: [slug, title, hex, path, names?, hosts?] where names are the
// aliases (aka, dup titles, localised names, old names) and hosts the hosts (without "www.")
// of the icon's source and guidelines URLs. Names are normalised at run time by match.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The host of a URL without a leading "www.", or null. */
function hostOf(url) {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/** The compact records, sorted by slug; throws if simple-icons is missing or changed shape. */
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
    if (record.length === 5 && record[4].length === 0) record.pop();
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

/** Writes the lazily loaded ES module: `export default { version, icons }`. JSON.parse of one
 * string literal parses faster than the same data as an object literal. */
export async function writeIconData(outFile) {
  const payload = JSON.stringify({ version: iconsVersion(), icons: await iconRecords() });
  writeFileSync(outFile, `export default JSON.parse(${JSON.stringify(payload)});\n`);
  return payload.length;
}
