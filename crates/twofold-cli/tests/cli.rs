//! The `twofold` command's contract, run as a real process (password slot, no keyring; the
//! keyring path runs against a real Secret Service in the root `tests/` suite).

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

const AWS_URI: &str = "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amazon%20Web%20Services";

fn twofold(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(args)
        .env("TWOFOLD_VAULT", vault)
        .env("TWOFOLD_PASSWORD", "test password")
        .env("TWOFOLD_NO_KEYRING", "1")
        .env("TWOFOLD_STATE_DIR", vault.with_file_name("state"))
        .env_remove("TWOFOLD_NEW_PASSWORD")
        .env_remove("TWOFOLD_RECOVERY_KEY")
        .env_remove("TWOFOLD_ACCEPT_ROLLBACK")
        .output()
        .unwrap()
}

/// `twofold` with only the environment given (no password), for the vault's key commands.
fn twofold_env(vault: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_twofold"));
    cmd.args(args)
        .env("TWOFOLD_VAULT", vault)
        .env("TWOFOLD_NO_KEYRING", "1")
        .env("TWOFOLD_STATE_DIR", vault.with_file_name("state"))
        .env_remove("TWOFOLD_PASSWORD")
        .env_remove("TWOFOLD_NEW_PASSWORD")
        .env_remove("TWOFOLD_RECOVERY_KEY")
        .env_remove("TWOFOLD_ACCEPT_ROLLBACK");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

// See: issue "never lose a seed". A recovery key made with `twofold vault recovery-key` opens
// the vault without the password, survives password changes, and the slots show in status.
#[test]
fn never_lose_a_seed_vault_recovery_key_password_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    ok(&twofold(&vault, &["add", "--uri", AWS_URI]));
    let key_file = dir.path().join("recovery.txt");
    let out = twofold(
        &vault,
        &["vault", "recovery-key", "-o", key_file.to_str().unwrap()],
    );
    assert_eq!(ok(&out), "", "the key goes to the file only");
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(warning.contains("shown only this once"), "{warning}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(&key_file).unwrap();
    let key = text.lines().nth(1).unwrap().to_string();
    assert_eq!(key.split('-').count(), 14, "{key}");
    // Refuses to overwrite the file.
    let again = twofold(
        &vault,
        &["vault", "recovery-key", "-o", key_file.to_str().unwrap()],
    );
    assert!(err(&again).contains("already exists"));

    let status: serde_json::Value =
        serde_json::from_str(&ok(&twofold(&vault, &["vault", "status", "--json"]))).unwrap();
    assert_eq!(status["password"], true);
    assert_eq!(status["recoveryKey"], true);
    assert_eq!(status["keyring"], false);
    assert_eq!(status["accounts"], 1);

    let with_key = |k: &str| twofold_env(&vault, &["list"], &[("TWOFOLD_RECOVERY_KEY", k)]);
    assert!(ok(&with_key(&key.to_lowercase())).contains("Amazon Web Services"));
    let mut typo = key.clone();
    typo.replace_range(0..1, if key.starts_with('A') { "B" } else { "A" });
    assert!(err(&with_key(&typo)).contains("mistyped recovery key"));
    // A new key replaces it and gives the vault a new master key, re-wrapped under the
    // password, which it therefore needs: after it, the old key opens nothing.
    let no_password = twofold_env(
        &vault,
        &["vault", "recovery-key"],
        &[("TWOFOLD_RECOVERY_KEY", &key)],
    );
    assert!(
        err(&no_password).contains("the vault has a password"),
        "{}",
        err(&no_password)
    );
    let out = twofold(&vault, &["vault", "recovery-key"]);
    let replaced = ok(&out).trim().to_string();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("new master key"), "{said}");
    assert!(err(&with_key(&key)).contains("wrong recovery key"));
    assert!(ok(&with_key(&replaced)).contains("Amazon Web Services"));
    let key = replaced;
    let with_key = |k: &str| twofold_env(&vault, &["list"], &[("TWOFOLD_RECOVERY_KEY", k)]);
    let locked = twofold_env(&vault, &["list"], &[]);
    assert!(
        err(&locked).contains("TWOFOLD_PASSWORD or TWOFOLD_RECOVERY_KEY"),
        "{}",
        err(&locked)
    );

    // A new password rotates the master key; the recovery key still opens the vault.
    let out = twofold_env(
        &vault,
        &["vault", "password"],
        &[
            ("TWOFOLD_RECOVERY_KEY", &key),
            ("TWOFOLD_NEW_PASSWORD", "second"),
        ],
    );
    assert!(ok(&out).contains("new master key"));
    assert!(err(&twofold(&vault, &["list"])).contains("wrong password"));
    assert!(ok(&with_key(&key)).contains("Amazon Web Services"));
    let second = [("TWOFOLD_PASSWORD", "second")];
    ok(&twofold_env(
        &vault,
        &["vault", "password", "--remove"],
        &second,
    ));
    let status: serde_json::Value = serde_json::from_str(&ok(&twofold_env(
        &vault,
        &["vault", "status", "--json"],
        &[("TWOFOLD_RECOVERY_KEY", &key)],
    )))
    .unwrap();
    assert_eq!(status["password"], false);
    // The recovery key is now the only way in: it stays.
    let out = twofold_env(
        &vault,
        &["vault", "recovery-key", "--remove"],
        &[("TWOFOLD_RECOVERY_KEY", &key)],
    );
    assert!(
        err(&out).contains("could never be unlocked"),
        "{}",
        err(&out)
    );
}

