// Keeps the catalogues honest: every language has every key with the plural forms its own
// rules need, the same {{placeholders}}, nothing empty; and every key the code asks for exists.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, LANGUAGES } from './catalogues';
import { pickLanguage, startI18n, tr } from './i18n';

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Flattens a namespace into base key → { form → text } (form '' for a non-plural key). */
function flatten(tree: Record<string, unknown>, prefix = '', out = new Map<string, Map<string, string>>()) {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') {
      const m = PLURAL.exec(key);
      const base = m ? key.slice(0, m.index) : key;
      const forms = out.get(base) ?? new Map<string, string>();
      forms.set(m ? m[1] : '', v);
      out.set(base, forms);
    } else if (v && typeof v === 'object') {
      flatten(v as Record<string, unknown>, key, out);
    } else {
      throw new Error(`${key} is neither text nor a group`);
    }
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  const en = CATALOGUES.en;
  for (const lang of LANGUAGES) {
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];
    it(`${lang} has every namespace and key, with its own plural forms`, () => {
      expect(Object.keys(CATALOGUES[lang]).sort()).toEqual(Object.keys(en).sort());
      for (const ns of Object.keys(en)) {
        const base = flatten(en[ns]);
        const mine = flatten(CATALOGUES[lang][ns]);
        expect([...mine.keys()].sort(), `${lang}/${ns} keys`).toEqual([...base.keys()].sort());
        for (const [key, enForms] of base) {
          const forms = mine.get(key) as Map<string, string>;
          const plural = !enForms.has('');
          if (plural) {
            for (const c of categories) expect(forms.has(c), `${lang}/${ns}:${key}_${c}`).toBe(true);
          } else {
            expect(forms.has(''), `${lang}/${ns}:${key} is plain text in English`).toBe(true);
          }
          const want = placeholders([...enForms.values()].join(' ')).filter((p) => p !== 'count');
          for (const [form, text] of forms) {
            expect(text.trim(), `${lang}/${ns}:${key} ${form} is empty`).not.toBe('');
            const got = placeholders(text).filter((p) => p !== 'count');
            expect(new Set(got), `${lang}/${ns}:${key}${form && `_${form}`} placeholders`).toEqual(new Set(want));
          }
        }
      }
    });
  }
});

/** Every `tr('ns')` file's `t('key')` literals must name an English key. */
describe('keys used in the code', () => {
  const src = fileURLToPath(new URL('..', import.meta.url));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'bindings' && name !== 'locales') walk(p);
      } else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) files.push(p);
    }
  };
  walk(src);
  it('exist in the English catalogue', () => {
    const missing: string[] = [];
    let used = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // `const t = tr('ns')`, or several: `const tc = tr('common')`.
      for (const m of text.matchAll(/const (\w+) = tr\('([\w-]+)'\)/g)) {
        const [, fn, ns] = m;
        const keys = flatten((CATALOGUES.en[ns] ?? {}) as Record<string, unknown>);
        if (!CATALOGUES.en[ns]) missing.push(`${file}: namespace ${ns}`);
        for (const k of text.matchAll(new RegExp(`\\b${fn}\\('([\\w.-]+)'`, 'g'))) {
          used += 1;
          if (!keys.has(k[1])) missing.push(`${file}: ${ns}:${k[1]}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(used).toBeGreaterThan(0);
  });
});

describe('plural rules', () => {
  const t = tr('common');
  it('follow each language', () => {
    startI18n('en');
    expect(t('duration.minutes', { count: 1 })).toBe('1 minute');
    expect(t('duration.minutes', { count: 5 })).toBe('5 minutes');
    startI18n('pl');
    expect([1, 2, 5, 22, 25].map((count) => t('duration.minutes', { count }))).toEqual([
      '1 minuta',
      '2 minuty',
      '5 minut',
      '22 minuty',
      '25 minut',
    ]);
    startI18n('ru');
    expect([1, 3, 11, 21, 24].map((count) => t('duration.hours', { count }))).toEqual([
      '1 час',
      '3 часа',
      '11 часов',
      '21 час',
      '24 часа',
    ]);
    startI18n('en');
  });
});

describe('pickLanguage', () => {
  it('takes the setting, else the first OS language shipped, else English', () => {
    expect(pickLanguage('pl', ['ru-RU'])).toBe('pl');
    expect(pickLanguage('system', ['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(pickLanguage('system', ['pl_PL'])).toBe('pl');
    expect(pickLanguage('system', ['de-DE'])).toBe('en');
    expect(pickLanguage('xx', [])).toBe('en');
  });
});
