//! IPC tests on Tauri's mock runtime: the commands run as the window would call them, against
//! a real vault file in a temp dir whose keyring slot lives in a `MemoryStore`.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager as _, WebviewWindow, WebviewWindowBuilder};
use twofold_core::fido::sim::SimState;
use twofold_core::vault::MemoryStore;

use crate::fido::FidoState;
use crate::{build, AppState};

// RFC 6238's SHA1 seed "12345678901234567890" in base32.
const SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const URI: &str = "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example";

/// The app on the mock runtime: a vault in a temp dir (keyring slot in a `MemoryStore`) and a
/// simulated security key in the same dir, so every command (FIDO ones included) can run.
pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    _app: App<MockRuntime>,
    pub(crate) window: WebviewWindow<MockRuntime>,
}

/// A fixture whose vault exists (keyring slot and a recovery key), as after the first run:
/// `vault_status` opens it through the keyring.
pub(crate) fn fixture() -> Fixture {
    fixture_with_vault(true)
}

pub(crate) fn fixture_with_vault(vault: bool) -> Fixture {
    fixture_verified_by(vault, Box::new(crate::os_verify::Unsupported))
}

/// A fixture whose OS verification is `verifier`.
pub(crate) fn fixture_verified_by(
    vault: bool,
    verifier: Box<dyn crate::os_verify::OsVerifier>,
) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.json");
    SimState::fresh(now_ms()).save(&key).unwrap();
    let store = MemoryStore::default();
    let path = dir.path().join("vault.json");
    if vault {
        twofold_core::vault::Vault::create_with_recovery_key(&path, Some(&store)).unwrap();
    }
    let state = AppState::new(path, Box::new(store))
        .with_state_dir(dir.path().join("state"))
        .with_os_verifier(verifier);
    let app = build(mock_builder())
        .manage(state)
        .manage(FidoState::from_simulator(Some(key)))
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Fixture {
        dir,
        _app: app,
        window,
    }
}

pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// `cmd` invoked on `window` as the web view would, with `args` as JSON (usable from another
/// thread, with a clone of the window).
pub(crate) fn invoke_on(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    request(window, cmd, InvokeBody::Json(args), Default::default())
}

/// `cmd` invoked with `body` and `headers`, as `invoke(cmd, body, { headers })` does.
pub(crate) fn request(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: InvokeBody,
    headers: tauri::http::HeaderMap,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body,
        headers,
        invoke_key: tauri::test::INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|b| b.deserialize::<Value>().unwrap())
}

impl Fixture {
    pub(crate) fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke_on(&self.window, cmd, args)
    }

    /// Invokes `cmd` with a raw body (an image's bytes) and headers, as `invoke(cmd, bytes)` does.
    fn invoke_raw(&self, cmd: &str, body: Vec<u8>, name: &str) -> Result<Value, Value> {
        let mut headers = tauri::http::HeaderMap::new();
        headers.insert(
            crate::commands::scan::FILE_NAME_HEADER,
            name.parse().unwrap(),
        );
        request(&self.window, cmd, InvokeBody::Raw(body), headers)
    }

    pub(crate) fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

// See: issue "never lose a seed". The first run creates nothing by itself: the user chooses a
// password or a recovery key, and the recovery key comes back once, then opens the vault.
#[test]
fn first_run_asks_and_a_recovery_key_opens_the_vault() {
    let f = fixture_with_vault(false);
    let status = f.ok("vault_status", json!({}));
    assert_eq!(status["state"], "absent");
    assert!(!f.dir.path().join("vault.json").exists());
    let created = f.ok(
        "vault_create",
        json!({ "password": null, "recoveryKey": true }),
    );
    assert_eq!(created["status"]["state"], "unlocked");
    assert_eq!(created["status"]["keyringSlot"], true);
    assert_eq!(created["status"]["recoverySlot"], true);
    let key = created["recoveryKey"].as_str().unwrap().to_string();
    assert_eq!(key.split('-').count(), 14);
    let file = f.dir.path().join("key.txt");
    let saved = f.ok("vault_recovery_key_save", json!({ "path": file }));
    assert_eq!(saved, json!(file.display().to_string()));
    assert!(std::fs::read_to_string(&file).unwrap().contains(&key));
    f.ok("vault_recovery_key_done", json!({}));
    assert!(f
        .invoke("vault_recovery_key_save", json!({ "path": null }))
        .is_err());

    f.ok("vault_lock", json!({}));
    let wrong = f
        .invoke(
            "vault_unlock",
            json!({ "password": null, "recoveryKey": "AAAA-BBBB", "acceptRollback": false }),
        )
        .unwrap_err();
    assert_eq!(wrong["kind"], "invalidInput");
    assert!(wrong["message"].as_str().unwrap().contains("mistyped"));
    let open = f.ok(
        "vault_unlock",
        json!({ "password": null, "recoveryKey": key, "acceptRollback": false }),
    );
    assert_eq!(open["state"], "unlocked");
    // A password set in Settings rotates the key; the recovery key still opens it.
    let st = f.ok(
        "vault_password_set",
        json!({ "password": "a new password" }),
    );
    assert_eq!(st["passwordSlot"], true);
    f.ok("vault_lock", json!({}));
    let open = f.ok(
        "vault_unlock",
        json!({ "password": null, "recoveryKey": key, "acceptRollback": false }),
    );
    assert_eq!(open["state"], "unlocked");

    // A new recovery key rotates the master key, re-wrapped under the password: it is needed
    // and checked; then the old key opens nothing.
    let err = f
        .invoke("vault_recovery_key_add", json!({ "password": null }))
        .unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert!(err["message"].as_str().unwrap().contains("password"));
    let err = f
        .invoke("vault_recovery_key_add", json!({ "password": "not it" }))
        .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("wrong password"));
    let shown = f.ok(
        "vault_recovery_key_add",
        json!({ "password": "a new password" }),
    );
    let new_key = shown["recoveryKey"].as_str().unwrap().to_string();
    assert_ne!(new_key, key);
    f.ok("vault_recovery_key_done", json!({}));
    f.ok("vault_lock", json!({}));
    let old = f
        .invoke(
            "vault_unlock",
            json!({ "password": null, "recoveryKey": key, "acceptRollback": false }),
        )
        .unwrap_err();
    assert!(old["message"]
        .as_str()
        .unwrap()
        .contains("wrong recovery key"));
    let open = f.ok(
        "vault_unlock",
        json!({ "password": "a new password", "recoveryKey": null, "acceptRollback": false }),
    );
    assert_eq!(open["state"], "unlocked");
    let st = f.ok(
        "vault_recovery_key_remove",
        json!({ "password": "a new password" }),
    );
    assert_eq!(st["recoverySlot"], false);
}