// An old copy of the vault put in its place is refused, naming both generations, until
// --accept-rollback.
#[test]
fn never_lose_a_seed_a_rolled_back_vault_needs_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    ok(&twofold(
        &vault,
        &["add", "--uri", AWS_URI, "--name", "one"],
    ));
    let old = dir.path().join("old.json");
    std::fs::copy(&vault, &old).unwrap();
    ok(&twofold(
        &vault,
        &["add", "--uri", AWS_URI, "--name", "two"],
    ));
    ok(&twofold(
        &vault,
        &["add", "--uri", AWS_URI, "--name", "three"],
    ));
    std::fs::copy(&old, &vault).unwrap();
    let out = twofold(&vault, &["list"]);
    let msg = err(&out);
    assert!(!out.status.success());
    assert!(
        msg.contains("generation 1") && msg.contains("generation 3"),
        "{msg}"
    );
    assert!(msg.contains("--accept-rollback"), "{msg}");
    let listed = ok(&twofold(&vault, &["list", "--accept-rollback"]));
    assert!(listed.contains("one") && !listed.contains("two"));
    // Confirmed once; the vault opens as it is from now on.
    ok(&twofold(&vault, &["list"]));
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn err(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "unexpectedly succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty(), "errors go to stderr, not stdout");
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn code_for_a_uri_needs_no_vault() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("never-created.json");
    // RFC 6238, SHA1, T = 1111111109 ("12345678901234567890" in base32).
    let uri = "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8";
    assert_eq!(
        ok(&twofold(
            &vault,
            &["code", "--uri", uri, "--at", "1111111109"]
        )),
        "07081804\n"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&twofold(
        &vault,
        &["code", "--uri", uri, "--at", "1111111109", "--json"],
    )))
    .unwrap();
    assert_eq!(json["code"], "07081804");
    assert_eq!(json["validUntil"], 1111111110);
    // A bare URI is no vault account: the object has every field, with no name.
    assert_eq!(json["name"], serde_json::Value::Null);
    assert_eq!(json["period"], 30);
    assert!(!vault.exists());
}

#[test]
fn add_list_code_rename_remove() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    assert!(ok(&twofold(
        &vault,
        &["add", "--uri", AWS_URI, "--name", "aws-prod"]
    ))
    .contains("added aws-prod"));
    ok(&twofold(
        &vault,
        &[
            "add",
            "--uri",
            "otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0",
        ],
    ));

    let list = ok(&twofold(&vault, &["list"]));
    assert!(
        list.contains("aws-prod") && list.contains("Corp:bob"),
        "{list}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&twofold(&vault, &["list", "--json"]))).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[0]["issuer"], "Amazon Web Services");
    for text in [&list, &json.to_string()] {
        assert!(!text.contains("GEZDGNBV"), "list printed a secret: {text}");
    }

    let at = ["code", "aws-prod", "--at", "1111111109"];
    assert_eq!(ok(&twofold(&vault, &at)), "081804\n");
    // The vault's code and the URI's code agree.
    assert_eq!(
        ok(&twofold(&vault, &at)),
        ok(&twofold(
            &vault,
            &["code", "--uri", AWS_URI, "--at", "1111111109"]
        ))
    );

    // HOTP: each call uses up one counter value, across processes.
    assert_eq!(ok(&twofold(&vault, &["code", "Corp:bob"])), "755224\n");
    assert_eq!(ok(&twofold(&vault, &["code", "Corp:bob"])), "287082\n");

    ok(&twofold(&vault, &["rename", "aws-prod", "aws"]));
    assert_eq!(
        ok(&twofold(&vault, &["code", "aws", "--at", "1111111109"])),
        "081804\n"
    );
    assert!(err(&twofold(&vault, &["code", "aws-prod"])).contains("no account named \"aws-prod\""));
    ok(&twofold(&vault, &["remove", "aws"]));
    assert!(!ok(&twofold(&vault, &["list"])).contains("aws"));

    let revealed = ok(&twofold(&vault, &["reveal", "Corp:bob"]));
    assert!(
        revealed.starts_with("otpauth://hotp/Corp:bob?secret=GEZDGNBV")
            && revealed.contains("counter=2"),
        "{revealed}"
    );
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    assert!(err(&twofold(&vault, &["list"])).contains("no vault at"));
    assert!(err(&twofold(
        &vault,
        &["add", "--uri", "otpauth://totp/x?secret=ABC1"]
    ))
    .contains("character 4 is '1'"));
    assert!(!vault.exists(), "a failed add must not create a vault");
    assert!(
        err(&twofold(&vault, &["code", "--uri", "https://example.com"])).contains("otpauth://")
    );

    ok(&twofold(&vault, &["add", "--uri", AWS_URI]));
    let before = std::fs::read(&vault).unwrap();
    assert!(err(&twofold(&vault, &["add", "--uri", AWS_URI])).contains("already exists"));
    assert!(err(&twofold(&vault, &["rename", "nope", "x"])).contains("no account named"));
    assert_eq!(std::fs::read(&vault).unwrap(), before);

    let wrong = Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(["list"])
        .env("TWOFOLD_VAULT", &vault)
        .env("TWOFOLD_PASSWORD", "not it")
        .env("TWOFOLD_NO_KEYRING", "1")
        .output()
        .unwrap();
    assert!(err(&wrong).contains("wrong password"));

    std::fs::write(&vault, b"garbage").unwrap();
    assert!(
        err(&twofold(&vault, &["add", "--uri", AWS_URI, "--name", "x"]))
            .contains("not a readable twofold vault")
    );
    assert_eq!(std::fs::read(&vault).unwrap(), b"garbage");
}

