// Where the icon files are and which path shard holds an icon's SVG path. Imported both by
// build-data.mjs (Node, at build time) and by store.ts (the web view, at run time), so the two
// can never disagree. Plain JavaScript with a .d.mts beside it, so Node runs it as it is.

/** The index module (no paths), relative to dist/ and so to main.js. */
export const INDEX_FILE = 'icons-index.js';

/** How many path shards build.mjs writes (dist/icons/paths-00.js … paths-63.js). About 55
 * icons and 70 KB each: a screen of accounts loads a few of them, never the 4.6 MB of paths. */
export const SHARDS = 64;

/** The shard of a slug: 32-bit FNV-1a over its UTF-16 code units, modulo SHARDS. Stable: a
 * slug's shard changes only if SHARDS does. */
export function shardOf(slug) {
  let h = 0x811c9dc5;
  for (let i = 0; i < slug.length; i++) {
    h ^= slug.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % SHARDS;
}

/** The shard's file, relative to dist/ (and so to main.js): "icons/paths-07.js". */
export function shardFile(shard) {
  return `icons/paths-${String(shard).padStart(2, '0')}.js`;
}