// An older copy of the vault is not opened silently: the status says which generations, and
// unlocking with acceptRollback opens it.
#[test]
fn a_rolled_back_vault_waits_for_confirmation() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let path = f.dir.path().join("vault.json");
    let old = f.dir.path().join("old.json");
    std::fs::copy(&path, &old).unwrap();
    f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }));
    f.ok("vault_lock", json!({}));
    std::fs::copy(&old, &path).unwrap();
    let keyring = json!({ "password": null, "recoveryKey": null, "acceptRollback": false });
    let st = f.ok("vault_unlock", keyring);
    assert_eq!(st["state"], "locked");
    assert_eq!(st["rolledBack"]["found"], 0);
    assert_eq!(st["rolledBack"]["seen"], 1);
    let st = f.ok(
        "vault_unlock",
        json!({ "password": null, "recoveryKey": null, "acceptRollback": true }),
    );
    assert_eq!(st["state"], "unlocked");
    assert_eq!(f.ok("accounts_list", json!({})), json!([]));
}

#[test]
fn commands_before_unlock_say_the_vault_is_locked() {
    let f = fixture();
    let err = f.invoke("accounts_list", json!({})).unwrap_err();
    assert_eq!(err["kind"], "vaultLocked");
}

#[test]
fn accounts_list_never_carries_secrets() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let added = f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }));
    assert_eq!(added["issuer"], "Example");
    assert_eq!(added["account"], "alice@example.com");
    assert_eq!(added["name"], "Example:alice@example.com");
    let list = f.ok("accounts_list", json!({}));
    let text = list.to_string();
    assert!(!text.contains(SEED), "{text}");
    assert!(!text.to_lowercase().contains("secret"), "{text}");
    assert!(!text.contains("otpauth"), "{text}");
    let keys: Vec<&str> = list[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
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
}

#[test]
fn bad_input_comes_back_as_invalid_input() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let err = f.invoke(
        "account_add_from_uri",
        json!({ "uri": "https://x", "name": null }),
    );
    let err = err.unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert!(
        err["message"].as_str().unwrap().contains("otpauth"),
        "{err}"
    );

    let manual = json!({ "input": {
        "issuer": "Site", "account": "bob", "secret": "JBSWY3DPEHPK3PX0",
        "kind": "totp", "algorithm": "SHA1", "digits": 6, "period": 30, "counter": 0 } });
    let err = f.invoke("account_add_manual", manual).unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert!(
        err["message"].as_str().unwrap().contains("letter O"),
        "{err}"
    );

    let missing = f
        .invoke("code_current", json!({ "id": "nope" }))
        .unwrap_err();
    assert_eq!(missing["kind"], "notFound");
}

#[test]
fn manual_add_edit_reveal_remove() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let manual = json!({ "input": {
        "issuer": "Site", "account": "bob", "secret": "jbsw y3dp ehpk 3pxp",
        "kind": "hotp", "algorithm": "SHA256", "digits": 8, "period": 30, "counter": 5 } });
    let a = f.ok("account_add_manual", manual);
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            a["kind"].clone(),
            a["algorithm"].clone(),
            a["counter"].clone()
        ),
        (json!("hotp"), json!("SHA256"), json!(5))
    );

    let next = f.ok("hotp_next", json!({ "id": id }));
    assert_eq!(next["code"].as_str().unwrap().len(), 8);
    assert_eq!(f.ok("accounts_list", json!({}))[0]["counter"], 6);

    let update = json!({ "id": id, "update": { "name": "Renamed", "issuer": null, "account": null, "tags": ["work"] } });
    let edited = f.ok("account_update", update);
    assert_eq!(
        (edited["name"].clone(), edited["tags"].clone()),
        (json!("Renamed"), json!(["work"]))
    );

    let revealed = f.ok("account_reveal", json!({ "id": id }));
    assert_eq!(revealed["secret"], "JBSWY3DPEHPK3PXP");
    assert!(revealed["uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://hotp/"));

    f.ok("account_remove", json!({ "id": id }));
    assert_eq!(f.ok("accounts_list", json!({})), json!([]));
}

