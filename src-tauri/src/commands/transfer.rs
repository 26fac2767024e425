//! "Import from another app" and "Export…": other authenticators' export files into the vault,
//! and the vault's accounts out to a file. Core reads and writes the files
//! (`twofold_core::transfer`); these commands move bytes and choices across IPC.
//!
//! An import is two steps. `import_preview` reads the file off the UI thread (some formats'
//! key derivations take seconds) and keeps what it holds in [`AppState`]'s import slot under a
//! preview id; the web view gets the preview, never a secret. `import_apply` adds the accounts
//! the user ticked; `import_discard` forgets the preview.

use std::path::PathBuf;

use base64::Engine as _;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Manager, Runtime};
use twofold_core::transfer::{export, import};
use twofold_core::vault::{NewAccount, VaultAccess};
use twofold_core::Error as CoreError;
use zeroize::Zeroizing;

use crate::error::{ErrorKind, IpcError, Result};
use crate::events;
use crate::models::{ExportDone, ExportOptions, ImportDone, ImportFormatView, ImportPreview};
use crate::state::{AppState, AppStateRef};

/// The header naming the format to read the file as (absent: detect it).
pub const FROM_HEADER: &str = "twofold-import-from";
/// The header carrying the file's password, base64 of its UTF-8 (headers are ASCII).
pub const PASSWORD_HEADER: &str = "twofold-import-password";

/// Biggest export file accepted (Stratum's, with an icon per account, are a few MB).
const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// The formats Twofold reads, in the order detection tries them.
#[tauri::command]
pub fn import_formats() -> Vec<ImportFormatView> {
    import::Format::ALL.iter().map(|f| (*f).into()).collect()
}

/// Reads an export file: the raw body is its bytes; the [`FROM_HEADER`] header names its format
/// (else it is detected) and the [`PASSWORD_HEADER`] header carries its password.
/// A file that needs a password fails with `exportPasswordNeeded`.
#[tauri::command]
pub async fn import_preview<R: Runtime>(
    app: AppHandle<R>,
    request: Request<'_>,
) -> Result<ImportPreview> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
    };
    let from = match header(FROM_HEADER) {
        None => None,
        Some(name) => Some(import::Format::from_name(name).ok_or_else(|| {
            IpcError::new(
                ErrorKind::InvalidInput,
                format!("{name:?} is not a format Twofold reads"),
            )
        })?),
    };
    let password = match header(PASSWORD_HEADER) {
        None => None,
        Some(b64) => {
            let bytes = Zeroizing::new(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|_| IpcError::new(ErrorKind::InvalidInput, "garbled password"))?,
            );
            Some(Zeroizing::new(String::from_utf8(bytes.to_vec()).map_err(
                |_| IpcError::new(ErrorKind::InvalidInput, "garbled password"),
            )?))
        }
    };
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "the file did not arrive as bytes",
        ));
    };
    if bytes.len() > MAX_FILE_BYTES {
        return Err(IpcError::new(
            ErrorKind::UnreadableExport,
            format!(
                "the file is too big ({} MB) to be an authenticator's export",
                bytes.len() / (1024 * 1024)
            ),
        ));
    }
    let bytes = Zeroizing::new(bytes.clone());
    // Key derivations (Ente's Argon2id, 2FAS's PBKDF2) take seconds: off the async runtime.
    let app2 = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let exported = import::read(&bytes, from, password.as_deref().map(String::as_str))?;
        preview(&app2.state::<AppState>(), exported)
    })
    .await?
}

/// Describes `exported` against the open vault and keeps it in the import slot.
pub fn preview(state: &AppState, exported: import::Export) -> Result<ImportPreview> {
    let mut id = String::new();
    {
        let mut slot = state.import();
        slot.next += 1;
        id.push_str(&format!("import-{}", slot.next));
    }
    let preview = state.read(|v| Ok(ImportPreview::new(id.clone(), &exported, v.data())))?;
    state.import().keep(id, exported);
    Ok(preview)
}

