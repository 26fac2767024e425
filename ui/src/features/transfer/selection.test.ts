import { describe, expect, it } from 'vitest';
import {
  allSelected,
  duplicateReason,
  importedMessage,
  importLabel,
  initialSelection,
  isImageFile,
  passwordProblem,
  pickedIndices,
  toggled,
} from './selection';

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