#[test]
fn without_keyring_or_password_a_vault_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    let out = Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(["add", "--uri", AWS_URI])
        .env("TWOFOLD_VAULT", &vault)
        .env("TWOFOLD_NO_KEYRING", "1")
        .env_remove("TWOFOLD_PASSWORD")
        .output()
        .unwrap();
    assert!(err(&out).contains("TWOFOLD_PASSWORD"));
    assert!(!vault.exists());
}

#[test]
fn password_can_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    ok(&twofold(&vault, &["add", "--uri", AWS_URI]));
    let out = Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(["password"])
        .env("TWOFOLD_VAULT", &vault)
        .env("TWOFOLD_PASSWORD", "test password")
        .env("TWOFOLD_NEW_PASSWORD", "new one")
        .env("TWOFOLD_NO_KEYRING", "1")
        .output()
        .unwrap();
    ok(&out);
    assert!(err(&twofold(&vault, &["list"])).contains("wrong password"));
    let out = Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(["list"])
        .env("TWOFOLD_VAULT", &vault)
        .env("TWOFOLD_PASSWORD", "new one")
        .env("TWOFOLD_NO_KEYRING", "1")
        .output()
        .unwrap();
    assert!(ok(&out).contains("Amazon Web Services"));
}

/// `list --json` and `code --json` print core's view types, the very objects the app's UI gets
/// over IPC: same fields, same values, for the same vault. The field names are the CLI's public
/// interface, so they are spelled out here too.
/// See: https://github.com/twofold-app/twofold/issues/12
#[test]
fn favourite_and_note_are_kept_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    ok(&twofold(
        &vault,
        &["add", "--uri", AWS_URI, "--name", "aws-prod"],
    ));
    assert!(ok(&twofold(&vault, &["favourite", "aws-prod"])).contains("is a favourite"));
    ok(&twofold(&vault, &["note", "aws-prod", "codes in the safe"]));
    assert_eq!(
        ok(&twofold(&vault, &["note", "aws-prod"])).trim(),
        "codes in the safe"
    );
    let list: serde_json::Value =
        serde_json::from_str(&ok(&twofold(&vault, &["list", "--json"]))).unwrap();
    assert_eq!(list[0]["favourite"], true);
    assert_eq!(list[0]["note"], "codes in the safe");
    ok(&twofold(&vault, &["favourite", "--remove", "aws-prod"]));
    ok(&twofold(&vault, &["note", "aws-prod", ""]));
    let list: serde_json::Value =
        serde_json::from_str(&ok(&twofold(&vault, &["list", "--json"]))).unwrap();
    assert_eq!(
        (&list[0]["favourite"], &list[0]["note"]),
        (&false.into(), &"".into())
    );
    // A note past the cap is refused and the old one stays.
    let long = "x".repeat(2001);
    assert!(err(&twofold(&vault, &["note", "aws-prod", &long])).contains("at most 2000"));
}

#[test]
fn move_sets_the_order_the_app_shows_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    for name in ["a", "b", "c"] {
        ok(&twofold(&vault, &["add", "--uri", AWS_URI, "--name", name]));
    }
    assert_eq!(
        ok(&twofold(&vault, &["move", "c", "1"])).trim(),
        "c is now number 1 of 3"
    );
    let names = |v: &std::path::Path| -> Vec<String> {
        let list: serde_json::Value =
            serde_json::from_str(&ok(&twofold(v, &["list", "--json"]))).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&vault), ["c", "a", "b"]);
    // Past the end is last; 0 is refused before anything is opened.
    ok(&twofold(&vault, &["move", "c", "9"]));
    assert_eq!(names(&vault), ["a", "b", "c"]);
    assert!(err(&twofold(&vault, &["move", "a", "0"])).contains("0"));
    assert!(err(&twofold(&vault, &["move", "nope", "1"])).contains("nope"));
}