/// Adds the accounts at `indices` of preview `preview_id` in one write (accounts the vault
/// holds already are skipped, as `twofold import` does), then drops the preview.
#[tauri::command]
pub fn import_apply<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    preview_id: String,
    indices: Vec<u32>,
) -> Result<ImportDone> {
    let (news, entries) = {
        let slot = state.import();
        let exported = slot.get(&preview_id).ok_or_else(|| {
            IpcError::new(
                ErrorKind::NotFound,
                "this import is no longer open; open the file again",
            )
        })?;
        let mut picked = vec![false; exported.accounts.len()];
        for i in &indices {
            *picked.get_mut(*i as usize).ok_or_else(|| {
                IpcError::new(ErrorKind::InvalidInput, "that account is not in the file")
            })? = true;
        }
        let news: Vec<NewAccount> = exported
            .accounts
            .iter()
            .zip(picked)
            .filter(|(_, p)| *p)
            .map(|(a, _)| a.clone())
            .collect();
        (news, exported.accounts.len() + exported.skipped.len())
    };
    if news.is_empty() {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "tick at least one account",
        ));
    }
    let done = state.with_vault(|v| Ok(v.import(news, twofold_core::unix_now())?))?;
    // Applied: the preview (and its secrets) go.
    forget(&state, &preview_id);
    events::vault_changed(&app, "accounts");
    let imported = done.added.len();
    Ok(ImportDone {
        imported: imported as u32,
        skipped: (entries - imported) as u32,
    })
}

/// Drops preview `preview_id` (other previews stay).
fn forget(state: &AppState, preview_id: &str) {
    state.import().forget(preview_id);
}

/// Forgets preview `preview_id` (the dialog was closed, or a late result was cancelled).
#[tauri::command]
pub fn import_discard(state: AppStateRef<'_>, preview_id: String) {
    forget(&state, &preview_id);
}

/// The formats Twofold writes and what the export dialog must ask.
#[tauri::command]
pub fn export_options(state: AppStateRef<'_>) -> Result<ExportOptions> {
    Ok(state.read(|v| {
        Ok(ExportOptions {
            formats: export::Format::ALL.iter().map(|f| (*f).into()).collect(),
            vault_password: v.slots().password,
            accounts: v.accounts().len() as u32,
        })
    })?)
}

fn export_format(name: &str) -> Result<export::Format> {
    export::Format::from_name(name).ok_or_else(|| {
        IpcError::new(
            ErrorKind::InvalidInput,
            format!("{name:?} is not a format Twofold writes"),
        )
    })
}

/// Where an export of `format` goes by default: `twofold-export-YYYY-MM-DD.<ext>` in the
/// documents folder (or home).
#[tauri::command]
pub fn export_default_path(format: String) -> Result<String> {
    let path = export::default_path(export_format(&format)?, twofold_core::unix_now())?;
    Ok(path.display().to_string())
}

/// The path the user typed: `~/` is the home folder; anything else must be absolute.
fn user_path(typed: &str) -> Result<PathBuf> {
    let typed = typed.trim();
    let path = match typed.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .ok_or_else(|| IpcError::new(ErrorKind::InvalidInput, "there is no home folder"))?
            .home_dir()
            .join(rest),
        None => PathBuf::from(typed),
    };
    if typed.is_empty() || !path.is_absolute() || path.file_name().is_none() {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "give the file's full path, e.g. ~/Documents/twofold-export.twofold",
        ));
    }
    Ok(path)
}