#[test]
fn code_view_matches_core_and_previews_the_next_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.json");
    let keys = MemoryStore::default();
    let opts = twofold_core::vault::CreateOptions {
        keyring: Some(&keys),
        password: None,
        kdf: Default::default(),
    };
    let mut vault = twofold_core::vault::Vault::create(&path, &opts).unwrap();
    let uri = twofold_core::otp::uri::OtpUri::parse(URI).unwrap();
    let new = twofold_core::vault::NewAccount {
        uri,
        name: None,
        tags: vec![],
    };
    let id = vault.add(new, 0).unwrap();

    // RFC 6238 at T=59 (6 digits of 94287082): 1 s left in the period.
    let view = crate::commands::codes::current(&vault, &id.0, 59).unwrap();
    assert_eq!(view.code, "287082");
    assert_eq!(
        (view.valid_from, view.valid_until, view.period, view.now),
        (30, 60, 30, 59)
    );
    assert_eq!(
        view.next.as_deref(),
        Some(vault.code(&id.0, 60).unwrap().code.as_str())
    );

    // Mid-period: no preview yet.
    assert_eq!(
        crate::commands::codes::current(&vault, &id.0, 40)
            .unwrap()
            .next,
        None
    );
}

#[test]
fn code_pair_is_the_current_and_next_code() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let added = f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }));
    let id = added["id"].as_str().unwrap();
    let pair = f.ok("code_pair", json!({ "id": id }));
    let (c1, c2) = (
        pair["code1"].as_str().unwrap(),
        pair["code2"].as_str().unwrap(),
    );
    assert_eq!((c1.len(), c2.len()), (6, 6));
    assert_ne!(c1, c2);
    assert_eq!(pair["period"], 30);
    let left = pair["secondsLeft"].as_u64().unwrap();
    assert!((1..=30).contains(&left), "{pair}");
    let keys: Vec<&str> = pair
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["code1", "code2", "period", "secondsLeft"],
        "codes only, no secret"
    );

    let hotp = json!({ "input": {
        "issuer": "Site", "account": "bob", "secret": "JBSWY3DPEHPK3PXP",
        "kind": "hotp", "algorithm": "SHA1", "digits": 6, "period": 30, "counter": 0 } });
    let hotp_id = f.ok("account_add_manual", hotp)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let err = f.invoke("code_pair", json!({ "id": hotp_id })).unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
}

#[test]
fn code_pair_matches_core_at_a_known_time() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryStore::default();
    let opts = twofold_core::vault::CreateOptions {
        keyring: Some(&keys),
        password: None,
        kdf: Default::default(),
    };
    let mut vault =
        twofold_core::vault::Vault::create(&dir.path().join("vault.json"), &opts).unwrap();
    let uri = twofold_core::otp::uri::OtpUri::parse(URI).unwrap();
    let new = twofold_core::vault::NewAccount {
        uri,
        name: None,
        tags: vec![],
    };
    let id = vault.add(new, 0).unwrap();
    // RFC 6238 at T=59: step 1 is current (287082), step 2 is next; 1 s left.
    let pair = crate::commands::codes::pair(&vault, &id.0, 59).unwrap();
    assert_eq!(pair.code1, "287082");
    assert_eq!(pair.code2, vault.code(&id.0, 60).unwrap().code);
    assert_eq!(pair.seconds_left, 1);
}

#[test]
fn aws_commands_need_a_checked_connection() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    assert_eq!(f.ok("aws_pending", json!({})), json!([]));
    let calls = [
        ("aws_devices", json!({ "user": null })),
        (
            "aws_enroll_start",
            json!({ "user": null, "deviceName": "alice", "keepInTwofold": true, "onStep": "__CHANNEL__:7" }),
        ),
        (
            "aws_enroll_confirm",
            json!({ "accountId": "x", "codes": null, "onStep": "__CHANNEL__:7" }),
        ),
        ("aws_enroll_abort", json!({ "accountId": "x" })),
        (
            "aws_resync",
            json!({ "serial": "s", "user": "u", "codes": ["123456", "654321"] }),
        ),
        (
            "aws_deactivate",
            json!({ "serial": "s", "user": "u", "delete": true }),
        ),
    ];
    for (cmd, args) in calls {
        let err = f.invoke(cmd, args).unwrap_err();
        assert_eq!(err["kind"], "awsNotConnected", "{cmd}: {err}");
    }
    f.ok("aws_disconnect", json!({}));
}

#[test]
fn aws_pending_says_locked_before_unlock() {
    let f = fixture();
    let err = f.invoke("aws_pending", json!({})).unwrap_err();
    assert_eq!(err["kind"], "vaultLocked");
}

