// The icon data once loaded, the choice → icon rule, and the SVG paths on demand. None of the
// data (simple-icons) is in main.js: build.mjs writes dist/icons-index.js (names, colours,
// hosts; no paths) and 64 path shards dist/icons/paths-NN.js (see build-data.mjs). loadIcons
// imports the index after the first render; iconPath imports the one shard an icon needs when
// it is first drawn, so the web view holds the paths of the icons on screen and their shard
// neighbours, not all 4.6 MB of them (script-src 'self' allows these imports; no network).
import { buildIndex, type IconIndex, type IconInfo, type IconRecord, matchIssuer } from './match';
import { INDEX_FILE, shardFile, shardOf } from './shard.mjs';

/** What dist/icons-index.js exports (see build-data.mjs). */
export interface IconData {
  version: string;
  icons: IconRecord[];
}

/** One path shard as dist/icons/paths-NN.js exports it: slug → SVG path (24×24 viewBox). */
export type PathShard = Record<string, string>;

/** Fetches path shard `n`; the app imports the built file, the unit tests inject a fake. */
export type ShardLoader = (n: number) => Promise<PathShard>;

let index: IconIndex | null = null;
let version = '';
let loading: Promise<void> | null = null;
const matched = new Map<string, number | null>();

/** A module next to main.js, by a computed specifier: esbuild leaves it alone, so the data stays
 * out of main.js. */
function importBuilt<T>(file: string): Promise<T> {
  const url = new URL(file, import.meta.url).href;
  return import(url).then((m: { default: T }) => m.default);
}

const importShard: ShardLoader = (n) => importBuilt<PathShard>(shardFile(n));
let loadShard: ShardLoader = importShard;
/** Shards being imported or imported (a failed one is dropped so that it can be retried). */
const shardLoads = new Map<number, Promise<PathShard>>();
/** Shards imported. */
const shards = new Map<number, PathShard>();

/** Installs the data (loadIcons does; the unit tests call it directly). */
export function setIconData(data: IconData): void {
  index = buildIndex(data.icons);
  version = data.version;
  matched.clear();
}

/** Replaces how shards are fetched (the unit tests; no argument restores the import) and
 * forgets the shards already held. */
export function setShardLoader(loader: ShardLoader = importShard): void {
  loadShard = loader;
  shardLoads.clear();
  shards.clear();
}

/** The lookup tables, or null before the data has loaded. */
export function iconIndex(): IconIndex | null {
  return index;
}

/** The simple-icons version loaded ("" before). */
export function iconsVersion(): string {
  return version;
}

/** Starts loading the icon index once; later calls share the same promise (a failed load may be
 * retried by calling again). Resolves when iconFor can answer. Loads no paths. */
export function loadIcons(): Promise<void> {
  if (index) return Promise.resolve();
  if (!loading) {
    loading = importBuilt<IconData>(INDEX_FILE).then(setIconData);
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** The icon an account shows. `choice` is the account's stored icon field: "" = match the
 * issuer, "letter" = none (the letter avatar), else a slug (an unknown slug falls back to the
 * issuer match). Null also while the data is not loaded. */
export function iconFor(choice: string, issuer: string): IconInfo | null {
  if (!index || choice === 'letter') return null;
  if (choice) {
    const i = index.bySlug.get(choice);
    if (i !== undefined) return index.icons[i];
  }
  let i = matched.get(issuer);
  if (i === undefined) {
    i = matchIssuer(index, issuer)?.index ?? null;
    matched.set(issuer, i);
  }
  return i === null ? null : index.icons[i];
}

function pathIn(shard: PathShard, slug: string): string | undefined {
  // Strings only: a slug such as "constructor" must not find Object.prototype's function.
  const path: unknown = shard[slug];
  return typeof path === 'string' ? path : undefined;
}

/** The icon's SVG path if its shard has been imported, else undefined (see iconPath). */
export function cachedPath(slug: string): string | undefined {
  const shard = shards.get(shardOf(slug));
  return shard && pathIn(shard, slug);
}

/** The icon's SVG path (24×24 viewBox). Imports its shard the first time; every icon of that
 * shard then shares the one import. Rejects when the import fails (the next call tries again)
 * or the shard has no such slug. */
export function iconPath(slug: string): Promise<string> {
  const n = shardOf(slug);
  let load = shardLoads.get(n);
  if (!load) {
    // new Promise: a loader that throws rejects, like one whose import fails.
    const started = new Promise<PathShard>((resolve) => resolve(loadShard(n))).then((shard) => {
      if (shardLoads.get(n) === started) shards.set(n, shard);
      return shard;
    });
    started.catch(() => {
      if (shardLoads.get(n) === started) shardLoads.delete(n);
    });
    shardLoads.set(n, started);
    load = started;
  }
  return load.then((shard) => {
    const path = pathIn(shard, slug);
    if (path === undefined) throw new Error(`no path for icon "${slug}" in ${shardFile(n)}`);
    return path;
  });
}
