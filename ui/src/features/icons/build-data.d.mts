// Types for build-data.mjs (used by build.mjs and the unit tests).
import type { IconData } from './store';

/** One icon as read from simple-icons: slug, title, hex, path, then alias names and hosts. */
export type SourceRecord = [string, string, string, string, string[]?, string[]?];

/** What build.mjs writes: the index module's value and, per shard, slug → path. */
export interface SplitIcons {
  index: IconData;
  shards: Record<string, string>[];
}

export function iconRecords(): Promise<SourceRecord[]>;
export function iconsVersion(): string;
export function splitRecords(records: readonly SourceRecord[], version: string): SplitIcons;
/** Writes the index and the shards into `outDir`; the files' sizes in bytes. */
export function writeIconData(outDir: string): Promise<{ index: number; shards: number[] }>;