#[test]
fn pasted_keys_win_over_a_profile_and_are_checked() {
    use crate::commands::aws::connect_options;
    use crate::models::AwsCreds;
    let creds = |v: Value| serde_json::from_value::<AwsCreds>(v).unwrap();
    let pasted = creds(json!({
        "profile": "work", "accessKeyId": " AKIAEXAMPLE12345678 ", "secretAccessKey": "s3cret",
        "sessionToken": "  ", "region": null, "endpointUrl": "http://127.0.0.1:9" }));
    let opts = connect_options(&pasted).unwrap();
    assert_eq!(opts.profile, None);
    let keys = opts.static_keys.unwrap();
    assert_eq!(keys.access_key_id, "AKIAEXAMPLE12345678");
    assert_eq!(keys.secret_access_key.as_str(), "s3cret");
    assert!(keys.session_token.is_none());
    assert_eq!(opts.endpoint_url.as_deref(), Some("http://127.0.0.1:9"));
    assert!(!format!("{pasted:?}").contains("s3cret"));

    let profile = creds(json!({ "profile": "work" }));
    let opts = connect_options(&profile).unwrap();
    assert_eq!(opts.profile.as_deref(), Some("work"));
    assert!(opts.static_keys.is_none());

    let no_secret = creds(json!({ "accessKeyId": "AKIAEXAMPLE12345678" }));
    assert_eq!(
        connect_options(&no_secret).unwrap_err().kind,
        crate::error::ErrorKind::InvalidInput
    );
    let bad_url = creds(json!({ "endpointUrl": "iam.example.com" }));
    assert!(connect_options(&bad_url).is_err());
}

mod sessions_admin {
    use super::*;
    use crate::commands::sessions::{preselect_profile, section_text, setup_with};
    use twofold_core::aws::profiles::{IniDoc, Profile};
    use twofold_core::vault::{AwsLink, AwsStatus};

    fn link(serial: &str, profile: Option<&str>) -> AwsLink {
        AwsLink {
            account_id: "123456789012".into(),
            user_name: "sam".into(),
            user_arn: "arn:aws:iam::123456789012:user/sam".into(),
            serial: serial.into(),
            profile: profile.map(str::to_string),
            status: AwsStatus::Active,
        }
    }

    fn profile(name: &str, serial: Option<&str>) -> Profile {
        Profile {
            name: name.into(),
            mfa_serial: serial.map(str::to_string),
            region: Some("eu-west-1".into()),
            ..Default::default()
        }
    }

    #[test]
    fn preselects_the_profile_of_the_device_then_the_recorded_one() {
        let serial = "arn:aws:iam::123456789012:mfa/sam";
        let profiles = [
            profile("default", None),
            profile("work", Some(serial)),
            profile("sam", None),
        ];
        assert_eq!(
            preselect_profile(&profiles, &link(serial, Some("sam"))).as_deref(),
            Some("work")
        );
        let other = "arn:aws:iam::123456789012:mfa/other";
        assert_eq!(
            preselect_profile(&profiles, &link(other, Some("sam"))).as_deref(),
            Some("sam")
        );
        assert_eq!(
            preselect_profile(&profiles, &link(other, Some("gone"))),
            None
        );
    }

    #[test]
    fn without_the_cli_setup_writes_nothing_and_gives_the_block() {
        let r = setup_with(&profile("work", None), None).unwrap();
        assert!(!r.written);
        assert!(r
            .missing_cli
            .as_deref()
            .is_some_and(|h| h.contains("twofold")));
        assert_eq!(r.target, "work-mfa");
        assert_eq!(
            r.block,
            "[profile work-mfa]\ncredential_process = twofold aws credential-process --profile work\nregion = eu-west-1\n"
        );
        let doc = IniDoc::parse("[profile a]\nx = 1\ny=2\n[b]\n");
        assert_eq!(
            section_text(&doc, "profile a"),
            "[profile a]\nx = 1\ny = 2\n"
        );
    }

    #[test]
    fn session_needs_an_active_aws_account() {
        let f = fixture();
        f.ok("vault_status", json!({}));
        let added = f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }));
        assert_eq!(added["aws"], Value::Null);
        let err = f
            .invoke("aws_session_options", json!({ "accountId": added["id"] }))
            .unwrap_err();
        assert_eq!(err["kind"], "invalidInput");
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains("not linked to an AWS MFA device"),
            "{err}"
        );
    }

    #[test]
    fn admin_commands_say_what_comes_first() {
        let f = fixture();
        f.ok("vault_status", json!({}));
        let err = f.invoke("aws_audit_export", json!({})).unwrap_err();
        assert_eq!(err["kind"], "invalidInput");
        assert_eq!(err["message"], "run the audit first");
        let err = f
            .invoke(
                "aws_enforce_apply",
                json!({ "group": "devs", "force": false }),
            )
            .unwrap_err();
        assert_eq!(err["kind"], "awsNotConnected");
        let err = f
            .invoke("aws_enforce_plan", json!({ "group": "  " }))
            .unwrap_err();
        assert_eq!(err["kind"], "invalidInput");
    }
}

