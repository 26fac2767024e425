// Types for shard.mjs (imported by store.ts and the unit tests).

/** The index module, relative to dist/: "icons-index.js". */
export const INDEX_FILE: string;
/** How many path shards build.mjs writes. */
export const SHARDS: number;
/** The shard (0 … SHARDS-1) whose file holds this slug's path. */
export function shardOf(slug: string): number;
/** The shard's file relative to dist/: "icons/paths-07.js". */
export function shardFile(shard: number): string;
