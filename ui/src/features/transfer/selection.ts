// The import and export dialogs' pure helpers: which entries start ticked, the words on the
// buttons and in the toast. No DOM, no IPC, so the unit tests import this alone.
import type { ImportDone } from '../../bindings/ImportDone';
import type { ImportEntryView } from '../../bindings/ImportEntryView';

type Flagged = Pick<ImportEntryView, 'index' | 'alreadyHeldBy' | 'duplicateInFile'>;

/** Whether importing the entry would add nothing: the vault or an earlier entry holds it. */
export function isDuplicate(e: Flagged): boolean {
  return e.alreadyHeldBy !== null || e.duplicateInFile;
}

/** The entries ticked when the list first shows: every one that is not a duplicate. */
export function initialSelection(entries: Flagged[]): Set<number> {
  return new Set(entries.filter((e) => !isDuplicate(e)).map((e) => e.index));
}

/** "Select all" ticks every entry, duplicates too (the user may want a second copy: the vault
 * skips what it holds by the same name anyway). */
export function allSelected(entries: Flagged[]): Set<number> {
  return new Set(entries.map((e) => e.index));
}

/** Ticks or unticks one entry, returning a new set. */
export function toggled(selection: ReadonlySet<number>, index: number, on: boolean): Set<number> {
  const next = new Set(selection);
  if (on) next.add(index);
  else next.delete(index);
  return next;
}

/** The ticked indices in file order, as `import_apply` takes them. */
export function pickedIndices(selection: ReadonlySet<number>): number[] {
  return [...selection].sort((a, b) => a - b);
}

/** Why an entry starts unticked, for its badge; null when it does not. */
export function duplicateReason(e: Flagged): string | null {
  if (e.alreadyHeldBy !== null) return `Already in Twofold as “${e.alreadyHeldBy}”`;
  if (e.duplicateInFile) return 'Repeats an earlier entry of this file';
  return null;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The import button's label. */
export function importLabel(selected: number): string {
  return selected === 0 ? 'Import' : `Import ${plural(selected, 'account')}`;
}

/** The toast after an import. */
export function importedMessage(done: ImportDone): string {
  return `Imported ${done.imported}, skipped ${done.skipped}`;
}

/** Whether a dropped file is an image (scanned for a QR code) rather than an export file. */
export function isImageFile(file: { name: string; type: string }): boolean {
  if (file.type.startsWith('image/')) return true;
  return /\.(png|jpe?g|webp|bmp|gif)$/i.test(file.name);
}

/** Why the two typed export passwords cannot be used, or null when they can. */
export function passwordProblem(first: string, second: string): string | null {
  if (first.length === 0) return 'type a password for the file';
  if (first !== second) return 'the two passwords differ';
  return null;
}