/// `text` as a QR code PNG, 4 pixels per module with a quiet zone.
fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let n = code.width() as u32;
    let colors = code.to_colors();
    let img = image::GrayImage::from_fn((n + 8) * 4, (n + 8) * 4, |x, y| {
        let (mx, my) = (x / 4, y / 4);
        let dark = (4..n + 4).contains(&mx)
            && (4..n + 4).contains(&my)
            && colors[((my - 4) * n + (mx - 4)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

#[test]
fn a_scanned_image_is_previewed_without_its_secret_and_saved_all_or_nothing() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let err = f
        .invoke_raw("scan_image", b"not a picture".to_vec(), "notes.png")
        .unwrap_err();
    assert_eq!(err["kind"], "qrCode");
    assert!(
        err["message"].as_str().unwrap().contains("notes.png"),
        "{err}"
    );
    let err = f
        .invoke_raw("scan_image", qr_png("https://example.com"), "link.png")
        .unwrap_err();
    assert_eq!(err["kind"], "qrCode");

    f.ok(
        "account_add_from_uri",
        json!({ "uri": URI, "name": "taken" }),
    );
    let scan = f.invoke_raw("scan_image", qr_png(URI), "qr.png").unwrap();
    assert!(
        !scan.to_string().contains(SEED),
        "the preview carries the secret"
    );
    assert_eq!(scan["origin"], "qr.png");
    assert_eq!(scan["source"], "account");
    let account = &scan["accounts"][0];
    assert_eq!(account["name"], "Example:alice@example.com");
    assert_eq!(account["existing"], "taken");
    assert_eq!(account["nameTaken"], false);
    let token = scan["token"].as_str().unwrap();

    let stale = f
        .invoke(
            "scan_save",
            json!({ "token": "scan-0", "picks": [{ "index": 0, "name": null }] }),
        )
        .unwrap_err();
    assert_eq!(stale["kind"], "notFound");
    // A taken name saves nothing, and the scan stays open for another name.
    let taken = f
        .invoke(
            "scan_save",
            json!({ "token": token, "picks": [{ "index": 0, "name": "TAKEN" }] }),
        )
        .unwrap_err();
    assert_eq!(taken["kind"], "invalidInput");
    assert_eq!(
        f.ok("accounts_list", json!({})).as_array().unwrap().len(),
        1
    );
    let saved = f.ok(
        "scan_save",
        json!({ "token": token, "picks": [{ "index": 0, "name": "second" }] }),
    );
    assert_eq!(saved[0]["name"], "second");
    assert_eq!(
        f.ok("accounts_list", json!({})).as_array().unwrap().len(),
        2
    );
    let again = f
        .invoke(
            "scan_save",
            json!({ "token": token, "picks": [{ "index": 0, "name": "third" }] }),
        )
        .unwrap_err();
    assert_eq!(again["kind"], "notFound");
}

#[test]
fn account_qr_draws_the_account_uri() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let id = f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }))["id"].clone();
    let qr = f.ok("account_qr", json!({ "id": id }));
    assert_eq!(qr["name"], "Example:alice@example.com");
    assert!(qr["svg"].as_str().unwrap().contains("<svg"));
    let err = f.invoke("account_qr", json!({ "id": "nope" })).unwrap_err();
    assert_eq!(err["kind"], "notFound");
}

/// This vault's automatic backups in `folder`.
fn backup_files(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "twofold"))
        .collect();
    files.sort();
    files
}

#[test]
fn backups_follow_changes_and_restore_merges_or_replaces() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let folder = f.dir.path().join("backups");
    let setup = |folder: &std::path::Path| json!({"setup": {"folder": folder.to_str().unwrap(), "keep": 5, "password": "backup pw"}});
    let err = f.invoke("backup_on", setup(&folder)).unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert!(err["message"].as_str().unwrap().contains("does not exist"));
    let err = f
        .invoke(
            "backup_on",
            json!({"setup": {"folder": "relative/dir", "keep": 5, "password": "pw"}}),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert_eq!(f.ok("backup_status", json!({}))["on"], false);

    std::fs::create_dir(&folder).unwrap();
    let on = f.ok("backup_on", setup(&folder));
    assert_eq!(
        (on["on"].clone(), on["keep"].clone(), on["count"].clone()),
        (json!(true), json!(5), json!(1))
    );
    let text = on.to_string();
    assert!(
        !text.contains("backup pw") && !text.contains("salt") && !text.contains("key"),
        "{text}"
    );

    // A change: the debounced writer backs it up on its own.
    f.ok("account_add_from_uri", json!({"uri": URI, "name": null}));
    let files = poll_for(|| Some(backup_files(&folder)).filter(|f| f.len() == 2))
        .expect("a backup after the change");
    let status = f.ok("backup_status", json!({}));
    assert_eq!(status["last"]["path"], files[1].to_str().unwrap());
    assert_eq!(status["problem"], Value::Null);

    let bytes = std::fs::read(&files[1]).unwrap();
    let restore = |password: &str, mode: &str| {
        f.invoke(
            "backup_restore",
            json!({"request": {"file": bytes, "password": password, "mode": mode}}),
        )
    };
    let err = restore("wrong", "merge").unwrap_err();
    assert_eq!(err["kind"], "exportWrongPassword");
    let id = f.ok("accounts_list", json!({}))[0]["id"].clone();
    f.ok("account_remove", json!({"id": id}));
    let r = restore("backup pw", "merge").unwrap();
    assert_eq!(
        (r["added"].clone(), r["total"].clone()),
        (json!(1), json!(1))
    );

    f.ok(
        "account_add_from_uri",
        json!({"uri": "otpauth://totp/Other:bob?secret=JBSWY3DPEHPK3PXP", "name": null}),
    );
    let r = restore("backup pw", "replace").unwrap();
    assert_eq!(
        (r["held"].clone(), r["removed"].clone(), r["total"].clone()),
        (json!(1), json!(1), json!(1))
    );
    assert!(f.dir.path().join("vault.json.bak").exists());

    let off = f.ok("backup_off", json!({}));
    assert_eq!(off["on"], false);
    assert_eq!(
        f.invoke("backup_now", json!({})).unwrap_err()["kind"],
        "invalidInput"
    );
}

