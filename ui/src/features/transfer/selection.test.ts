import { beforeAll, describe, expect, it } from 'vitest';
import { startI18n } from '../../i18n/i18n';
import {
  allSelected,
  duplicateReason,
  importedMessage,
  importFormatTitle,
  importLabel,
  importSummary,
  initialSelection,
  isImageFile,
  passwordProblem,
  pickedIndices,
  toggled,
} from './selection';

beforeAll(() => startI18n('en'));

const entry = (index: number, alreadyHeldBy: string | null = null, duplicateInFile = false) => ({
  index,
  alreadyHeldBy,
  duplicateInFile,
});

describe('import selection', () => {
  const entries = [entry(0), entry(1, 'GitHub:alice'), entry(2), entry(3, null, true)];

  it('starts with every entry ticked but the duplicates', () => {
    expect(pickedIndices(initialSelection(entries))).toEqual([0, 2]);
  });

  it('selects all (duplicates too) and none', () => {
    expect(pickedIndices(allSelected(entries))).toEqual([0, 1, 2, 3]);
    expect(pickedIndices(new Set())).toEqual([]);
  });

  it('toggles one entry without touching the old set, and keeps file order', () => {
    const start = initialSelection(entries);
    const more = toggled(start, 1, true);
    expect(pickedIndices(more)).toEqual([0, 1, 2]);
    expect(pickedIndices(start)).toEqual([0, 2]);
    expect(pickedIndices(toggled(more, 0, false))).toEqual([1, 2]);
  });

  it('says why a duplicate is unticked', () => {
    expect(duplicateReason(entries[1])).toBe('Already in Twofold as “GitHub:alice”');
    expect(duplicateReason(entries[3])).toBe('Repeats an earlier entry of this file');
    expect(duplicateReason(entries[0])).toBeNull();
  });
});

describe('import words', () => {
  it('counts accounts on the button and in the toast', () => {
    expect(importLabel(0)).toBe('Import');
    expect(importLabel(1)).toBe('Import 1 account');
    expect(importLabel(2)).toBe('Import 2 accounts');
    expect(importedMessage({ imported: 2, skipped: 1 })).toBe('Imported 2, skipped 1');
  });

  it('tells images (scanned) from export files (imported)', () => {
    expect(isImageFile({ name: 'qr.png', type: 'image/png' })).toBe(true);
    expect(isImageFile({ name: 'SHOT.JPG', type: '' })).toBe(true);
    expect(isImageFile({ name: 'aegis-export.json', type: 'application/json' })).toBe(false);
    expect(isImageFile({ name: 'backup.2fas', type: '' })).toBe(false);
  });
});

describe('export passwords', () => {
  it('needs one, typed the same twice', () => {
    expect(passwordProblem('', '')).toBe('type a password for the file');
    expect(passwordProblem('a', 'b')).toBe('the two passwords differ');
    expect(passwordProblem('pässword', 'pässword')).toBeNull();
  });
});

describe('import summary', () => {
  it('counts accounts, duplicates and problems', () => {
    expect(importSummary('a.json', 'Aegis export', 3, 1, 0)).toBe('a.json (Aegis export): 3 accounts, 1 already held.');
    expect(importSummary('l.txt', 'otpauth URI list', 1, 0, 2)).toBe(
      'l.txt (otpauth URI list): 1 account, 2 entries that cannot be imported.',
    );
  });

  it('names formats as Rust does, and keeps an unknown one as Rust gave it', () => {
    expect(importFormatTitle('aegis', 'Aegis export')).toBe('Aegis export');
    expect(importFormatTitle('newapp', 'New App export')).toBe('New App export');
  });

  it('speaks Polish and Russian, with the right plurals', () => {
    startI18n('pl');
    expect(importSummary('a.json', importFormatTitle('aegis', ''), 5, 2, 1)).toBe(
      'a.json (Eksport z Aegis): 5 kont, 2 już są w Twofold, 1 wpis, którego nie można zaimportować.',
    );
    expect(importLabel(3)).toBe('Importuj 3 konta');
    startI18n('ru');
    expect(importLabel(21)).toBe('Импортировать 21 аккаунт');
    expect(importLabel(5)).toBe('Импортировать 5 аккаунтов');
    startI18n('en');
  });
});
