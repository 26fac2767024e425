// The shipped languages and their catalogues, bundled into main.js (a few kilobytes each).
// A new namespace: add ./locales/<lang>/<ns>.json for every language and list it below; the
// catalogue test fails until every language has every key.
import enCommon from './locales/en/common.json';
import plCommon from './locales/pl/common.json';
import ruCommon from './locales/ru/common.json';
import enSettings from './locales/en/settings.json';
import plSettings from './locales/pl/settings.json';
import ruSettings from './locales/ru/settings.json';

/** The languages shipped; the Settings list, the OS match and Rust's check all use this set. */
export const LANGUAGES = ['en', 'pl', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

type Namespaces = Record<string, Record<string, unknown>>;

export const CATALOGUES: Record<Language, Namespaces> = {
  en: { common: enCommon, settings: enSettings },
  pl: { common: plCommon, settings: plSettings },
  ru: { common: ruCommon, settings: ruSettings },
};
