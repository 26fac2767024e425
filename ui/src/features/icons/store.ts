// The icon data once loaded, and the choice → icon rule. The data (simple-icons, megabytes)
// is not in main.js: build.mjs writes it to dist/icons-data.js and loadIcons imports that
// module at run time, after the first render (script-src 'self' allows it; no network).
import { buildIndex, type IconIndex, type IconInfo, type IconRecord, matchIssuer } from './match';

/** What dist/icons-data.js exports (see build-data.mjs). */
export interface IconData {
  version: string;
  icons: IconRecord[];
}

/** The file build.mjs writes next to main.js. */
export const DATA_FILE = 'icons-data.js';

let index: IconIndex | null = null;
let version = '';
let loading: Promise<void> | null = null;
const matched = new Map<string, number | null>();

/** Installs the data (loadIcons does; the unit tests call it directly). */
export function setIconData(data: IconData): void {
  index = buildIndex(data.icons);
  version = data.version;
  matched.clear();
}

/** The lookup tables, or null before the data has loaded. */
export function iconIndex(): IconIndex | null {
  return index;
}

/** The simple-icons version loaded ("" before). */
export function iconsVersion(): string {
  return version;
}

/** Starts loading the icon data once; later calls share the same promise (a failed load may be
 * retried by calling again). Resolves when iconFor can answer. */
export function loadIcons(): Promise<void> {
  if (index) return Promise.resolve();
  if (!loading) {
    // A computed specifier: esbuild leaves it alone, so the data stays out of main.js.
    const url = new URL(DATA_FILE, import.meta.url).href;
    loading = import(url).then((m: { default: IconData }) => setIconData(m.default));
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