#[test]
fn list_and_code_json_are_the_views_the_app_shows() {
    use twofold_core::vault::{AwsLink, AwsStatus, Unlock, Vault};
    use twofold_core::view::{AccountSummary, CodeView};

    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    ok(&twofold(
        &vault,
        &["add", "--uri", AWS_URI, "--name", "aws-prod"],
    ));
    ok(&twofold(
        &vault,
        &[
            "add",
            "--uri",
            "otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7",
        ],
    ));
    // What `twofold aws enroll` records; the enrollment itself runs against the IAM emulator in
    // the root tests/ suite.
    let open = || Vault::open(&vault, &Unlock::Password("test password")).unwrap();
    open()
        .update(|d| {
            let a = d
                .accounts
                .iter_mut()
                .find(|a| a.name == "aws-prod")
                .unwrap();
            a.aws = Some(AwsLink {
                account_id: "123456789012".into(),
                user_name: "alice".into(),
                user_arn: "arn:aws:iam::123456789012:user/alice".into(),
                serial: "arn:aws:iam::123456789012:mfa/alice".into(),
                profile: Some("work".into()),
                status: AwsStatus::Active,
            });
            Ok(())
        })
        .unwrap();

    let list: serde_json::Value =
        serde_json::from_str(&ok(&twofold(&vault, &["list", "--json"]))).unwrap();
    let views: Vec<_> = open().accounts().iter().map(AccountSummary::from).collect();
    assert_eq!(list, serde_json::to_value(&views).unwrap());
    let mut keys: Vec<_> = list[0].as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "account",
            "algorithm",
            "aws",
            "counter",
            "created",
            "digits",
            "favourite",
            "icon",
            "id",
            "issuer",
            "kind",
            "lastUsed",
            "name",
            "note",
            "period",
            "tags",
            "uses"
        ]
    );
    assert_eq!(
        list[0]["aws"]["serial"],
        "arn:aws:iam::123456789012:mfa/alice"
    );
    assert_eq!(list[0]["aws"]["profile"], "work");
    assert_eq!(list[0]["aws"]["active"], true);
    assert_eq!(
        (&list[1]["kind"], &list[1]["counter"]),
        (&"hotp".into(), &7.into())
    );
    assert_eq!(list[1]["aws"], serde_json::Value::Null);

    // RFC 6238 at T = 1111111109: one second left, so the next code is previewed.
    let code: serde_json::Value = serde_json::from_str(&ok(&twofold(
        &vault,
        &["code", "aws-prod", "--at", "1111111109", "--json"],
    )))
    .unwrap();
    let v = open();
    let account = v.find("aws-prod").unwrap();
    let view = CodeView::of_account(account, account.otp.code_at(1111111109), 1111111109);
    assert_eq!(code, serde_json::to_value(&view).unwrap());
    assert_eq!(code["name"], "aws-prod");
    assert_eq!(code["code"], "081804");
    assert_eq!(
        (&code["validUntil"], &code["now"]),
        (&1111111110.into(), &1111111109.into())
    );
    assert_eq!(code["next"], account.otp.code_at(1111111110).code.as_str());

    // HOTP: the code taken, no window (period 0), the counter moved on.
    let code: serde_json::Value =
        serde_json::from_str(&ok(&twofold(&vault, &["code", "Corp:bob", "--json"]))).unwrap();
    assert_eq!(
        (&code["name"], &code["period"]),
        (&"Corp:bob".into(), &0.into())
    );
    assert_eq!(code["next"], serde_json::Value::Null);
    let list: serde_json::Value =
        serde_json::from_str(&ok(&twofold(&vault, &["list", "--json"]))).unwrap();
    assert_eq!(list[1]["counter"], 8);
    assert!(list[1]["lastUsed"].is_u64(), "{list}");
}

#[test]
fn import_adds_every_good_entry_once_and_names_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    let file = dir.path().join("export.txt");
    std::fs::write(
        &file,
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME\n\
         otpauth://totp/Broken?secret=JBSWY3DPEHPK3PX1\n\
         otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQ&counter=3\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();

    // A dry run changes nothing, not even by creating the vault.
    let dry: serde_json::Value = serde_json::from_str(&ok(&twofold(
        &vault,
        &["import", path, "--dry-run", "--json"],
    )))
    .unwrap();
    assert_eq!(dry["format"], "uri-list");
    assert_eq!(dry["dryRun"], true);
    assert_eq!(dry["imported"].as_array().unwrap().len(), 2);
    assert!(!vault.exists());

    let out = twofold(&vault, &["import", path, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    let imported: Vec<_> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["entry"].as_u64().unwrap(),
                a["name"].as_str().unwrap(),
                a["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        imported,
        [(1, "ACME:alice", "totp"), (3, "Corp:bob", "hotp")]
    );
    assert_eq!(report["skipped"][0]["entry"], 2);
    assert_eq!(report["skipped"][0]["label"], "Broken");
    assert!(
        !report.to_string().contains("JBSWY3DP"),
        "no secret in the report"
    );
    let list = ok(&twofold(&vault, &["list"]));
    assert!(
        list.contains("ACME:alice") && list.contains("Corp:bob"),
        "{list}"
    );

    // Importing the same file again adds nothing and says where each account already is.
    let again = twofold(&vault, &["import", path]);
    let stdout = ok(&again);
    assert!(stdout.starts_with("imported 0 of 3 entries"), "{stdout}");
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("entry 1, ACME:alice: already in the vault"),
        "{stderr}"
    );
    assert_eq!(ok(&twofold(&vault, &["list"])).lines().count(), 2);
}

#[test]
fn a_dry_run_reports_entries_repeated_within_the_file_as_the_import_does() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    let file = dir.path().join("export.txt");
    std::fs::write(
        &file,
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME\n\
         otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME\n\
         otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQ&counter=3\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let entries = |report: &serde_json::Value, key: &str| -> Vec<u64> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["entry"].as_u64().unwrap())
            .collect()
    };
    let dry: serde_json::Value = serde_json::from_str(&ok(&twofold(
        &vault,
        &["import", path, "--dry-run", "--json"],
    )))
    .unwrap();
    assert_eq!(entries(&dry, "imported"), [1, 3]);
    assert_eq!(entries(&dry, "skipped"), [2]);
    assert_eq!(dry["skipped"][0]["reason"], "repeats entry 1 of the file");
    let done: serde_json::Value =
        serde_json::from_str(&ok(&twofold(&vault, &["import", path, "--json"]))).unwrap();
    assert_eq!(entries(&done, "imported"), [1, 3]);
    assert_eq!(entries(&done, "skipped"), [2]);
    assert_eq!(
        done["skipped"][0]["reason"],
        "already in the vault as \"ACME:alice\""
    );
}

#[test]
fn an_unreadable_export_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    ok(&twofold(&vault, &["add", "--uri", AWS_URI]));
    let before = std::fs::read(&vault).unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(
        &file,
        "my shopping list\notpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n",
    )
    .unwrap();
    let msg = err(&twofold(&vault, &["import", file.to_str().unwrap()]));
    assert!(msg.contains("not an export Twofold can read"), "{msg}");
    assert!(
        msg.contains("--from FORMAT (") && msg.contains("uri-list"),
        "{msg}"
    );
    let msg = err(&twofold(
        &vault,
        &["import", file.to_str().unwrap(), "--from", "aegis-ish"],
    ));
    assert!(msg.contains("uri-list"), "the formats are listed: {msg}");
    let msg = err(&twofold(&vault, &["import", "/no/such/file"]));
    assert!(msg.contains("/no/such/file"), "{msg}");
    assert_eq!(
        std::fs::read(&vault).unwrap(),
        before,
        "the vault is untouched"
    );
}

