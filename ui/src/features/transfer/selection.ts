// The import and export dialogs' pure helpers: which entries start ticked, the words on the
// buttons and in the toast. No DOM, no IPC, so the unit tests import this alone.
import type { ImportDone } from '../../bindings/ImportDone';
import type { ImportEntryView } from '../../bindings/ImportEntryView';
import { tr } from '../../i18n/i18n';

const t = tr('transfer');

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
  if (e.alreadyHeldBy !== null) return t('import.alreadyHeld', { name: e.alreadyHeldBy });
  if (e.duplicateInFile) return t('import.repeated');
  return null;
}

/** The import button's label. */
export function importLabel(selected: number): string {
  return selected === 0 ? t('import.apply') : t('import.applyCount', { count: selected });
}

/** The toast after an import. */
export function importedMessage(done: ImportDone): string {
  return t('import.done', { imported: done.imported, skipped: done.skipped });
}

/** The import preview's first line: `file (format): 3 accounts, 1 already held, 2 entries that
 * cannot be imported.` */
export function importSummary(file: string, format: string, accounts: number, held: number, problems: number): string {
  const parts = [t('import.summaryAccounts', { count: accounts })];
  if (held) parts.push(t('import.summaryHeld', { count: held }));
  if (problems) parts.push(t('import.summaryProblems', { count: problems }));
  return t('import.summary', { file, format, parts: parts.join(', ') });
}

/** What the user calls an import format, by its name; a format Rust adds later shows the title
 * Rust gives. */
export function importFormatTitle(name: string, title: string): string {
  switch (name) {
    case 'twofold':
      return t('importFormat.twofold');
    case 'uri-list':
      return t('importFormat.uriList');
    case 'google':
      return t('importFormat.google');
    case '2fas':
      return t('importFormat.twoFas');
    case 'andotp':
      return t('importFormat.andOtp');
    case 'aegis':
      return t('importFormat.aegis');
    case 'bitwarden':
      return t('importFormat.bitwarden');
    case 'lastpass':
      return t('importFormat.lastPass');
    case 'freeotp':
      return t('importFormat.freeOtp');
    case 'freeotp-plus':
      return t('importFormat.freeOtpPlus');
    case 'proton':
      return t('importFormat.proton');
    case 'ente':
      return t('importFormat.ente');
    case 'authenticator-pro':
      return t('importFormat.authenticatorPro');
    case 'proton-pass':
      return t('importFormat.protonPass');
    case 'raivo':
      return t('importFormat.raivo');
    case 'totp-authenticator':
      return t('importFormat.totpAuthenticator');
    case 'winauth':
      return t('importFormat.winAuth');
    case 'authenticator-plus':
      return t('importFormat.authenticatorPlus');
    default:
      return title;
  }
}

/** Whether a dropped file is an image (scanned for a QR code) rather than an export file. */
export function isImageFile(file: { name: string; type: string }): boolean {
  if (file.type.startsWith('image/')) return true;
  return /\.(png|jpe?g|webp|bmp|gif)$/i.test(file.name);
}

/** Why the two typed export passwords cannot be used, or null when they can. */
export function passwordProblem(first: string, second: string): string | null {
  if (first.length === 0) return t('export.noPassword');
  if (first !== second) return t('export.passwordsDiffer');
  return null;
}
