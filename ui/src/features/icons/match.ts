// Matching an account's issuer to a simple-icons icon: pure functions, no DOM, no IPC, so the
// unit tests import this alone. Names are compared as keys: accents folded, case folded,
// spaces and punctuation dropped, a trailing legal form ("Inc.", "LLC", "GmbH") removed.
// Domains are compared by host and parent domains, then by the domain's own name.
// An exact match wins over a fuzzy one; a fuzzy match never rests on a fragment shorter than
// MIN_FRAGMENT characters; no good match gives null (the letter avatar stays).

/** One icon as build-data.mjs writes it to the index: slug, title, hex (no #), then the
 * optional alias names and source/guidelines hosts. The SVG path is not here: it is in a
 * shard (store.ts iconPath), loaded only when the icon is drawn. */
export type IconRecord = [string, string, string, string[]?, string[]?];

/** An icon without its path: what matching and the chooser need, and all renderIcon takes. */
export interface IconInfo {
  slug: string;
  title: string;
  /** The brand colour, six hex digits without "#". */
  hex: string;
}

/** The shortest part of a name or domain a fuzzy match may rest on. */
export const MIN_FRAGMENT = 3;

// Characters NFKD does not decompose (the same as simple-icons' titleToSlug).
const FOLD: Record<string, string> = {
  đ: 'd',
  ħ: 'h',
  ı: 'i',
  ĸ: 'k',
  ŀ: 'l',
  ł: 'l',
  ß: 'ss',
  ŧ: 't',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  þ: 'th',
  ð: 'd',
};

/** Lower case, accents and special letters folded, "&" → and, "+" → plus. */
function fold(s: string): string {
  return s
    .toLowerCase()
    .replace(/[đħıĸŀłßŧøæœþð]/g, (c) => FOLD[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/&/g, ' and ')
    .replace(/\+/g, ' plus ');
}

/** The words of a name: letters and digits of any script, accents folded. */
export function words(s: string): string[] {
  return fold(s).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** A name as a match key: "GitHub", "Git Hub", "git-hub" → "github". */
export function normalise(s: string): string {
  return words(s).join('');
}

// Trailing words that only give a company's legal form.
const LEGAL = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'gmbh',
  'mbh',
  'ag',
  'kg',
  'se',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'ab',
  'as',
  'asa',
  'oy',
  'oyj',
  'plc',
  'pty',
  'pte',
  'kk',
  'ooo',
  'ооо',
  'zoo',
  'sp',
  'z',
  'o',
]);

/** A name's words without a trailing legal form ("GITHUB, Inc." → ["github"]); never empty
 * unless the name is. */
export function stripLegal(ws: readonly string[]): string[] {
  let end = ws.length;
  while (end > 1 && LEGAL.has(ws[end - 1])) end--;
  return ws.slice(0, end);
}

// Issuer spellings simple-icons does not list as aliases, as the key they stand for.
const ABBREVIATIONS: Record<string, string> = {
  aws: 'amazonwebservices',
  amazonaws: 'amazonwebservices',
  msft: 'microsoft',
  microsoftonline: 'microsoft',
};

/** The keys an issuer name stands for, most exact first: as typed, without the legal form,
 * the known abbreviation. ("Google LLC" → ["googlellc", "google"]; "AWS" → ["aws",
 * "amazonwebservices"].) */
export function issuerKeys(issuer: string): string[] {
  const ws = words(issuer);
  const keys = [ws.join(''), stripLegal(ws).join('')];
  for (const k of [...keys]) if (ABBREVIATIONS[k]) keys.push(ABBREVIATIONS[k]);
  return [...new Set(keys.filter(Boolean))];
}

// Second-level labels under a country code that are public suffixes (co.uk, com.au, co.jp…).
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'gob', 'ltd', 'plc']);

/** The registrable domain of a host: "accounts.google.com" → "google.com", "a.b.co.uk" →
 * "b.co.uk". */
export function registrable(host: string): string {
  const labels = host.split('.');
  const n =
    labels.length >= 3 && labels[labels.length - 1].length === 2 && SECOND_LEVEL.has(labels[labels.length - 2])
      ? 3
      : 2;
  return labels.slice(-n).join('.');
}