fn twofold_with_stdin(vault: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(args)
        .env("TWOFOLD_VAULT", vault)
        .env("TWOFOLD_PASSWORD", "test password")
        .env("TWOFOLD_NO_KEYRING", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn an_encrypted_export_needs_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    // An Aegis file with one password slot; all zeros, so no password opens it.
    let zeros = |n: usize| "00".repeat(n);
    let aegis = serde_json::json!({
        "version": 1,
        "header": {
            "slots": [{
                "type": 1, "uuid": "0", "key": zeros(32), "salt": zeros(32),
                "n": 1024, "r": 8, "p": 1,
                "key_params": {"nonce": zeros(12), "tag": zeros(16)},
            }],
            "params": {"nonce": zeros(12), "tag": zeros(16)},
        },
        "db": "AAAAAAAA",
    });
    let file = dir.path().join("aegis.json");
    std::fs::write(&file, aegis.to_string()).unwrap();
    let path = file.to_str().unwrap();

    let msg = err(&twofold_with_stdin(&vault, &["import", path], ""));
    assert!(msg.contains("Aegis export is encrypted"), "{msg}");
    assert!(
        msg.contains("--password-stdin"),
        "the hint says how to give it: {msg}"
    );
    let msg = err(&twofold_with_stdin(
        &vault,
        &["import", path, "--password-stdin"],
        "not it\n",
    ));
    assert!(msg.contains("wrong password for the Aegis export"), "{msg}");
    assert!(!vault.exists(), "nothing was created");

    // A real Aegis export (other projects' test data beside the repository), when present.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/import-samples/aegis/aegis_encrypted.json");
    if !sample.exists() {
        eprintln!(
            "no sample at {}: the real export is not tried",
            sample.display()
        );
        return;
    }
    let out = twofold_with_stdin(
        &vault,
        &[
            "import",
            sample.to_str().unwrap(),
            "--password-stdin",
            "--json",
        ],
        "test\n",
    );
    let report: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(report["format"], "aegis");
    assert_eq!(report["imported"].as_array().unwrap().len(), 7, "{report}");
    assert_eq!(ok(&twofold(&vault, &["list"])).lines().count(), 7);
}

/// Real binary and zipped exports of other apps (beside the repository, when present) go through
/// the CLI as they do through core: detected from their bytes, opened with the piped password,
/// bad entries named.
#[test]
fn binary_and_zipped_samples_import_through_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/import-samples");
    if !root.join("expected.jsonl").exists() {
        eprintln!("no samples at {}: skipped", root.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A vault per file: several samples hold the same accounts, which a second import skips.
    let vault = |file: &str| dir.path().join(file.replace('/', "_"));
    let import = |file: &str, password: &str| -> serde_json::Value {
        let path = root.join(file);
        let out = twofold_with_stdin(
            &vault(file),
            &[
                "import",
                path.to_str().unwrap(),
                "--password-stdin",
                "--json",
            ],
            &format!("{password}\n"),
        );
        serde_json::from_str(&ok(&out)).unwrap()
    };
    // FreeOTP 2: a Java object stream, PBKDF2 + AES-GCM.
    let report = import("freeotp/freeotp_v2_api34.xml", "test");
    assert_eq!(report["format"], "freeotp");
    assert_eq!(report["imported"].as_array().unwrap().len(), 6, "{report}");
    // Raivo: WinZip AES; both of its tokens have secrets that are not base32.
    let report = import("gnome_authenticator/raivootp.zip", "RaivoTest123");
    assert_eq!(report["format"], "raivo");
    assert_eq!(report["skipped"].as_array().unwrap().len(), 2, "{report}");
    // Authenticator Plus: ZipCrypto.
    let plus = "authenticator_plus/authenticator_plus.zip";
    let report = import(plus, "testtesttest");
    assert_eq!(report["format"], "authenticator-plus");
    assert_eq!(ok(&twofold(&vault(plus), &["list"])).lines().count(), 7);
    let msg = err(&twofold_with_stdin(
        &vault("winauth"),
        &[
            "import",
            root.join("winauth/stratum/winauth.zip").to_str().unwrap(),
            "--password-stdin",
        ],
        "nope\n",
    ));
    assert!(
        msg.contains("wrong password for the WinAuth export"),
        "{msg}"
    );
}

/// Each account's name and otpauth URI (secret and HOTP counter included), in list order.
fn revealed(vault: &Path) -> Vec<(String, String)> {
    let list: serde_json::Value =
        serde_json::from_str(&ok(&twofold(vault, &["list", "--json"]))).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let name = a["name"].as_str().unwrap().to_string();
            let uri = ok(&twofold(vault, &["reveal", &name])).trim().to_string();
            (name, uri)
        })
        .collect()
}