/// Polls `probe` for up to ten seconds (the writer waits two after the last change).
fn poll_for<T>(mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(v) = probe() {
            return Some(v);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn a_failed_automatic_backup_is_reported_and_loses_nothing() {
    use tauri::Manager;
    let f = fixture();
    f.ok("vault_status", json!({}));
    let folder = f.dir.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    f.ok(
        "backup_on",
        json!({"setup": {"folder": folder.to_str().unwrap(), "keep": 3, "password": "pw"}}),
    );
    std::fs::remove_dir_all(&folder).unwrap();

    // The change itself is saved; the backup after it fails, says why, and recreates nothing.
    f.ok("account_add_from_uri", json!({"uri": URI, "name": null}));
    let state = f.window.state::<AppState>();
    let outcome = crate::backup::write_due(&state).expect("a backup was due");
    assert_eq!(outcome.file, None);
    assert!(outcome.error.unwrap().contains("does not exist"));
    let status = f.ok("backup_status", json!({}));
    assert!(
        status["problem"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{status}"
    );
    assert!(!folder.exists());
}

// Another process (the CLI) changes the password while the app has the vault open: the key the
// app holds no longer reads the file, so the app closes the vault and says why.
#[test]
fn a_password_changed_elsewhere_closes_the_vault() {
    use twofold_core::vault::{KdfParams, Unlock, Vault};
    let f = fixture_with_vault(false);
    f.ok(
        "vault_create",
        json!({ "password": "first password", "recoveryKey": false }),
    );
    f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }));
    let path = f.dir.path().join("vault.json");
    let elsewhere = MemoryStore::default();
    let mut other = Vault::open(&path, &Unlock::Password("first password")).unwrap();
    other
        .set_password(Some("second password"), KdfParams::MIN, Some(&elsewhere))
        .unwrap();
    let err = f
        .invoke(
            "account_add_from_uri",
            json!({ "uri": URI, "name": "again" }),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "vaultLocked");
    let status = f.ok("vault_status", json!({}));
    assert_eq!(status["state"], "locked");
    assert!(
        status["reason"]
            .as_str()
            .unwrap()
            .contains("key was changed"),
        "{status}"
    );
    let open = f.ok(
        "vault_unlock",
        json!({ "password": "second password", "recoveryKey": null, "acceptRollback": false }),
    );
    assert_eq!(open["state"], "unlocked");
    assert_eq!(
        f.ok("accounts_list", json!({})).as_array().unwrap().len(),
        1
    );
}

// Issue 14: locking forgets everything secret the app holds, and every command that needs the
// vault refuses until it is opened again.
#[test]
fn locking_forgets_a_pending_scan_and_the_vault_and_refuses_commands() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let added = f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }));
    let id = added["id"].as_str().unwrap().to_string();
    f.ok("account_reveal", json!({ "id": id }));
    let scan = f.invoke_raw("scan_image", qr_png(URI), "qr.png").unwrap();
    let token = scan["token"].as_str().unwrap().to_string();

    let status = f.ok("vault_lock", json!({}));
    assert_eq!(status["state"], "locked");
    for (cmd, args) in [
        ("account_reveal", json!({ "id": id })),
        ("code_current", json!({ "id": id })),
        ("code_copy", json!({ "id": id })),
        ("accounts_list", json!({})),
        ("lookup_choose", json!({ "id": id })),
    ] {
        let err = f.invoke(cmd, args).unwrap_err();
        assert_eq!(err["kind"], "vaultLocked", "{cmd}: {err}");
    }
    // The scan's accounts went with the lock: unlocking does not bring them back.
    f.ok(
        "vault_unlock",
        json!({ "password": null, "recoveryKey": null, "acceptRollback": false }),
    );
    let err = f
        .invoke(
            "scan_save",
            json!({ "token": token, "picks": [{ "index": 0, "name": "again" }] }),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "notFound", "{err}");
    assert_eq!(
        f.ok("accounts_list", json!({})).as_array().unwrap().len(),
        1
    );
}

#[test]
fn settings_are_checked_saved_and_applied() {
    let f = fixture();
    let view = f.ok("settings_get", json!({}));
    assert_eq!(view["settings"]["lockAfterSecs"], 300);
    assert_eq!(
        view["settings"]["shortcut"],
        crate::settings::DEFAULT_SHORTCUT
    );
    // A keyring-only vault: Settings says plainly what a lock is worth.
    f.ok("vault_status", json!({}));
    let view = f.ok("settings_get", json!({}));
    assert_eq!(
        view["keyringOnly"], true,
        "keyring and recovery key, no password"
    );
    f.ok(
        "vault_password_set",
        json!({ "password": "a long password" }),
    );
    assert_eq!(f.ok("settings_get", json!({}))["keyringOnly"], false);

    let mut s = view["settings"].clone();
    s["clipboardClearSecs"] = json!(1);
    let err = f
        .invoke("settings_set", json!({ "settings": s }))
        .unwrap_err();
    assert_eq!(err["kind"], "invalidInput");
    assert_eq!(
        f.ok("settings_get", json!({}))["settings"]["clipboardClearSecs"],
        30
    );

    let mut s = view["settings"].clone();
    s["clipboardClearSecs"] = json!(10);
    s["theme"] = json!("dark");
    s["sort"] = json!("mostUsed");
    let saved = f.ok("settings_set", json!({ "settings": s }));
    assert_eq!(saved["settings"]["theme"], "dark");
    let state = f.window.app_handle().state::<AppState>();
    assert_eq!(
        state.settings().get().clipboard_clear_secs,
        10,
        "copies follow the new clear time"
    );
}

