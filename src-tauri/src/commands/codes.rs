//! Codes: the current one (with a preview of the next), HOTP's next one, and copying.

use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use twofold_core::otp::{apply_offset, OtpKind};
use twofold_core::vault::Vault;
use zeroize::Zeroizing;

use twofold_core::aws::enroll::console_codes;

use crate::error::{ErrorKind, IpcError, Result};
use crate::events;
use crate::models::{CodePair, CodeView, CopiedCode};
use crate::state::{AppState, AppStateRef};

/// The current code of `id` at `unix` (system time), with the next code when the current one
/// has at most [`NEXT_PREVIEW_SECS`](twofold_core::view::NEXT_PREVIEW_SECS) left.
pub fn current(vault: &Vault, id: &str, unix: u64) -> Result<CodeView> {
    let account = vault.find(id)?;
    let now = apply_offset(unix, vault.settings().clock_offset_secs);
    let code = vault.code(id, unix)?;
    Ok(CodeView::of_account(account, code, now))
}

/// Two consecutive codes of a TOTP account at `unix` (system time): the current one and the
/// next, with the seconds the current one has left.
pub fn pair(vault: &Vault, id: &str, unix: u64) -> Result<CodePair> {
    let account = vault.find(id)?;
    if account.otp.kind != OtpKind::Totp {
        return Err(IpcError::new(
            ErrorKind::InvalidInput,
            "two consecutive codes exist only for time-based (TOTP) accounts",
        ));
    }
    let now = apply_offset(unix, vault.settings().clock_offset_secs);
    let (code1, code2, seconds_left) = console_codes(&account.otp, now);
    Ok(CodePair {
        code1,
        code2,
        seconds_left,
        period: account.otp.period,
    })
}

/// The current and the next code of a TOTP account, for forms that ask for two (the AWS
/// console's MFA assignment). Codes, not the secret.
#[tauri::command]
pub fn code_pair(state: AppStateRef<'_>, id: String) -> Result<CodePair> {
    state.with_vault(|v| pair(v, &id, twofold_core::unix_now()))
}

/// The current code of an account.
#[tauri::command]
pub fn code_current(state: AppStateRef<'_>, id: String) -> Result<CodeView> {
    state.with_vault(|v| current(v, &id, twofold_core::unix_now()))
}

/// Takes the next HOTP code (the counter is saved before the code is returned).
#[tauri::command]
pub fn hotp_next<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    id: String,
) -> Result<CodeView> {
    let now = twofold_core::unix_now();
    let view = state.with_vault(|v| {
        let code = v.next_hotp(&id, now)?;
        Ok(CodeView::of_account(v.find(&id)?, code, now))
    })?;
    events::vault_changed(&app, "accounts");
    Ok(view)
}

/// Copies `code` (marked as a secret, so clipboard managers keep it out of their history) and
/// clears the clipboard after the time set in Settings if it still holds `code` (the user may
/// have copied something else since). Quitting sooner clears it too (see `run`). Returns the
/// seconds until it is cleared.
pub(crate) fn copy_and_clear_later<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    code: Zeroizing<String>,
) -> Result<u64> {
    state.clipboard().copy(&code)?;
    let secs = u64::from(state.settings().get().clipboard_clear_secs);
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(secs));
        if let Err(e) = app.state::<AppState>().clipboard().clear_if_holding(&code) {
            tracing::warn!("could not clear the clipboard: {e}");
        }
    });
    Ok(secs)
}

/// Copies the account's code to the clipboard (for HOTP: takes the next code) and clears the
/// clipboard after the time set in Settings if it still holds that code.
#[tauri::command]
pub fn code_copy<R: Runtime>(
    app: AppHandle<R>,
    state: AppStateRef<'_>,
    id: String,
) -> Result<CopiedCode> {
    let now = twofold_core::unix_now();
    let (code, hotp) = state.with_vault(|v| {
        let hotp = v.find(&id)?.otp.kind == OtpKind::Hotp;
        Ok((v.take_code(&id, now)?.code, hotp))
    })?;
    let clear_after_secs = copy_and_clear_later(&app, &state, Zeroizing::new(code.clone()))?;
    if hotp {
        // The counter moved on; a time-based copy changes nothing the list shows.
        events::vault_changed(&app, "accounts");
    }
    Ok(CopiedCode {
        code,
        clear_after_secs,
    })
}