/// Writes every account to `path` as `format` (0600, atomically). An encrypted format needs
/// `password`; a vault with a password slot needs `vault_password` again. An existing file is
/// replaced only with `replace`.
#[tauri::command]
pub async fn export_write<R: Runtime>(
    app: AppHandle<R>,
    format: String,
    path: String,
    password: Option<String>,
    vault_password: Option<String>,
    replace: bool,
) -> Result<ExportDone> {
    let password = password.map(Zeroizing::new);
    let vault_password = vault_password.map(Zeroizing::new);
    let format = export_format(&format)?;
    let path = user_path(&path)?;
    if format.encrypted() && password.as_deref().is_none_or(|p| p.is_empty()) {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            format!("the {} needs a password", format.title()),
        ));
    }
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        // The accounts are copied out so the vault is not held during the key derivation.
        let accounts = state.read(|v| Ok(v.accounts().to_vec()))?;
        crate::commands::vault::reverify(&state, vault_password.as_deref().map(String::as_str))?;
        export::write_new(
            &path,
            &accounts,
            format,
            password.as_deref().map(String::as_str),
            replace,
        )
        .map_err(|e| match e {
            // The user's own path: say what failed instead of a generic error.
            CoreError::Io { .. } => IpcError::new(ErrorKind::InvalidInput, e.to_string()),
            e => e.into(),
        })?;
        tracing::info!(
            format = format.name(),
            accounts = accounts.len(),
            "exported"
        );
        Ok(ExportDone {
            path: path.display().to_string(),
            accounts: accounts.len() as u32,
            encrypted: format.encrypted(),
        })
    })
    .await?
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};
    use tauri::ipc::InvokeBody;

    use super::*;
    use crate::state::ImportSlot;
    use crate::tests::{fixture, request, Fixture};

    const HELD: &str =
        "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=GitHub";
    const NEW: &str = "otpauth://totp/ACME:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME";

    fn preview(f: &Fixture, bytes: &[u8], password: Option<&str>) -> Result<Value, Value> {
        let mut headers = tauri::http::HeaderMap::new();
        if let Some(pw) = password {
            let b64 = base64::engine::general_purpose::STANDARD.encode(pw);
            headers.insert(PASSWORD_HEADER, b64.parse().unwrap());
        }
        request(
            &f.window,
            "import_preview",
            InvokeBody::Raw(bytes.to_vec()),
            headers,
        )
    }

    fn unlocked() -> Fixture {
        let f = fixture();
        f.ok("vault_status", json!({}));
        f.ok("account_add_from_uri", json!({ "uri": HELD, "name": null }));
        f
    }

    #[test]
    fn a_preview_flags_duplicates_lists_problems_and_holds_no_secret() {
        let f = unlocked();
        let file = format!("{HELD}\n{NEW}\n{NEW}\notpauth://totp/x?secret=!!\n");
        let p = preview(&f, file.as_bytes(), None).unwrap();
        let text = p.to_string();
        assert!(
            !text.contains("GEZDGNBV") && !text.contains("JBSWY3DP"),
            "{text}"
        );
        assert_eq!(p["format"], "uri-list");
        let flags: Vec<_> = p["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["name"].clone(),
                    e["alreadyHeldBy"].clone(),
                    e["duplicateInFile"].clone(),
                )
            })
            .collect();
        assert_eq!(
            flags,
            [
                (json!("GitHub:alice"), json!("GitHub:alice"), json!(false)),
                (json!("ACME:bob"), json!(null), json!(false)),
                (json!("ACME:bob"), json!(null), json!(true)),
            ]
        );
        assert_eq!(p["skipped"].as_array().unwrap().len(), 1, "{text}");
        assert_eq!(p["skipped"][0]["entry"], 4);

        // Everything ticked: the vault still adds only what it does not hold.
        let id = p["id"].clone();
        let done = f.ok(
            "import_apply",
            json!({ "previewId": id, "indices": [0, 1, 2] }),
        );
        assert_eq!(done, json!({ "imported": 1, "skipped": 3 }));
        let names: Vec<_> = f
            .ok("accounts_list", json!({}))
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        // Applied previews are gone.
        let again = f
            .invoke("import_apply", json!({ "previewId": id, "indices": [1] }))
            .unwrap_err();
        assert_eq!(again["kind"], "notFound");
    }

    #[test]
    fn a_late_preview_does_not_close_a_newer_one() {
        let f = unlocked();
        // The user cancelled reading `late` and opened `shown`; `late` finishes last.
        let shown = preview(&f, NEW.as_bytes(), None).unwrap();
        let late = preview(&f, HELD.as_bytes(), None).unwrap();
        f.ok("import_discard", json!({ "previewId": late["id"] }));
        let done = f.ok(
            "import_apply",
            json!({ "previewId": shown["id"], "indices": [0] }),
        );
        assert_eq!(done["imported"], 1);
        // Previews nobody discards are capped.
        let ids: Vec<_> = (0..ImportSlot::MAX + 1)
            .map(|_| preview(&f, NEW.as_bytes(), None).unwrap()["id"].clone())
            .collect();
        let oldest = f.invoke(
            "import_apply",
            json!({ "previewId": ids[0], "indices": [0] }),
        );
        assert_eq!(oldest.unwrap_err()["kind"], "notFound");
        assert_eq!(
            f.window.state::<AppState>().import().pending.len(),
            ImportSlot::MAX
        );
    }

    #[test]
    fn an_encrypted_file_asks_for_its_password_and_says_when_it_is_wrong() {
        let f = unlocked();
        let accounts = f
            .window
            .state::<AppState>()
            .read(|v| Ok(v.accounts().to_vec()))
            .unwrap();
        let bytes = export::render(&accounts, export::Format::Aegis, Some("pässword")).unwrap();
        assert_eq!(
            preview(&f, &bytes, None).unwrap_err()["kind"],
            "exportPasswordNeeded"
        );
        assert_eq!(
            preview(&f, &bytes, Some("nope")).unwrap_err()["kind"],
            "exportWrongPassword"
        );
        let p = preview(&f, &bytes, Some("pässword")).unwrap();
        assert_eq!(p["format"], "aegis");
        assert_eq!(p["entries"][0]["alreadyHeldBy"], "GitHub:alice");
        // Discarded: applying it fails, and nothing was added.
        f.ok("import_discard", json!({ "previewId": p["id"] }));
        let gone = f.invoke(
            "import_apply",
            json!({ "previewId": p["id"], "indices": [0] }),
        );
        assert_eq!(gone.unwrap_err()["kind"], "notFound");
        assert_eq!(
            preview(&f, b"hello", None).unwrap_err()["kind"],
            "unknownExport"
        );
    }

    #[test]
    fn an_export_is_private_and_does_not_replace_a_file_unasked() {
        let f = unlocked();
        let path = f.dir.path().join("out/accounts.txt");
        let args = |replace: bool| {
            json!({ "format": "uri-list", "path": path.to_str().unwrap(), "password": null,
                    "vaultPassword": null, "replace": replace })
        };
        let done = f.ok("export_write", args(false));
        assert_eq!(done["accounts"], 1);
        assert_eq!(done["encrypted"], false);
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains("secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            f.invoke("export_write", args(false)).unwrap_err()["kind"],
            "fileExists"
        );
        f.ok("export_write", args(true));
        let sealed = json!({ "format": "twofold", "path": f.dir.path().join("b.twofold").to_str().unwrap(),
                             "password": "", "vaultPassword": null, "replace": false });
        assert_eq!(
            f.invoke("export_write", sealed).unwrap_err()["kind"],
            "invalidInput"
        );
        let options = f.ok("export_options", json!({}));
        assert_eq!(options["formats"][0]["name"], "twofold");
        assert_eq!(options["vaultPassword"], false);
        let default = f.ok("export_default_path", json!({ "format": "html" }));
        assert!(default.as_str().unwrap().ends_with(".html"), "{default}");
    }

    #[test]
    fn typed_paths_must_be_absolute_or_from_home() {
        assert!(user_path("").is_err());
        assert!(user_path("export.txt").is_err());
        assert!(user_path("/").is_err());
        assert_eq!(
            user_path(" /tmp/x.txt ").unwrap(),
            PathBuf::from("/tmp/x.txt")
        );
        let home = directories::BaseDirs::new()
            .unwrap()
            .home_dir()
            .to_path_buf();
        assert_eq!(user_path("~/x.txt").unwrap(), home.join("x.txt"));
    }
}