/** The host an issuer names when it is a URL ("https://login.example.com/x") or a bare domain
 * ("github.com", "www.github.com/login"); lower case, without "www."; else null. */
export function hostOf(issuer: string): string | null {
  let s = issuer.trim().toLowerCase();
  if (/^[a-z][a-z\d+.-]*:\/\//.test(s)) {
    try {
      s = new URL(s).hostname;
    } catch {
      return null;
    }
  } else {
    s = s.split(/[/?#]/)[0].replace(/:\d+$/, '');
    if (s.includes('@')) s = s.slice(s.lastIndexOf('@') + 1);
  }
  s = s.replace(/\.$/, '').replace(/^www\./, '');
  if (!/^[a-z\d-]+(\.[a-z\d-]+)+$/.test(s) || !/\.[a-z]{2,}$/.test(s)) return null;
  return s;
}

/** The host and its parent domains down to the registrable domain, most specific first. */
export function hostAndParents(host: string): string[] {
  const top = registrable(host);
  const out: string[] = [];
  let h = host;
  while (h.length >= top.length) {
    out.push(h);
    if (h === top) break;
    h = h.slice(h.indexOf('.') + 1);
  }
  return out;
}

/** The icons with the lookup tables built from them. */
export interface IconIndex {
  icons: IconInfo[];
  bySlug: Map<string, number>;
  /** Normalised slug, title and aliases → icon; a title beats an alias of another icon. */
  byName: Map<string, number>;
  /** Host → icon, only where the host clearly belongs to one brand. */
  byHost: Map<string, number>;
  /** Every key of each icon (for the chooser's search). */
  keys: string[][];
}

/** Builds the tables from the records (a few milliseconds for all of simple-icons). */
export function buildIndex(records: readonly IconRecord[]): IconIndex {
  const icons: IconInfo[] = [];
  const bySlug = new Map<string, number>();
  const byName = new Map<string, number>();
  const keys: string[][] = [];
  const put = (key: string, i: number) => {
    if (key && !byName.has(key)) byName.set(key, i);
  };
  records.forEach(([slug, title, hex, names = []], i) => {
    icons.push({ slug, title, hex });
    bySlug.set(slug, i);
    keys.push([...new Set([slug, normalise(title), ...names.map(normalise)].filter(Boolean))]);
  });
  // Slugs first, then titles, then aliases: an exact title never loses to another's alias.
  for (const [i, icon] of icons.entries()) put(icon.slug, i);
  for (const [i, icon] of icons.entries()) put(normalise(icon.title), i);
  for (const [i, [, , , names = []]] of records.entries()) {
    for (const n of names) put(normalise(n), i);
  }

  // Hosts: a host shared by several icons belongs to the one named like the domain (github.com
  // is the source of hundreds of icons but GitHub's own); a host of one icon counts only when
  // the icon's name appears in it (a blog or a wiki hosting a logo does not).
  const hostIcons = new Map<string, number[]>();
  records.forEach(([, , , , hosts = []], i) => {
    for (const h of hosts) {
      const list = hostIcons.get(h) ?? [];
      if (!list.includes(i)) list.push(i);
      hostIcons.set(h, list);
    }
  });
  const byHost = new Map<string, number>();
  for (const [host, list] of hostIcons) {
    const label = registrable(host).split('.')[0];
    const named = list.find((i) => icons[i].slug === label) ?? list.find((i) => keys[i].includes(label));
    if (named !== undefined) byHost.set(host, named);
    else if (list.length === 1 && related(host, keys[list[0]])) byHost.set(host, list[0]);
  }
  return { icons, bySlug, byName, byHost, keys };
}

/** Whether a host names the icon: a subdomain by one of its own labels ("sheets" of
 * sheets.google.com in googlesheets; support.google.com says nothing about Google Chat), a
 * registrable domain by its name ("chess" of chess.com in chessdotcom). */
function related(host: string, iconKeys: readonly string[]): boolean {
  const top = registrable(host);
  const sub = host.slice(0, host.length - top.length).split('.').filter(Boolean);
  const labels = (sub.length > 0 ? sub : [top.split('.')[0]]).flatMap((l) => [l, ABBREVIATIONS[l] ?? '']);
  return labels.some(
    (l) =>
      l.length >= MIN_FRAGMENT &&
      iconKeys.some((k) => k.length >= MIN_FRAGMENT && (k.includes(l) || l.includes(k))),
  );
}

/** How an issuer matched, for tests and diagnostics. */
export type MatchKind = 'name' | 'host' | 'domain-name' | 'prefix';

export interface Match {
  index: number;
  kind: MatchKind;
}

/** The best icon for an issuer, or null. Order: a domain's host (and parent domains); the
 * name exactly (as typed, without the legal form, known abbreviations); the domain's own name
 * ("google" of accounts.google.com); then, fuzzy, the longest run of leading words
 * ("Google Workspace" → Google) of at least MIN_FRAGMENT characters. */
export function matchIssuer(index: IconIndex, issuer: string): Match | null {
  const text = issuer.trim();
  if (!text) return null;
  const host = hostOf(text);
  if (host) {
    for (const h of hostAndParents(host)) {
      const i = index.byHost.get(h);
      if (i !== undefined) return { index: i, kind: 'host' };
    }
  }
  for (const key of issuerKeys(text)) {
    const i = index.byName.get(key);
    if (i !== undefined) return { index: i, kind: 'name' };
  }
  if (host) {
    const label = registrable(host).split('.')[0];
    for (const key of issuerKeys(label)) {
      const i = key.length >= MIN_FRAGMENT ? index.byName.get(key) : undefined;
      if (i !== undefined) return { index: i, kind: 'domain-name' };
    }
    return null;
  }
  const ws = stripLegal(words(text));
  for (let n = ws.length - 1; n >= 1; n--) {
    const key = ws.slice(0, n).join('');
    if (key.length < MIN_FRAGMENT) break;
    const i = index.byName.get(key);
    if (i !== undefined) return { index: i, kind: 'prefix' };
  }
  return null;
}

const TITLE_ORDER = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Icons whose title, slug or alias contains every word of the query: exact first, then
 * prefixes, then the rest, each group by title. An empty query lists every icon by title. */
export function searchIcons(index: IconIndex, query: string): number[] {
  const qs = words(query);
  const all = index.icons.map((_, i) => i);
  const byTitle = (a: number, b: number) => TITLE_ORDER.compare(index.icons[a].title, index.icons[b].title);
  if (qs.length === 0) return all.sort(byTitle);
  const q = qs.join('');
  const rank = (i: number): number => {
    const ks = index.keys[i];
    if (ks.includes(q)) return 0;
    if (ks.some((k) => k.startsWith(q))) return 1;
    if (qs.every((w) => ks.some((k) => k.includes(w)))) return 2;
    return 3;
  };
  const ranked = all.map((i) => [i, rank(i)] as const).filter(([, r]) => r < 3);
  ranked.sort((a, b) => a[1] - b[1] || byTitle(a[0], b[0]));
  return ranked.map(([i]) => i);
}

/** Relative luminance (WCAG 2) of a six-digit hex colour. */
export function luminance(hex: string): number {
  const c = [0, 2, 4].map((o) => {
    const v = Number.parseInt(hex.slice(o, o + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** WCAG contrast ratio of two luminances. */
export function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** The glyph colour for a tile in the brand colour: white or black, whichever contrasts more. */
export function glyphColour(hex: string): '#FFFFFF' | '#000000' {
  const l = luminance(hex);
  return contrast(l, 1) >= contrast(l, 0) ? '#FFFFFF' : '#000000';
}

// The app's surfaces (styles.css --surface in the light and the dark theme).
const LIGHT_SURFACE = luminance('FFFFFF');
const DARK_SURFACE = luminance('171A23');

/** Whether a tile in this colour needs an outline to stand out from the light or the dark
 * surface ('light' tiles fade into the light theme, 'dark' tiles into the dark one). */
export function tileTone(hex: string): 'light' | 'dark' | 'mid' {
  const l = luminance(hex);
  if (contrast(l, LIGHT_SURFACE) < 1.6) return 'light';
  if (contrast(l, DARK_SURFACE) < 1.6) return 'dark';
  return 'mid';
}
