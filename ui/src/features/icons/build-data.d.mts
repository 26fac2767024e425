// Types for build-data.mjs (used by the unit tests).
import type { IconRecord } from './match';

export function iconRecords(): Promise<IconRecord[]>;
export function iconsVersion(): string;
export function writeIconData(outFile: string): Promise<number>;