#[test]
fn favourites_and_notes_are_saved_and_listed() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let id = f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }))["id"].clone();
    let updated = f.ok(
        "account_update",
        json!({ "id": id, "update": { "name": null, "issuer": null, "account": null, "tags": null,
                "favourite": true, "note": "recovery codes: 1Password" } }),
    );
    assert_eq!(updated["favourite"], true);
    assert_eq!(updated["note"], "recovery codes: 1Password");
    // Taking a code counts as a use (an HOTP code here: copying needs a display).
    let hotp = f.ok(
        "account_add_from_uri",
        json!({ "uri": "otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Corp&counter=0", "name": null }),
    );
    f.ok("hotp_next", json!({ "id": hotp["id"] }));
    f.ok("hotp_next", json!({ "id": hotp["id"] }));
    let list = f.ok("accounts_list", json!({}));
    let uses: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["uses"].clone())
        .collect();
    assert_eq!(uses, [json!(0), json!(2)]);
    // The tray lists favourites by label.
    let favs = f
        .window
        .app_handle()
        .state::<AppState>()
        .with_vault(|v| Ok(crate::tray::favourites(v)))
        .unwrap();
    assert_eq!(
        favs,
        [(
            id.as_str().unwrap().to_string(),
            "Example (alice@example.com)".to_string()
        )]
    );

    // Dragging moves it in the manual order; an icon choice is kept and a bad one refused.
    f.ok("account_move", json!({ "id": hotp["id"], "position": 0 }));
    let names: Vec<_> = f
        .ok("accounts_list", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["issuer"].clone())
        .collect();
    assert_eq!(names, [json!("Corp"), json!("Example")]);
    let icon = |v: &str| {
        json!({ "id": id, "update": { "name": null, "issuer": null,
        "account": null, "tags": null, "favourite": null, "note": null, "icon": v } })
    };
    assert_eq!(f.ok("account_update", icon("github"))["icon"], "github");
    let err = f.invoke("account_update", icon("../x.svg")).unwrap_err();
    assert_eq!(err["kind"], "invalidInput", "{err}");
}

#[test]
fn with_a_password_revealing_and_the_qr_code_ask_for_it_again() {
    let f = fixture();
    f.ok("vault_status", json!({}));
    let id = f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }))["id"].clone();
    // Keyring only: nothing to ask for (Settings says what protects it).
    let shown = f.ok("account_reveal", json!({ "id": id, "password": null }));
    assert_eq!(shown["secret"], SEED);
    f.ok(
        "vault_password_set",
        json!({ "password": "a long password" }),
    );
    for cmd in ["account_reveal", "account_qr"] {
        let err = f
            .invoke(cmd, json!({ "id": id, "password": null }))
            .unwrap_err();
        assert_eq!(err["message"], "type the vault's password", "{cmd}: {err}");
        let err = f
            .invoke(cmd, json!({ "id": id, "password": "not it" }))
            .unwrap_err();
        assert_eq!(err["message"], "wrong vault password", "{cmd}: {err}");
        assert_eq!(err["kind"], "invalidInput");
        f.ok(cmd, json!({ "id": id, "password": "a long password" }));
    }
}

/// An OS verification that answers what the test queued, and counts the dialogs shown.
#[derive(Clone, Default)]
struct FakeVerifier {
    unavailable: Option<crate::os_verify::Unavailable>,
    answers: std::sync::Arc<std::sync::Mutex<Vec<crate::os_verify::Verdict>>>,
    asked: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl FakeVerifier {
    fn answer(&self, v: crate::os_verify::Verdict) {
        self.answers.lock().unwrap().push(v);
    }
    fn asked(&self) -> usize {
        self.asked.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl crate::os_verify::OsVerifier for FakeVerifier {
    fn available(&self) -> Result<(), crate::os_verify::Unavailable> {
        self.unavailable.map_or(Ok(()), Err)
    }
    fn verify(&self, _cancel_id: &str) -> crate::os_verify::Verdict {
        self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.answers
            .lock()
            .unwrap()
            .pop()
            .expect("a verification the test did not expect")
    }
    fn cancel(&self, _cancel_id: &str) {}
}

fn unlock_keyring(f: &Fixture) -> Result<Value, Value> {
    f.invoke(
        "vault_unlock",
        json!({ "password": null, "recoveryKey": null, "acceptRollback": false }),
    )
}

// Issue 14: after Twofold locks a vault, the keyring opens it again only once the OS has
// confirmed it is the user, once per confirmation; a restart does not skip the question.
#[test]
fn after_a_lock_the_keyring_opens_only_once_the_os_verified_the_user() {
    use crate::os_verify::Verdict;
    let os = FakeVerifier::default();
    let f = fixture_verified_by(true, Box::new(os.clone()));
    let open = f.ok("vault_status", json!({}));
    assert_eq!(
        open["state"], "unlocked",
        "the first start opens through the keyring"
    );
    assert_eq!(open["verifyFirst"], false);
    assert_eq!(os.asked(), 0, "nothing is asked at start");
    let id = f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }))["id"].clone();

