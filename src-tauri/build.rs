//! Declares every app command so each one needs an `allow-<command>` grant in a capability.

const COMMANDS: &[&str] = &[
    "vault_status",
    "vault_unlock",
    "vault_create",
    "vault_lock",
    "accounts_list",
    "account_add_from_uri",
    "account_add_manual",
    "account_update",
    "account_remove",
    "account_reveal",
    "code_current",
    "hotp_next",
    "code_copy",
    "code_pair",
    "aws_profiles",
    "aws_whoami",
    "aws_disconnect",
    "aws_enroll_start",
    "aws_enroll_confirm",
    "aws_pending",
    "aws_enroll_resume",
    "aws_enroll_abort",
    "aws_devices",
    "aws_resync",
    "aws_deactivate",
    "aws_session_options",
    "aws_session_start",
    "aws_setup_profile",
    "aws_audit",
    "aws_audit_export",
    "aws_enforce_plan",
    "aws_enforce_apply",
    "scan_cameras",
    "scan_camera_start",
    "scan_camera_stop",
    "scan_image",
    "scan_screen",
    "scan_clipboard",
    "scan_save",
    "scan_discard",
    "account_qr",
    "fido_devices",
    "fido_info",
    "fido_pin_set",
    "fido_pin_change",
    "fido_test",
    "fido_credentials",
    "fido_credential_delete",
    "fido_reset",
    "fido_cancel",
    "fido_wink",
    "aws_security_key_check",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
