// The shipped languages and their catalogues, bundled into main.js.
// A new namespace: add ./locales/<lang>/<ns>.json for every language and list it below; the
// catalogue test fails until every language has every key.
import enCommon from './locales/en/common.json';
import enSettings from './locales/en/settings.json';
import enApp from './locales/en/app.json';
import enErrors from './locales/en/errors.json';
import enAccounts from './locales/en/accounts.json';
import enLookup from './locales/en/lookup.json';
import enVault from './locales/en/vault.json';
import enWizard from './locales/en/wizard.json';
import enSessions from './locales/en/sessions.json';
import enAudit from './locales/en/audit.json';
import enKeys from './locales/en/keys.json';
import enScan from './locales/en/scan.json';
import enTransfer from './locales/en/transfer.json';
import enAbout from './locales/en/about.json';
import enIcons from './locales/en/icons.json';
import enTray from './locales/en/tray.json';
import plCommon from './locales/pl/common.json';
import plSettings from './locales/pl/settings.json';
import plApp from './locales/pl/app.json';
import plErrors from './locales/pl/errors.json';
import plAccounts from './locales/pl/accounts.json';
import plLookup from './locales/pl/lookup.json';
import plVault from './locales/pl/vault.json';
import plWizard from './locales/pl/wizard.json';
import plSessions from './locales/pl/sessions.json';
import plAudit from './locales/pl/audit.json';
import plKeys from './locales/pl/keys.json';
import plScan from './locales/pl/scan.json';
import plTransfer from './locales/pl/transfer.json';
import plAbout from './locales/pl/about.json';
import plIcons from './locales/pl/icons.json';
import plTray from './locales/pl/tray.json';
import ruCommon from './locales/ru/common.json';
import ruSettings from './locales/ru/settings.json';
import ruApp from './locales/ru/app.json';
import ruErrors from './locales/ru/errors.json';
import ruAccounts from './locales/ru/accounts.json';
import ruLookup from './locales/ru/lookup.json';
import ruVault from './locales/ru/vault.json';
import ruWizard from './locales/ru/wizard.json';
import ruSessions from './locales/ru/sessions.json';
import ruAudit from './locales/ru/audit.json';
import ruKeys from './locales/ru/keys.json';
import ruScan from './locales/ru/scan.json';
import ruTransfer from './locales/ru/transfer.json';
import ruAbout from './locales/ru/about.json';
import ruIcons from './locales/ru/icons.json';
import ruTray from './locales/ru/tray.json';

/** The languages shipped; the Settings list, the OS match and Rust's check all use this set. */
export const LANGUAGES = ['en', 'pl', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

type Namespaces = Record<string, Record<string, unknown>>;

export const CATALOGUES: Record<Language, Namespaces> = {
  en: {
    common: enCommon,
    settings: enSettings,
    app: enApp,
    errors: enErrors,
    accounts: enAccounts,
    lookup: enLookup,
    vault: enVault,
    wizard: enWizard,
    sessions: enSessions,
    audit: enAudit,
    keys: enKeys,
    scan: enScan,
    transfer: enTransfer,
    about: enAbout,
    icons: enIcons,
    // The tray menu, drawn by Rust (src-tauri/src/i18n.rs reads these files).
    tray: enTray,
  },
  pl: {
    common: plCommon,
    settings: plSettings,
    app: plApp,
    errors: plErrors,
    accounts: plAccounts,
    lookup: plLookup,
    vault: plVault,
    wizard: plWizard,
    sessions: plSessions,
    audit: plAudit,
    keys: plKeys,
    scan: plScan,
    transfer: plTransfer,
    about: plAbout,
    icons: plIcons,
    // The tray menu, drawn by Rust (src-tauri/src/i18n.rs reads these files).
    tray: plTray,
  },
  ru: {
    common: ruCommon,
    settings: ruSettings,
    app: ruApp,
    errors: ruErrors,
    accounts: ruAccounts,
    lookup: ruLookup,
    vault: ruVault,
    wizard: ruWizard,
    sessions: ruSessions,
    audit: ruAudit,
    keys: ruKeys,
    scan: ruScan,
    transfer: ruTransfer,
    about: ruAbout,
    icons: ruIcons,
    // The tray menu, drawn by Rust (src-tauri/src/i18n.rs reads these files).
    tray: ruTray,
  },
};