    let locked = f.ok("vault_lock", json!({}));
    assert_eq!(locked["verifyFirst"], true);
    let marker = f.dir.path().join("vault.json.locked");
    assert!(marker.exists(), "the lock outlives a restart");
    let err = unlock_keyring(&f).unwrap_err();
    assert_eq!(err["kind"], "notVerified", "{err}");

    // A wrong password in the OS's dialog, then a dismissed one: still locked.
    os.answer(Verdict::Refused);
    let err = f.invoke("os_verify", json!({})).unwrap_err();
    assert_eq!(err["kind"], "notVerified");
    assert_eq!(err["message"], "the system did not confirm it's you");
    os.answer(Verdict::Dismissed);
    assert_eq!(
        f.invoke("os_verify", json!({})).unwrap_err()["message"],
        "cancelled"
    );
    assert_eq!(unlock_keyring(&f).unwrap_err()["kind"], "notVerified");

    os.answer(Verdict::Verified);
    f.ok("os_verify", json!({}));
    let open = unlock_keyring(&f).unwrap();
    assert_eq!(open["state"], "unlocked");
    assert!(
        !marker.exists(),
        "opened again: a restart opens it as before"
    );
    assert_eq!(os.asked(), 3);

    // The confirmation was used up by the unlock: a secret needs its own.
    let err = f
        .invoke("account_reveal", json!({ "id": id, "password": null }))
        .unwrap_err();
    assert_eq!(err["kind"], "notVerified", "{err}");
    os.answer(Verdict::Verified);
    f.ok("os_verify", json!({}));
    assert_eq!(
        f.ok("account_reveal", json!({ "id": id, "password": null }))["secret"],
        SEED
    );
    assert_eq!(
        f.invoke("account_qr", json!({ "id": id, "password": null }))
            .unwrap_err()["kind"],
        "notVerified",
        "one confirmation, one secret"
    );

    // A confirmation does not outlive a lock.
    os.answer(Verdict::Verified);
    f.ok("os_verify", json!({}));
    f.ok("vault_lock", json!({}));
    assert_eq!(unlock_keyring(&f).unwrap_err()["kind"], "notVerified");

    // Quit while locked and start again: the vault stays locked and asks.
    let path = f.dir.path().join("vault.json");
    let again = AppState::new(path, Box::new(MemoryStore::default()))
        .with_os_verifier(Box::new(os.clone()));
    let status = again.status();
    assert_eq!(status.state, crate::models::VaultState::Locked);
    assert!(status.verify_first);
}

// Where the OS cannot verify anyone: a vault with a password wants it after a lock, and a
// keyring-only one opens as before (the screens say plainly that nothing protects it).
#[test]
fn without_os_verification_a_password_vault_wants_its_password_after_a_lock() {
    let os = FakeVerifier {
        unavailable: Some(crate::os_verify::Unavailable::NoService),
        ..Default::default()
    };
    let f = fixture_verified_by(true, Box::new(os.clone()));
    f.ok("vault_status", json!({}));
    assert_eq!(
        f.ok("os_verify_status", json!({})),
        json!({ "available": false, "problem": "noService" })
    );
    f.ok("vault_lock", json!({}));
    assert_eq!(unlock_keyring(&f).unwrap()["state"], "unlocked");

    f.ok(
        "vault_password_set",
        json!({ "password": "a long password" }),
    );
    f.ok("vault_lock", json!({}));
    let err = unlock_keyring(&f).unwrap_err();
    assert_eq!(err["kind"], "vaultLocked", "{err}");
    let open = f.ok(
        "vault_unlock",
        json!({ "password": "a long password", "recoveryKey": null, "acceptRollback": false }),
    );
    assert_eq!(open["state"], "unlocked");
    assert_eq!(os.asked(), 0);
}

// A vault with a password: the system's confirmation stands in for the typed password before a
// secret is shown.
#[test]
fn with_a_password_the_os_confirmation_stands_in_for_it() {
    use crate::os_verify::Verdict;
    let os = FakeVerifier::default();
    let f = fixture_verified_by(true, Box::new(os.clone()));
    f.ok("vault_status", json!({}));
    assert_eq!(
        f.ok("os_verify_status", json!({})),
        json!({ "available": true, "problem": null })
    );
    let id = f.ok("account_add_from_uri", json!({ "uri": URI, "name": null }))["id"].clone();
    f.ok(
        "vault_password_set",
        json!({ "password": "a long password" }),
    );
    let err = f
        .invoke("account_reveal", json!({ "id": id, "password": null }))
        .unwrap_err();
    assert_eq!(err["message"], "type the vault's password");
    os.answer(Verdict::NoAgent);
    let err = f.invoke("os_verify", json!({})).unwrap_err();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("no authentication agent"),
        "{err}"
    );
    os.answer(Verdict::Verified);
    f.ok("os_verify", json!({}));
    assert_eq!(
        f.ok("account_reveal", json!({ "id": id, "password": null }))["secret"],
        SEED
    );
}