#[test]
fn an_export_imports_into_a_fresh_vault_as_the_same_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    ok(&twofold(&vault, &["add", "--uri", AWS_URI]));
    ok(&twofold(
        &vault,
        &[
            "add",
            "--uri",
            "otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0&digits=8",
        ],
    ));
    // Uses up HOTP counter 0, so the export must carry counter 1.
    ok(&twofold(&vault, &["code", "Corp:bob"]));
    let want = revealed(&vault);
    assert_eq!(want.len(), 2);
    assert!(want[1].1.contains("counter=1"), "{want:?}");

    for (format, password) in [
        ("twofold", Some("export pw\n")),
        ("aegis", Some("export pw\n")),
        ("aegis-plain", None),
        ("uri-list", None),
    ] {
        let file = dir.path().join(format!("export-{format}"));
        let file = file.to_str().unwrap();
        let args = ["export", "--format", format, "-o", file];
        let out = match password {
            Some(pw) => {
                let mut args = args.to_vec();
                args.push("--password-stdin");
                twofold_with_stdin(&vault, &args, pw)
            }
            None => twofold(&vault, &args),
        };
        assert!(ok(&out).contains("exported 2 accounts"), "{format}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.contains("NOT encrypted"),
            password.is_none(),
            "{format}: {stderr}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{format}");
        }

        let fresh = dir.path().join(format!("fresh-{format}.json"));
        let mut import = vec!["import", file, "--json"];
        let report = match password {
            Some(pw) => {
                import.push("--password-stdin");
                ok(&twofold_with_stdin(&fresh, &import, pw))
            }
            None => ok(&twofold(&fresh, &import)),
        };
        let report: serde_json::Value = serde_json::from_str(&report).unwrap();
        assert_eq!(report["imported"].as_array().unwrap().len(), 2, "{report}");
        assert_eq!(revealed(&fresh), want, "{format}");
    }

    // Restoring a backup into the vault it came from adds nothing and stops on nothing, even
    // for an account whose name is not the default one.
    ok(&twofold(&vault, &["rename", "Corp:bob", "bob's token"]));
    ok(&twofold_with_stdin(
        &vault,
        &[
            "export",
            "-o",
            dir.path().join("again").to_str().unwrap(),
            "--password-stdin",
        ],
        "export pw\n",
    ));
    let again = ok(&twofold_with_stdin(
        &vault,
        &[
            "import",
            dir.path().join("again").to_str().unwrap(),
            "--password-stdin",
            "--json",
        ],
        "export pw\n",
    ));
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again["imported"].as_array().unwrap().len(), 0, "{again}");
    assert_eq!(again["skipped"].as_array().unwrap().len(), 2, "{again}");
    assert_eq!(revealed(&vault).len(), 2);
}

#[test]
fn export_refuses_to_overwrite_and_encrypted_formats_need_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    ok(&twofold(&vault, &["add", "--uri", AWS_URI]));
    let file = dir.path().join("accounts.txt");
    std::fs::write(&file, "keep me").unwrap();
    let path = file.to_str().unwrap();

    let msg = err(&twofold(
        &vault,
        &["export", "--format", "uri-list", "-o", path],
    ));
    assert!(msg.contains("--force"), "{msg}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    ok(&twofold(
        &vault,
        &["export", "--format", "uri-list", "-o", path, "--force"],
    ));
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .starts_with("otpauth://totp/"));

    // The paper backup: plain, so it warns, and readable by the owner only.
    let page = dir.path().join("paper.html");
    let out = twofold(
        &vault,
        &["export", "--format", "html", "-o", page.to_str().unwrap()],
    );
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOT encrypted"));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<svg") && html.contains("GEZD GNBV"),
        "{html}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&page).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // No terminal and no --password-stdin: nothing to encrypt with.
    let sealed = dir.path().join("aegis.json");
    let msg = err(&twofold_with_stdin(
        &vault,
        &[
            "export",
            "--format",
            "aegis",
            "-o",
            sealed.to_str().unwrap(),
        ],
        "",
    ));
    assert!(msg.contains("needs a password"), "{msg}");
    let msg = err(&twofold_with_stdin(
        &vault,
        &[
            "export",
            "--format",
            "aegis",
            "-o",
            sealed.to_str().unwrap(),
            "--password-stdin",
        ],
        "\n",
    ));
    assert!(msg.contains("empty"), "{msg}");
    assert!(!sealed.exists());
    // The default is the Twofold backup, which is encrypted.
    let msg = err(&twofold_with_stdin(
        &vault,
        &["export", "-o", sealed.to_str().unwrap()],
        "",
    ));
    assert!(msg.contains("Twofold backup needs a password"), "{msg}");
    let msg = err(&twofold(&vault, &["export", "--format", "csv", "-o", path]));
    assert!(msg.contains("aegis-plain"), "the formats are listed: {msg}");
}

/// `twofold backup status --json`.
fn backup_status(vault: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(&twofold(vault, &["backup", "status", "--json"]))).unwrap()
}

/// This vault's automatic backups in `folder`, by name.
fn backups_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("twofold-") && n.ends_with(".twofold"))
        .collect();
    names.sort();
    names
}

