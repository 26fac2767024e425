//! Listing, adding, editing, removing and revealing accounts.

use tauri::{AppHandle, Manager, Runtime};
use twofold_core::otp::uri::OtpUri;
use twofold_core::otp::{Otp, Secret};
use twofold_core::vault::{AccountPatch, NewAccount, Vault};
use zeroize::Zeroizing;

use crate::error::{ErrorKind, IpcError, Result};
use crate::events;
use crate::models::{AccountSummary, AccountUpdate, ManualAccount, RevealedSecret};
use crate::state::{AppState, AppStateRef};

fn summary(vault: &Vault, id: &str) -> Result<AccountSummary> {
    Ok(AccountSummary::from(vault.find(id)?))
}

/// Every account, without secrets. Picks up changes another process (the CLI) wrote.
#[tauri::command]
pub fn accounts_list(state: AppStateRef<'_>) -> Result<Vec<AccountSummary>> {
    state.with_vault(|v| {
        v.refresh()?;
        Ok(v.accounts().iter().map(AccountSummary::from).collect())
    })
}

/// Adds an account from an `otpauth://` URI, with an optional name.
#[tauri::command]
pub fn account_add_from_uri<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    uri: String,
    name: Option<String>,
) -> Result<AccountSummary> {
    let uri = Zeroizing::new(uri);
    let parsed = OtpUri::parse(&uri)?;
    add(&app, &state, parsed, name.filter(|n| !n.trim().is_empty()))
}

/// Adds one account to the vault and tells the windows.
fn add<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    uri: OtpUri,
    name: Option<String>,
) -> Result<AccountSummary> {
    let added = state.with_vault(|v| {
        let new = NewAccount {
            uri,
            name,
            tags: Vec::new(),
        };
        let id = v.add(new, twofold_core::unix_now())?;
        summary(v, &id.0)
    })?;
    events::vault_changed(app, "accounts");
    Ok(added)
}

/// Adds an account from a hand-entered secret and parameters.
#[tauri::command]
pub fn account_add_manual<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    input: ManualAccount,
) -> Result<AccountSummary> {
    let issuer = input.issuer.trim().to_string();
    let account = input.account.trim().to_string();
    if issuer.is_empty() && account.is_empty() {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "enter the issuer (the service) or the account name",
        ));
    }
    let secret = Secret::from_base32_lenient(&input.secret)?;
    let otp = Otp::new(
        input.kind.into(),
        input.algorithm.into(),
        input.digits,
        input.period,
        input.counter,
        secret,
    )?;
    let uri = OtpUri {
        issuer,
        account,
        otp,
    };
    add(&app, &state, uri, None)
}

/// Changes an account's name, issuer, account label or tags.
#[tauri::command]
pub fn account_update<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    id: String,
    update: AccountUpdate,
) -> Result<AccountSummary> {
    let patch = AccountPatch {
        name: update.name,
        issuer: update.issuer,
        account: update.account,
        tags: update.tags,
        favourite: update.favourite,
        note: update.note,
        icon: update.icon,
    };
    let updated = state.with_vault(|v| {
        v.edit(&id, patch)?;
        summary(v, &id)
    })?;
    events::vault_changed(&app, "accounts");
    Ok(updated)
}

/// Moves an account to `position` in the manual order (dragged in the list).
#[tauri::command]
pub fn account_move<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    id: String,
    position: u32,
) -> Result<()> {
    state.with_vault(|v| Ok(v.move_to(&id, position as usize)?))?;
    events::vault_changed(&app, "accounts");
    Ok(())
}

/// Removes an account (the UI asks for confirmation first).
#[tauri::command]
pub fn account_remove<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    id: String,
) -> Result<()> {
    state.with_vault(|v| Ok(v.remove(&id).map(drop)?))?;
    events::vault_changed(&app, "accounts");
    Ok(())
}

/// The account's secret and `otpauth://` URI. Only called after the user confirmed, with the
/// vault's password typed again when the vault has one.
#[tauri::command]
pub async fn account_reveal<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    password: Option<String>,
) -> Result<RevealedSecret> {
    let password = password.map(Zeroizing::new);
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        crate::commands::vault::reverify(&state, password.as_deref().map(String::as_str))?;
        state.with_vault(|v| {
            let a = v.find(&id)?;
            Ok(RevealedSecret {
                secret: a.otp.secret.to_base32().to_string(),
                uri: a.to_uri().to_string(),
            })
        })
    })
    .await?
}
