//! The app's import and export under WebDriver: an encrypted Aegis export (written by core's
//! Aegis writer, which `crates/twofold-core/tests/aegis_export.rs` checks against an
//! independent decryptor) with one account the vault already holds; a corrupt file; a file
//! dropped on the window; and a Twofold backup and an otpauth list written by the app and read
//! back with the `twofold` CLI. The vault is checked with the CLI, never through the app.
//! Screenshots go to `$TWOFOLD_ARTIFACTS`.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use twofold_core::otp::{Algorithm, Otp, OtpKind, Secret};
use twofold_core::transfer::export::{self, Format};
use twofold_core::vault::{Account, AccountId};
use twofold_e2e::app::drop_file;
use twofold_e2e::harness;
use twofold_e2e::webdriver::{Session, DEFAULT_WAIT};

/// The account the vault holds before the import (also the second entry of the Aegis file).
const HELD_URI: &str =
    "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=GitHub";
const VAULT_PASSWORD: &str = "vault pass 1";
const FILE_PASSWORD: &str = "aegis-pässword";

fn account(issuer: &str, user: &str, secret: &str) -> Account {
    Account {
        id: AccountId(format!("id-{issuer}")),
        name: format!("{issuer}:{user}"),
        issuer: issuer.into(),
        account: user.into(),
        otp: Otp::new(
            OtpKind::Totp,
            Algorithm::Sha1,
            6,
            30,
            0,
            Secret::from_base32_lenient(secret).unwrap(),
        )
        .unwrap(),
        tags: vec![],
        created: 1,
        last_used: None,
        aws: None,
        meta: Default::default(),
    }
}