#[test]
fn backups_follow_every_change_and_keep_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("notes.txt"), "not ours").unwrap();
    ok(&twofold(
        &vault,
        &["add", "--uri", AWS_URI, "--name", "aws"],
    ));
    assert_eq!(backup_status(&vault), serde_json::json!({"on": false}));

    // A missing folder is refused and turns nothing on.
    let missing = dir.path().join("nope");
    let msg = err(&twofold_with_stdin(
        &vault,
        &[
            "backup",
            "on",
            "--folder",
            missing.to_str().unwrap(),
            "--password-stdin",
        ],
        "backup pw\n",
    ));
    assert!(msg.contains("does not exist"), "{msg}");
    assert_eq!(backup_status(&vault)["on"], false);

    ok(&twofold_with_stdin(
        &vault,
        &[
            "backup",
            "on",
            "--folder",
            folder.to_str().unwrap(),
            "--keep",
            "2",
            "--password-stdin",
        ],
        "backup pw\n",
    ));
    // Turning backups on is a change: its backup is the first.
    let first = backups_in(&folder);
    assert_eq!(first.len(), 1, "{first:?}");
    let status = backup_status(&vault);
    assert_eq!(
        (status["on"].clone(), status["keep"].clone()),
        (true.into(), 2.into())
    );
    assert_eq!(status["due"], false);
    assert!(status["last"]["path"]
        .as_str()
        .unwrap()
        .ends_with(&first[0]));

    // A command that changes nothing writes nothing.
    ok(&twofold(&vault, &["list"]));
    assert_eq!(backups_in(&folder), first);

    // Each change writes one; only the newest two of ours stay, notes.txt too.
    ok(&twofold(
        &vault,
        &[
            "add",
            "--uri",
            "otpauth://totp/Corp:bob?secret=JBSWY3DPEHPK3PXP&issuer=Corp",
        ],
    ));
    ok(&twofold(&vault, &["rename", "aws", "aws-prod"]));
    let names = backups_in(&folder);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.contains(&first[0]));
    assert_eq!(
        std::fs::read_to_string(folder.join("notes.txt")).unwrap(),
        "not ours"
    );

    let newest = folder.join(names.iter().max_by_key(|n| generation_of(n)).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&newest).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let file = newest.to_str().unwrap();
    let report: serde_json::Value = serde_json::from_slice(
        &twofold_with_stdin(
            &vault,
            &["import", "--dry-run", "--json", file, "--password-stdin"],
            "backup pw\n",
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(report["format"], "twofold");
    // Both accounts are in the backup, and the vault holds both.
    assert_eq!(report["skipped"].as_array().unwrap().len(), 2, "{report}");
    let wrong = twofold_with_stdin(
        &vault,
        &["import", "--dry-run", file, "--password-stdin"],
        "nope\n",
    );
    assert!(err(&wrong).contains("wrong password"));

    ok(&twofold(&vault, &["backup", "off"]));
    ok(&twofold(&vault, &["remove", "Corp:bob"]));
    assert_eq!(
        backups_in(&folder),
        names,
        "off writes nothing and deletes nothing"
    );
    assert!(err(&twofold(&vault, &["backup", "now"])).contains("backups are off"));
}

fn generation_of(name: &str) -> u64 {
    name.rsplit_once("-g")
        .and_then(|(_, g)| g.strip_suffix(".twofold"))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn restore_merges_or_replaces_and_replace_needs_a_yes() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    ok(&twofold(
        &vault,
        &["add", "--uri", AWS_URI, "--name", "aws"],
    ));
    ok(&twofold(
        &vault,
        &[
            "add",
            "--uri",
            "otpauth://hotp/Corp:bob?secret=JBSWY3DPEHPK3PXP&counter=0",
        ],
    ));
    ok(&twofold_with_stdin(
        &vault,
        &[
            "backup",
            "on",
            "--folder",
            folder.to_str().unwrap(),
            "--password-stdin",
        ],
        "backup pw\n",
    ));
    let backup = folder.join(&backups_in(&folder)[0]);
    let file = backup.to_str().unwrap();

    // Merge: what was removed comes back, the rest is skipped.
    ok(&twofold(&vault, &["remove", "aws"]));
    let out = twofold_with_stdin(
        &vault,
        &["restore", file, "--password-stdin", "--json"],
        "backup pw\n",
    );
    let r: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(
        (r["added"].clone(), r["held"].clone(), r["total"].clone()),
        (1.into(), 1.into(), 2.into())
    );
    assert!(ok(&twofold(&vault, &["list"])).contains("aws"));

    // Replace: refused without a terminal unless --yes, and nothing changes.
    ok(&twofold(&vault, &["code", "Corp:bob"]));
    ok(&twofold(&vault, &["code", "Corp:bob"]));
    ok(&twofold(
        &vault,
        &[
            "add",
            "--uri",
            "otpauth://totp/New:carol?secret=MFRGGZDFMZTWQ2LK&issuer=New",
        ],
    ));
    let before = std::fs::read(&vault).unwrap();
    let msg = err(&twofold_with_stdin(
        &vault,
        &["restore", file, "--replace", "--password-stdin"],
        "backup pw\n",
    ));
    assert!(msg.contains("--yes"), "{msg}");
    assert_eq!(
        std::fs::read(&vault).unwrap(),
        before,
        "the vault is untouched"
    );
    let msg = err(&twofold_with_stdin(
        &vault,
        &["restore", file, "--replace", "--yes", "--password-stdin"],
        "wrong\n",
    ));
    assert!(msg.contains("wrong password"), "{msg}");
    assert_eq!(
        std::fs::read(&vault).unwrap(),
        before,
        "the vault is untouched"
    );

    let out = twofold_with_stdin(
        &vault,
        &[
            "restore",
            file,
            "--replace",
            "--yes",
            "--password-stdin",
            "--json",
        ],
        "backup pw\n",
    );
    let r: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(
        (r["added"].clone(), r["held"].clone(), r["removed"].clone()),
        (0.into(), 2.into(), 1.into())
    );
    let list = ok(&twofold(&vault, &["list"]));
    assert!(
        !list.contains("New:carol") && list.contains("aws"),
        "{list}"
    );
    // The HOTP counter did not go back to the backup's 0: the next code is the third.
    let third = ok(&twofold(
        &vault,
        &[
            "code",
            "--uri",
            "otpauth://hotp/Corp:bob?secret=JBSWY3DPEHPK3PXP&counter=2",
        ],
    ));
    assert_eq!(ok(&twofold(&vault, &["code", "Corp:bob"])), third);
    // The state before the replace is the .bak.
    let bak = dir.path().join("vault.json.bak");
    assert!(std::fs::read(&bak).is_ok());
}

// Issue 16: a secret never has to be on the command line. While `twofold add --uri -` waits on
// standard input, its command line (as /proc and ps show it to every user) holds no seed.
#[cfg(target_os = "linux")]
#[test]
fn add_uri_from_stdin_keeps_the_seed_out_of_the_command_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let mut child = Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(["add", "--uri", "-", "--name", "piped"])
        .env("TWOFOLD_VAULT", &vault)
        .env("TWOFOLD_PASSWORD", "test password")
        .env("TWOFOLD_NO_KEYRING", "1")
        .env("TWOFOLD_STATE_DIR", vault.with_file_name("state"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The child cannot finish before its standard input closes. spawn() returns as exec
    // begins, and the kernel sets the new command line a moment later (it reads as empty
    // until then): wait for it, bounded. Once set, it is the one of the waiting process.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let cmdline = loop {
        let raw = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
        if !raw.is_empty() {
            break String::from_utf8_lossy(&raw).replace('\0', " ");
        }
        assert_eq!(
            child.try_wait().unwrap(),
            None,
            "it waits for standard input"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "no command line after 10 s"
        );
        std::thread::yield_now();
    };
    assert!(cmdline.contains("add --uri - --name piped"), "{cmdline}");
    assert!(
        !cmdline.contains(seed) && !cmdline.contains("otpauth"),
        "{cmdline}"
    );
    let ps = Command::new("ps")
        .args(["-ww", "-o", "args=", "-p", &child.id().to_string()])
        .output()
        .unwrap();
    let ps = String::from_utf8_lossy(&ps.stdout);
    assert!(ps.contains("--uri -"), "ps shows the process: {ps:?}");
    assert!(!ps.contains(seed), "{ps}");
    assert_eq!(
        child.try_wait().unwrap(),
        None,
        "it waits for standard input"
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{AWS_URI}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("warning"),
        "the safe form does not warn"
    );
    let list = ok(&twofold(&vault, &["list", "--json"]));
    assert!(list.contains("\"piped\""), "{list}");
    // The code is the one of the seed that came through standard input.
    let from_vault = ok(&twofold(&vault, &["code", "piped", "--at", "1111111109"]));
    let from_uri = ok(&twofold(
        &vault,
        &["code", "--uri", AWS_URI, "--at", "1111111109"],
    ));
    assert_eq!(from_vault, from_uri);
}

#[test]
fn a_uri_from_a_file_works_and_one_on_the_command_line_warns() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    let file = dir.path().join("uri.txt");
    std::fs::write(&file, format!("{AWS_URI}\n")).unwrap();
    let file = file.to_str().unwrap();
    let out = twofold(&vault, &["add", "--uri-file", file, "--name", "from-file"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
    let by_file = twofold(&vault, &["code", "--uri-file", file, "--at", "1111111109"]);
    assert!(!String::from_utf8_lossy(&by_file.stderr).contains("warning"));
    let by_arg = twofold(&vault, &["code", "--uri", AWS_URI, "--at", "1111111109"]);
    assert_eq!(ok(&by_file), ok(&by_arg));
    let warning = String::from_utf8_lossy(&by_arg.stderr);
    assert!(
        warning.contains("warning: --uri on the command line is visible to other users")
            && warning.contains("--uri -"),
        "{warning}"
    );
    let out = twofold(&vault, &["add", "--uri", AWS_URI, "--name", "from-arg"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("visible to other users"));
    // An empty file is an error, not an empty URI.
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n").unwrap();
    let e = err(&twofold(
        &vault,
        &["add", "--uri-file", empty.to_str().unwrap()],
    ));
    assert!(e.contains("held no URI"), "{e}");
    // --uri and --uri-file together are refused by the parser.
    let both = twofold(&vault, &["add", "--uri", "-", "--uri-file", file]);
    assert!(!both.status.success());
}

// See: issue 16 ("Checked arithmetic"): `--at` near u64::MAX overflowed the end of the code's
// window, and an HOTP counter of u64::MAX overflowed when the code was taken.
#[test]
fn issue16_times_and_counters_at_their_limits_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.json");
    ok(&twofold(
        &vault,
        &["add", "--uri", AWS_URI, "--name", "aws"],
    ));
    for at in [
        "18446744073709551615",
        "18446744073709551600",
        "253402300800",
    ] {
        for args in [
            vec!["code", "aws", "--at", at],
            vec!["code", "--uri", AWS_URI, "--at", at, "--json"],
        ] {
            let e = err(&twofold(&vault, &args));
            assert!(
                e.contains("--at") && e.contains("253402300799"),
                "{at}: {e}"
            );
            assert!(!e.contains("panicked"), "{e}");
        }
    }
    // The last second of the year 9999 still has a code, and the window after it.
    let json: serde_json::Value = serde_json::from_str(&ok(&twofold(
        &vault,
        &["code", "aws", "--at", "253402300799", "--json"],
    )))
    .unwrap();
    assert_eq!(json["validUntil"], 253402300800u64);

    let max = "otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Corp&counter=18446744073709551615";
    ok(&twofold(&vault, &["add", "--uri", max, "--name", "hotp"]));
    for _ in 0..2 {
        let e = err(&twofold(&vault, &["code", "hotp"]));
        assert!(e.contains("counter") && e.contains("hotp"), "{e}");
        assert!(!e.contains("panicked"), "{e}");
    }
    // Looking at the code of the last counter uses nothing up.
    assert_eq!(
        ok(&twofold(&vault, &["code", "--uri", max])).trim().len(),
        6
    );
}
