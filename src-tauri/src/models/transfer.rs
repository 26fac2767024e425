//! DTOs of "Import from another app" and "Export…". An import's secrets stay in Rust under the
//! preview's id until the user applies or discards it; the preview carries everything else.
//! An export's passwords arrive as arguments and are never sent back.

use serde::Serialize;
use twofold_core::transfer::{export, import};
use twofold_core::vault::{default_name, ImportCheck, VaultData};

use super::OtpKindView;

/// A format Twofold reads, for the "Format" select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ImportFormatView {
    /// The name `import_preview` takes back (the CLI's `--from`).
    pub name: String,
    /// What the user calls it.
    pub title: String,
}

impl From<import::Format> for ImportFormatView {
    fn from(f: import::Format) -> Self {
        ImportFormatView {
            name: f.name().into(),
            title: f.title().into(),
        }
    }
}

/// One account of the file, as the preview lists it. Deliberately has no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ImportEntryView {
    /// Its position among the file's accounts, which `import_apply` takes back.
    pub index: u32,
    /// Its entry number in the file, from 1 (skipped entries count too).
    pub entry: u32,
    /// The name it gets by default (`issuer:account`).
    pub name: String,
    /// The service.
    pub issuer: String,
    /// The account label.
    pub account: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKindView,
    /// Digits per code.
    pub digits: u32,
    /// Seconds per code (TOTP and Steam).
    pub period: u64,
    /// The vault account that already holds its secret, if any (the UI leaves it unticked).
    pub already_held_by: Option<String>,
    /// Whether an earlier entry of the same file has the same secret (left unticked too).
    pub duplicate_in_file: bool,
}

/// An entry of the file that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ImportProblem {
    /// Its entry number in the file, from 1.
    pub entry: u32,
    /// What the source app calls it, when that could be read.
    pub label: String,
    /// Why it cannot be imported.
    pub reason: String,
}

/// What a file holds, before anything is imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    /// The id `import_apply` and `import_discard` take.
    pub id: String,
    /// The format's name (see [`ImportFormatView::name`]).
    pub format: String,
    /// What the user calls the format.
    pub format_title: String,
    /// The accounts, in file order.
    pub entries: Vec<ImportEntryView>,
    /// The entries that are not accounts.
    pub skipped: Vec<ImportProblem>,
}

impl ImportPreview {
    /// Describes `export` against `vault` (one pass over each: see
    /// [`VaultData::check_import`]).
    pub fn new(id: String, export: &import::Export, vault: &VaultData) -> Self {
        let checks = vault.check_import(&export.accounts);
        let entries = export
            .accounts
            .iter()
            .zip(&export.numbers)
            .zip(checks)
            .enumerate()
            .map(|(i, ((a, n), check))| ImportEntryView {
                index: i as u32,
                entry: *n as u32,
                name: default_name(&a.uri),
                issuer: a.uri.issuer.clone(),
                account: a.uri.account.clone(),
                kind: a.uri.otp.kind.into(),
                digits: a.uri.otp.digits,
                period: a.uri.otp.period,
                duplicate_in_file: matches!(check, ImportCheck::Repeats(_)),
                already_held_by: match check {
                    ImportCheck::Held(by) => Some(by),
                    _ => None,
                },
            })
            .collect();
        ImportPreview {
            id,
            format: export.format.name().into(),
            format_title: export.format.title().into(),
            entries,
            skipped: export
                .skipped
                .iter()
                .map(|s| ImportProblem {
                    entry: s.entry as u32,
                    label: s.label.clone(),
                    reason: s.reason.clone(),
                })
                .collect(),
        }
    }
}

/// What `import_apply` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ImportDone {
    /// The accounts added.
    pub imported: u32,
    /// The file's other entries: not ticked, held already, or not importable.
    pub skipped: u32,
}

/// A format Twofold writes, for the export dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ExportFormatView {
    /// The name `export_write` takes (the CLI's `--format`).
    pub name: String,
    /// What the user calls it.
    pub title: String,
    /// Whether the file is sealed with a password (else it holds the secrets in clear).
    pub encrypted: bool,
}

impl From<export::Format> for ExportFormatView {
    fn from(f: export::Format) -> Self {
        ExportFormatView {
            name: f.name().into(),
            title: f.title().into(),
            encrypted: f.encrypted(),
        }
    }
}

/// What the export dialog needs to know before it asks anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ExportOptions {
    /// The formats, the default (Twofold's own backup) first.
    pub formats: Vec<ExportFormatView>,
    /// Whether the vault has a password, which the export then asks for again.
    pub vault_password: bool,
    /// How many accounts the export would hold.
    pub accounts: u32,
}

/// What `export_write` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    /// The file, as written.
    pub path: String,
    /// The accounts it holds.
    pub accounts: u32,
    /// Whether it is sealed with a password.
    pub encrypted: bool,
}