/// Three accounts; the second holds the secret of [`HELD_URI`].
fn aegis_accounts() -> Vec<Account> {
    vec![
        account(
            "ACME",
            "ops@example.com",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        ),
        account("GitHub", "alice", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        account("Proton", "bob", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK"),
    ]
}

fn cli(vault: &Path) -> Command {
    let mut c = Command::new(harness::cli_bin());
    c.arg("--vault").arg(vault);
    c
}

/// The vault's account names, read by the CLI.
fn names(vault: &Path) -> Vec<String> {
    let out = harness::run_ok(cli(vault).args(["list", "--json"]));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// A vault with a keyring slot (the app opens it) and a password slot, holding [`HELD_URI`].
fn vault_with_one_account(dir: &Path) -> std::path::PathBuf {
    let vault = dir.join("vault.json");
    harness::run_ok(
        cli(&vault)
            .args(["add", "--uri", HELD_URI])
            .env("TWOFOLD_PASSWORD", VAULT_PASSWORD),
    );
    vault
}

fn js(session: &Session, script: &str) -> Value {
    session
        .execute(script, &[])
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Waits for the toast to say `needle`; reads `textContent`, so a toast that already went
/// still counts.
fn toast(session: &Session, needle: &str) -> String {
    session
        .wait_until(&format!("`{needle}` in the toast"), DEFAULT_WAIT, |s| {
            let text = s.execute(
                "return document.getElementById('toast')?.textContent ?? '';",
                &[],
            )?;
            Ok(text
                .as_str()
                .filter(|t| t.contains(needle))
                .map(str::to_string))
        })
        .unwrap_or_else(|e| {
            session.shot("import-export-toast-failed.png");
            panic!("{e}")
        })
}

fn choose_file(session: &Session, path: &Path) {
    session
        .find("#import-file")
        .and_then(|input| input.send_keys(path.to_str().unwrap()))
        .expect("choose the export file");
}

#[test]
fn import_encrypted_aegis_corrupt_and_dropped_files() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = vault_with_one_account(dir.path());
    let before = names(&vault);
    assert_eq!(before, ["GitHub:alice"]);

    let aegis = dir.path().join("aegis-export.json");
    let bytes = export::render(&aegis_accounts(), Format::Aegis, Some(FILE_PASSWORD)).unwrap();
    std::fs::write(&aegis, &bytes[..]).unwrap();
    let corrupt = dir.path().join("corrupt-aegis.json");
    // Shaped like an Aegis export, of a version that does not exist.
    std::fs::write(&corrupt, r#"{"version":7,"header":{},"db":{}}"#).unwrap();

    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    session
        .wait_for(".account-row", DEFAULT_WAIT)
        .expect("the held account is listed");

    // The Add dialog offers the import.
    session.click_on("#add-account");
    session.wait_for("#add-import", DEFAULT_WAIT).unwrap();
    session.shot("import-01-add-dialog.png");
    session.click_on("#add-import");
    session.wait_for("#import-choose", DEFAULT_WAIT).unwrap();
    assert!(session.find_all("#add-dialog").unwrap().is_empty());
    session.shot("import-02-pick.png");

    // (2) A corrupt file: a clear error, nothing imported.
    choose_file(&session, &corrupt);
    let error = session
        .wait_for_text("#import-error", "Nothing was imported", DEFAULT_WAIT)
        .expect("the corrupt file's error");
    assert!(error.contains("corrupt-aegis.json"), "{error}");
    assert!(
        error.contains("Aegis"),
        "names the format it tried: {error}"
    );
    session.shot("import-03-corrupt.png");
    assert_eq!(names(&vault), before, "the vault is unchanged");

    // (1) The encrypted Aegis export: the password prompt, a wrong password, the right one.
    choose_file(&session, &aegis);
    session
        .wait_for_text(
            "#import-password-prompt",
            "aegis-export.json is encrypted",
            DEFAULT_WAIT,
        )
        .expect("the password prompt");
    session.shot("import-04-password.png");
    session.type_into("#import-password", "not the password");
    session.click_on("#import-unlock");
    session
        .wait_for_text("#import-error", "Wrong password", DEFAULT_WAIT)
        .expect("the wrong password is said");
    assert!(session
        .find("#import-password")
        .unwrap()
        .is_displayed()
        .unwrap());
    session.shot("import-05-wrong-password.png");
    session.type_into("#import-password", FILE_PASSWORD);
    session.click_on("#import-unlock");
    let summary = session
        .wait_for_text("#import-summary", "3 accounts", DEFAULT_WAIT)
        .expect("the preview list");
    assert!(summary.contains("Aegis export"), "{summary}");
    let ticks = js(
        &session,
        "return [...document.querySelectorAll('#import-list .import-entry')].map(li => ({
           name: li.dataset.name,
           ticked: li.querySelector('input').checked,
           flag: li.querySelector('.import-flag')?.textContent ?? null }));",
    );
    assert_eq!(
        ticks,
        json!([
            { "name": "ACME:ops@example.com", "ticked": true, "flag": null },
            { "name": "GitHub:alice", "ticked": false, "flag": "Already in Twofold as “GitHub:alice”" },
            { "name": "Proton:bob", "ticked": true, "flag": null },
        ])
    );
    assert_eq!(session.text_of("#import-apply"), "Import 2 accounts");
    session.shot("import-06-preview.png");
    // The preview carries no secret.
    let source = session.page_source().unwrap();
    assert!(
        !source.contains("GEZDGNBVGY3TQOJQ"),
        "a secret reached the page"
    );

    session.click_on("#import-apply");
    let said = toast(&session, "Imported");
    assert_eq!(said, "Imported 2, skipped 1");
    session
        .wait_for(".account-row[data-name=\"Proton:bob\"]", DEFAULT_WAIT)
        .expect("the new rows appear");
    assert_eq!(session.find_all(".account-row").unwrap().len(), 3);
    session.shot("import-07-result.png");
    assert_eq!(
        names(&vault),
        ["ACME:ops@example.com", "GitHub:alice", "Proton:bob"]
    );

    // (3) A file dropped on the window opens the import with its preview.
    let list = "otpauth://totp/Dropped:carol?secret=ONSWG4TFOQYTEMZU&issuer=Dropped\n\
                otpauth://totp/ACME:ops@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME\n";
    drop_file(
        &session,
        ".accounts-view",
        list.as_bytes(),
        "accounts.txt",
        "text/plain",
    );
    session
        .wait_for_text("#import-summary", "otpauth URI list", DEFAULT_WAIT)
        .expect("the dropped file's preview");
    assert_eq!(
        session
            .find_all("#import-list .import-entry")
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        session
            .find_all("#import-list .import-entry[data-duplicate]")
            .unwrap()
            .len(),
        1,
        "the account imported above is flagged"
    );
    session.shot("import-08-dropped.png");
    // Select none, then all: the button follows.
    session.click_on("#import-select-none");
    assert!(
        session
            .find("#import-apply")
            .unwrap()
            .property("disabled")
            .unwrap()
            == json!(true)
    );
    session.click_on("#import-select-all");
    assert_eq!(session.text_of("#import-apply"), "Import 2 accounts");
    // Closing discards the preview: nothing is imported.
    session.click_on("#import-dialog [data-testid=dialog-close]");
    assert!(session.find_all("#import-dialog").unwrap().is_empty());
    assert_eq!(
        names(&vault).len(),
        3,
        "a discarded preview imports nothing"
    );
}

#[test]
fn an_empty_vault_offers_the_import() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    session.wait_for("#empty-import", DEFAULT_WAIT).unwrap();
    session.shot("import-00-empty-state.png");
    session.click_on("#empty-import");
    session.wait_for("#import-choose", DEFAULT_WAIT).unwrap();

    // A slow key derivation shows "Decrypting…", and Cancel leaves it: an andOTP backup (named
    // with the Format option, as its bytes cannot tell) whose header asks for 10,000,000 PBKDF2
    // rounds (the importer's cap): seconds even in the release app CI drives (500,000 was done
    // before the test could look). Its bytes are noise, so no password opens it anyway.
    let slow = dir.path().join("otp_accounts.json.aes");
    let mut noise = 10_000_000u32.to_be_bytes().to_vec();
    noise.extend((0..104u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    std::fs::write(&slow, &noise).unwrap();
    session.open_details("import-format-box");
    session
        .execute(
            "document.getElementById('import-format').value = 'andotp';",
            &[],
        )
        .unwrap();
    choose_file(&session, &slow);
    session
        .wait_for_text(
            "#import-password-prompt",
            "otp_accounts.json.aes is encrypted",
            DEFAULT_WAIT,
        )
        .expect("the password prompt for the named format");
    session.type_into("#import-password", "a guess");
    session.click_on("#import-unlock");
    session
        .wait_for_text("#import-busy-text", "Decrypting", DEFAULT_WAIT)
        .expect("the busy state while the key is derived");
    assert!(session
        .find("#import-busy")
        .unwrap()
        .is_displayed()
        .unwrap());
    assert_eq!(session.text_of("#import-cancel"), "Cancel");
    session.shot("import-04b-decrypting.png");
    session.click_on("#import-cancel");
    assert!(session
        .find("#import-choose")
        .unwrap()
        .is_displayed()
        .unwrap());
    assert!(!session
        .find("#import-error")
        .unwrap()
        .is_displayed()
        .unwrap());
    // Back to detecting the format (set without a change event, which would reread the file).
    session
        .execute("document.getElementById('import-format').value = '';", &[])
        .unwrap();

    // The late result of the cancelled read is ignored: the next file's preview stays.
    let uris = dir.path().join("list.txt");
    std::fs::write(
        &uris,
        "otpauth://totp/Solo:erin?secret=ONSWG4TFOQYTEMZU&issuer=Solo\n",
    )
    .unwrap();
    choose_file(&session, &uris);
    session
        .wait_for_text("#import-summary", "1 account", DEFAULT_WAIT)
        .unwrap();
    session.click_on("#import-apply");
    assert_eq!(toast(&session, "Imported"), "Imported 1, skipped 0");
    session
        .wait_for(".account-row[data-name=\"Solo:erin\"]", DEFAULT_WAIT)
        .expect("the empty state gives way to the list");
    assert_eq!(names(&vault), ["Solo:erin"]);
}

/// The same file imported by the CLI and by the app (with the ticks it starts with) leaves
/// the same accounts: both faces call one check and one import in core.
#[test]
fn the_app_and_the_cli_import_a_file_to_the_same_accounts() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let file = dir.path().join("mixed.txt");
    std::fs::write(
        &file,
        format!(
            "{HELD_URI}\n\
             otpauth://totp/New:frank?secret=ONSWG4TFOQYTEMZU&issuer=New\n\
             otpauth://totp/Broken?secret=JBSWY3DPEHPK3PX1\n\
             otpauth://totp/New:frank?secret=ONSWG4TFOQYTEMZU&issuer=New\n\
             otpauth://hotp/Corp:gina?secret=MFRGGZDFMZTWQ2LK&issuer=Corp&counter=2\n"
        ),
    )
    .unwrap();

    let by_cli = vault_with_one_account(&dir.path().join("cli"));
    let out = harness::run_ok(cli(&by_cli).args(["import", "--json"]).arg(&file));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (imported, skipped) = (
        report["imported"].as_array().unwrap().len(),
        report["skipped"].as_array().unwrap().len(),
    );

    let by_app = vault_with_one_account(&dir.path().join("app"));
    let session = Session::start_app(&["--vault", by_app.to_str().unwrap()]);
    session.wait_for(".account-row", DEFAULT_WAIT).unwrap();
    drop_file(
        &session,
        ".accounts-view",
        &std::fs::read(&file).unwrap(),
        "mixed.txt",
        "text/plain",
    );
    session
        .wait_for_text("#import-summary", "4 accounts", DEFAULT_WAIT)
        .expect("the preview");
    let problem = session.text_of("#import-problems li");
    assert!(problem.starts_with("Entry 3, Broken:"), "{problem}");
    session.click_on("#import-apply");
    let said = toast(&session, "Imported");
    assert_eq!(said, format!("Imported {imported}, skipped {skipped}"));
    assert_eq!((imported, skipped), (2, 3), "{report}");
    assert_eq!(names(&by_app), names(&by_cli));
    assert_eq!(names(&by_app), ["Corp:gina", "GitHub:alice", "New:frank"]);
}

#[test]
fn export_a_backup_and_a_uri_list_that_the_cli_reads() {
    harness::require_secret_service();
    let dir = harness::temp_dir();
    let vault = vault_with_one_account(dir.path());
    harness::run_ok(cli(&vault).args([
        "add",
        "--uri",
        "otpauth://hotp/Corp:dave?secret=MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK&issuer=Corp&counter=7",
    ]));
    let session = Session::start_app(&["--vault", vault.to_str().unwrap()]);
    session.wait_for(".account-row", DEFAULT_WAIT).unwrap();

    // The Twofold backup (the default format), with the vault's own password asked again.
    session.click_on("#settings-open");
    session.click_on("#export-open");
    let path = session.wait_for("#export-path", DEFAULT_WAIT).unwrap();
    let default = harness::poll(
        std::time::Duration::from_secs(5),
        std::time::Duration::from_millis(100),
        || {
            path.property("value")
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .filter(|v| !v.is_empty())
        },
    )
    .expect("a default path");
    assert!(
        default.contains("twofold-export-") && default.ends_with(".twofold"),
        "{default}"
    );
    assert!(session
        .find("#export-vault-password")
        .unwrap()
        .is_displayed()
        .unwrap());
    let warning = session.text_of("#export-warning");
    assert!(
        warning.contains("secret of every account (2 accounts)"),
        "{warning}"
    );
    let backup = dir.path().join("out/backup.twofold");
    session.type_into("#export-password", "backup pw");
    session.type_into("#export-password2", "backup pw");
    session.type_into("#export-vault-password", VAULT_PASSWORD);
    session.type_into("#export-path", backup.to_str().unwrap());
    session.click_on("#export-confirm");
    session.shot("export-01-dialog.png");
    session.click_on("#export-submit");
    let said = toast(&session, "Exported");
    assert!(said.contains(backup.to_str().unwrap()), "{said}");
    assert!(session.find_all("#export-dialog").unwrap().is_empty());

    // The CLI reads the backup (into a vault that does not exist, so nothing is "held").
    let mut child = Command::new(harness::cli_bin())
        .arg("--vault")
        .arg(dir.path().join("none/vault.json"))
        .args(["import", "--dry-run", "--json", "--password-stdin"])
        .arg(&backup)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "backup pw").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], json!("twofold"));
    let mut got: Vec<_> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["kind"].as_str().unwrap()))
        .collect();
    got.sort();
    assert_eq!(got, [("Corp:dave", "hotp"), ("GitHub:alice", "totp")]);
    assert_mode_0600(&backup);

    // The otpauth list: plain, so no file password; an existing file needs "Replace".
    let uris = dir.path().join("accounts.txt");
    std::fs::write(&uris, "keep me").unwrap();
    session.click_on("#settings-open");
    session.click_on("#export-open");
    session.wait_for("#export-format", DEFAULT_WAIT).unwrap();
    session
        .execute(
            "const s = document.getElementById('export-format'); s.value = 'uri-list'; \
             s.dispatchEvent(new Event('change'));",
            &[],
        )
        .unwrap();
    session
        .wait_for_text("#export-warning", "NOT encrypted", DEFAULT_WAIT)
        .unwrap();
    assert!(!session
        .find("#export-passwords")
        .unwrap()
        .is_displayed()
        .unwrap());
    session.type_into("#export-vault-password", VAULT_PASSWORD);
    session.type_into("#export-path", uris.to_str().unwrap());
    session.click_on("#export-confirm");
    session.click_on("#export-submit");
    session
        .wait_for_text("#export-error", "exists", DEFAULT_WAIT)
        .expect("an existing file is not replaced unasked");
    assert_eq!(std::fs::read_to_string(&uris).unwrap(), "keep me");
    session.shot("export-02-exists.png");
    session.click_on("#export-replace");
    session.click_on("#export-submit");
    toast(&session, "accounts.txt");
    let text = std::fs::read_to_string(&uris).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"));
    assert_mode_0600(&uris);
    let out = harness::run_ok(
        Command::new(harness::cli_bin())
            .arg("--vault")
            .arg(dir.path().join("none/vault.json"))
            .args(["import", "--dry-run", "--json"])
            .arg(&uris),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], json!("uri-list"));
    assert_eq!(report["imported"].as_array().unwrap().len(), 2);

    // A wrong vault password writes nothing.
    let other = dir.path().join("other.txt");
    session.click_on("#settings-open");
    session.click_on("#export-open");
    session.wait_for("#export-format", DEFAULT_WAIT).unwrap();
    session
        .execute(
            "const s = document.getElementById('export-format'); s.value = 'uri-list'; \
             s.dispatchEvent(new Event('change'));",
            &[],
        )
        .unwrap();
    session.type_into("#export-vault-password", "wrong");
    session.type_into("#export-path", other.to_str().unwrap());
    session.click_on("#export-confirm");
    session.click_on("#export-submit");
    session
        .wait_for_text("#export-error", "Wrong vault password", DEFAULT_WAIT)
        .unwrap();
    assert!(!other.exists());
}

#[cfg(unix)]
fn assert_mode_0600(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{}", path.display());
}

#[cfg(not(unix))]
fn assert_mode_0600(_: &Path) {}
