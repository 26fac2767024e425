//! The vault through its public API: slots, accounts, generations, and refusal of damaged files.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use twofold_core::otp::uri::OtpUri;
use twofold_core::vault::{
    AccountPatch, CreateOptions, ImportCheck, KdfParams, KeyStore, MemoryStore, NewAccount, Unlock,
    Vault, KEYRING_SERVICE,
};
use twofold_core::Error;

const URI: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME";
const HOTP: &str =
    "otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Corp&counter=0";

fn new_account(uri: &str, name: Option<&str>) -> NewAccount {
    NewAccount {
        uri: OtpUri::parse(uri).unwrap(),
        name: name.map(str::to_string),
        tags: vec![],
    }
}

fn setup(store: &MemoryStore) -> (tempfile::TempDir, PathBuf, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/vault.json");
    let opts = CreateOptions {
        keyring: Some(store),
        password: Some("correct horse"),
        kdf: KdfParams::MIN,
    };
    let vault = Vault::create(&path, &opts).unwrap();
    (dir, path, vault)
}

#[test]
fn accounts_persist_and_open_with_either_slot() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    vault.add(new_account(URI, None), 1000).unwrap();
    vault
        .add(new_account(HOTP, Some("work vpn")), 1001)
        .unwrap();

    for unlock in [Unlock::Keyring(&store), Unlock::Password("correct horse")] {
        let v = Vault::open(&path, &unlock).unwrap();
        let names: Vec<_> = v.accounts().iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["ACME:alice", "work vpn"]);
        assert_eq!(v.find("acme:ALICE").unwrap().issuer, "ACME");
        assert_eq!(
            v.code("ACME:alice", 59).unwrap(),
            vault.code("ACME:alice", 59).unwrap()
        );
    }
    assert!(matches!(
        Vault::open(&path, &Unlock::Password("wrong")),
        Err(Error::WrongPassword)
    ));
}

#[test]
fn the_file_reveals_no_secret_or_name() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    vault
        .add(new_account(URI, Some("my-bank-login")), 1)
        .unwrap();
    let text = fs::read_to_string(&path).unwrap();
    for needle in ["JBSWY3DP", "my-bank-login", "ACME", "alice"] {
        assert!(
            !text.contains(needle),
            "{needle} is readable in the vault file"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn names_are_unique_and_edits_apply() {
    let store = MemoryStore::default();
    let (_d, _p, mut vault) = setup(&store);
    vault.add(new_account(URI, None), 1).unwrap();
    assert!(matches!(
        vault.add(new_account(URI, None), 2),
        Err(Error::AlreadyExists(_))
    ));
    vault.add(new_account(URI, Some("second")), 2).unwrap();
    assert!(matches!(
        vault.edit(
            "second",
            AccountPatch {
                name: Some("acme:Alice".into()),
                ..Default::default()
            }
        ),
        Err(Error::AlreadyExists(_))
    ));
    vault
        .edit(
            "second",
            AccountPatch {
                name: Some("third".into()),
                issuer: Some(" Acme Inc ".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(vault.find("third").unwrap().issuer, "Acme Inc");
    assert_eq!(vault.remove("third").unwrap().name, "third");
    assert!(matches!(vault.find("third"), Err(Error::NotFound(_))));
    assert!(matches!(vault.remove("nope"), Err(Error::NotFound(_))));
}

#[test]
fn add_all_writes_every_account_or_none() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    vault.add(new_account(URI, Some("taken")), 1).unwrap();
    let before = fs::read(&path).unwrap();
    // The second name is taken: the first must not be written either.
    let refused = vault.add_all(
        vec![
            new_account(URI, Some("fresh")),
            new_account(URI, Some("TAKEN")),
        ],
        2,
    );
    assert!(
        matches!(refused, Err(Error::AlreadyExists(ref n)) if n == "TAKEN"),
        "{refused:?}"
    );
    // The same name twice in one batch is refused too.
    let twice = vault.add_all(
        vec![new_account(URI, Some("dup")), new_account(URI, Some("dup"))],
        2,
    );
    assert!(matches!(twice, Err(Error::AlreadyExists(_))), "{twice:?}");
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "a refused batch changed the file"
    );
    assert_eq!(vault.accounts().len(), 1);

    let ids = vault
        .add_all(
            vec![new_account(URI, Some("a")), new_account(URI, Some("b"))],
            3,
        )
        .unwrap();
    let names: Vec<String> = ids
        .iter()
        .map(|id| vault.find(&id.0).unwrap().name.clone())
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(vault.accounts().len(), 3);
}

#[test]
fn hotp_counter_is_persisted_before_the_code_is_returned() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    vault.add(new_account(HOTP, Some("h")), 1).unwrap();
    // RFC 4226 key "12345678901234567890": counters 0 and 1.
    assert_eq!(vault.next_hotp("h", 5).unwrap().code, "755224");
    let mut other = Vault::open(&path, &Unlock::Keyring(&store)).unwrap();
    assert_eq!(other.find("h").unwrap().otp.counter, 1);
    assert_eq!(other.next_hotp("h", 6).unwrap().code, "287082");
    assert_eq!(
        vault.next_hotp("h", 7).unwrap().code,
        "359152",
        "a stale handle must not reuse a counter"
    );
    vault.add(new_account(URI, None), 8).unwrap();
    let totp = vault.next_hotp("ACME:alice", 8);
    assert!(
        matches!(totp, Err(Error::NotHotp(ref n)) if n == "ACME:alice"),
        "{totp:?}"
    );
}

#[test]
fn two_handles_do_not_lose_each_others_changes() {
    let store = MemoryStore::default();
    let (_d, path, mut a) = setup(&store);
    let mut b = Vault::open(&path, &Unlock::Keyring(&store)).unwrap();
    a.add(new_account(URI, Some("from-a")), 1).unwrap();
    b.add(new_account(URI, Some("from-b")), 2).unwrap();
    assert!(a.refresh().unwrap());
    assert_eq!(a.accounts().len(), 2);
    assert!(!a.refresh().unwrap());
}

#[test]
fn previous_generation_is_kept_as_bak() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    vault.add(new_account(URI, Some("one")), 1).unwrap();
    vault.add(new_account(URI, Some("two")), 2).unwrap();
    let bak = path.with_file_name("vault.json.bak");
    let old = Vault::open(&bak, &Unlock::Keyring(&store)).unwrap();
    assert_eq!(old.accounts().len(), 1);
    assert_eq!(old.data().generation + 1, vault.data().generation);
}

fn bytes_of(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap()
}

#[test]
fn damaged_vaults_are_refused_and_left_untouched() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    vault.add(new_account(URI, None), 1).unwrap();
    let good = bytes_of(&path);

    // A flipped bit in the ciphertext.
    let mut v: serde_json::Value = serde_json::from_slice(&good).unwrap();
    let ct = v["ciphertext"].as_str().unwrap().to_string();
    let flipped = format!(
        "{}{}",
        if ct.starts_with('A') { "B" } else { "A" },
        &ct[1..]
    );
    v["ciphertext"] = flipped.into();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("tampered ciphertext", serde_json::to_vec(&v).unwrap()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("not a vault", b"{\"hello\": 1}".to_vec()),
        (
            "future version",
            String::from_utf8(good.clone())
                .unwrap()
                .replacen("\"version\": 1", "\"version\": 7", 1)
                .into_bytes(),
        ),
        ("swapped vault id", {
            let mut w: serde_json::Value = serde_json::from_slice(&good).unwrap();
            w["vault_id"] = "00000000-0000-0000-0000-000000000000".into();
            serde_json::to_vec(&w).unwrap()
        }),
    ];
    for (what, bytes) in cases {
        fs::write(&path, &bytes).unwrap();
        let err = Vault::open(&path, &Unlock::Password("correct horse")).unwrap_err();
        let msg = err.to_string();
        match what {
            "future version" => assert!(
                matches!(err, Error::UnsupportedVersion { version: 7, .. }),
                "{msg}"
            ),
            "tampered ciphertext" => assert!(matches!(err, Error::VaultUndecryptable(_)), "{msg}"),
            // The vault id is authenticated: the password slot's wrapped key and the ciphertext
            // no longer verify.
            "swapped vault id" => assert!(
                matches!(err, Error::WrongPassword | Error::VaultUndecryptable(_)),
                "{msg}"
            ),
            _ => assert!(matches!(err, Error::VaultCorrupt { .. }), "{what}: {msg}"),
        }
        // A handle opened before the damage must refuse to write over it too.
        assert!(
            vault.add(new_account(URI, Some(what)), 3).is_err(),
            "{what}"
        );
        assert_eq!(
            bytes_of(&path),
            bytes,
            "{what}: the damaged file was modified"
        );
    }
    fs::write(&path, &good).unwrap();
    assert!(Vault::create(
        &path,
        &CreateOptions {
            keyring: Some(&store),
            password: None,
            kdf: KdfParams::MIN
        }
    )
    .is_err());
    assert_eq!(bytes_of(&path), good);
}

#[test]
fn keyring_slot_without_its_entry_is_locked_not_damaged() {
    let store = MemoryStore::default();
    let (_d, path, vault) = setup(&store);
    let id_user = {
        let text = fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["slots"][0]["user"].as_str().unwrap().to_string()
    };
    assert!(store.get(KEYRING_SERVICE, &id_user).unwrap().is_some());
    drop(vault);
    let empty = MemoryStore::default();
    let err = Vault::open(&path, &Unlock::Keyring(&empty)).unwrap_err();
    assert!(matches!(err, Error::Locked(_)), "{err}");
    assert!(err.to_string().contains("password"));
}

#[test]
fn slots_can_change_but_never_all_go() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    vault.set_password(Some("new pw"), KdfParams::MIN).unwrap();
    assert!(Vault::open(&path, &Unlock::Password("new pw")).is_ok());
    assert!(Vault::open(&path, &Unlock::Password("correct horse")).is_err());
    vault.remove_keyring_slot(&store).unwrap();
    assert!(!Vault::probe(&path).unwrap().keyring);
    assert!(
        matches!(
            vault.set_password(None, KdfParams::MIN),
            Err(Error::NoKeySlot)
        ),
        "the last slot must stay"
    );
    assert!(Vault::open(&path, &Unlock::Password("new pw")).is_ok());
    vault.add_keyring_slot(&store).unwrap();
    vault.set_password(None, KdfParams::MIN).unwrap();
    assert_eq!(
        Vault::probe(&path).unwrap(),
        twofold_core::vault::SlotKinds {
            keyring: true,
            password: false
        }
    );
    assert!(Vault::open(&path, &Unlock::Keyring(&store)).is_ok());
}

#[test]
fn a_vault_needs_a_slot_and_a_nonempty_password() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.json");
    let no_slot = Vault::create(
        &p,
        &CreateOptions {
            keyring: None,
            password: None,
            kdf: KdfParams::MIN,
        },
    );
    assert!(matches!(no_slot, Err(Error::NoKeySlot)), "{no_slot:?}");
    let empty = Vault::create(
        &p,
        &CreateOptions {
            keyring: None,
            password: Some(""),
            kdf: KdfParams::MIN,
        },
    );
    assert!(matches!(empty, Err(Error::EmptyPassword)), "{empty:?}");
    assert!(!p.exists());
}

#[test]
fn clock_offset_setting_shifts_codes() {
    let store = MemoryStore::default();
    let (_d, _p, mut vault) = setup(&store);
    vault.add(new_account(URI, Some("t")), 1).unwrap();
    let later = vault.code("t", 1030).unwrap();
    vault
        .set_settings(twofold_core::vault::Settings {
            clock_offset_secs: 30,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(vault.code("t", 1000).unwrap().code, later.code);
}

#[test]
fn import_skips_held_secrets_unless_the_copy_is_named_otherwise() {
    let store = MemoryStore::default();
    let (_d, _p, mut vault) = setup(&store);
    vault.add(new_account(URI, Some("work")), 1).unwrap();
    let done = vault
        .import(
            vec![
                // The same account by its default name, and by the name it has in the vault
                // (as a restored backup gives it): both are the account the vault holds.
                new_account(URI, None),
                new_account(URI, Some("work")),
                new_account(HOTP, None),
            ],
            2,
        )
        .unwrap();
    let already: Vec<_> = done
        .already
        .iter()
        .map(|a| (a.index, a.held_by.as_str()))
        .collect();
    assert_eq!(already, [(0, "work"), (1, "work")]);
    assert_eq!(done.added.len(), 1);
    // Another name is a deliberate second copy; a taken name the user chose stops the import.
    vault
        .import(vec![new_account(URI, Some("work 2"))], 3)
        .unwrap();
    let clash = vault.import(vec![new_account(HOTP, Some("work"))], 4);
    assert!(
        matches!(clash, Err(Error::AlreadyExists(ref n)) if n == "work"),
        "{clash:?}"
    );
    assert_eq!(vault.accounts().len(), 3);
}

#[test]
fn an_entry_repeated_within_one_import_is_added_once() {
    let store = MemoryStore::default();
    let (_d, _p, mut vault) = setup(&store);
    vault.add(new_account(HOTP, Some("counter")), 1).unwrap();
    let news = vec![
        new_account(URI, None),
        new_account(HOTP, None),
        new_account(URI, None),
        new_account(URI, Some("ACME:alice")),
    ];
    // The dry run (check) and the import agree on every entry.
    assert_eq!(
        vault.data().check_import(&news),
        [
            ImportCheck::New,
            ImportCheck::Held("counter".into()),
            ImportCheck::Repeats(0),
            ImportCheck::Repeats(0),
        ]
    );
    let done = vault.import(news, 2).unwrap();
    assert_eq!(done.added_from, [(0, "ACME:alice".to_string())]);
    let already: Vec<_> = done
        .already
        .iter()
        .map(|a| (a.index, a.held_by.as_str()))
        .collect();
    assert_eq!(
        already,
        [(1, "counter"), (2, "ACME:alice"), (3, "ACME:alice")]
    );
    assert_eq!(vault.accounts().len(), 2);
}

#[test]
fn imported_default_names_are_made_free() {
    let store = MemoryStore::default();
    let (_d, _p, mut vault) = setup(&store);
    vault.add(new_account(HOTP, Some("acme:alice")), 1).unwrap();
    let done = vault.import(vec![new_account(URI, None)], 2).unwrap();
    assert_eq!(done.added_from, [(0, "ACME:alice (2)".to_string())]);
    assert_eq!(vault.find(&done.added[0].0).unwrap().name, "ACME:alice (2)");
}

#[test]
fn a_new_vault_keeps_an_earlier_vaults_bak_under_a_dated_name() {
    let store = MemoryStore::default();
    let (dir, path, mut old) = setup(&store);
    old.add(new_account(URI, None), 1).unwrap();
    old.add(new_account(HOTP, None), 2).unwrap();
    drop(old);
    let bak = path.with_file_name("vault.json.bak");
    let bak_bytes = bytes_of(&bak);
    // The vault file is lost; its .bak (one account) is all that is left of it.
    fs::remove_file(&path).unwrap();
    let opts = CreateOptions {
        keyring: Some(&store),
        password: Some("another"),
        kdf: KdfParams::MIN,
    };
    let mut new = Vault::create(&path, &opts).unwrap();
    new.add(new_account(HOTP, Some("x")), 3).unwrap();
    new.add(new_account(URI, Some("y")), 4).unwrap();
    let kept: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("vault.json.bak.20"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(
        !kept[0].contains(':'),
        "a file name Windows accepts: {}",
        kept[0]
    );
    let kept = path.with_file_name(&kept[0]);
    assert_eq!(bytes_of(&kept), bak_bytes, "the old .bak, untouched");
    let restored = Vault::open(&kept, &Unlock::Password("correct horse")).unwrap();
    assert_eq!(restored.accounts().len(), 1);
    drop(dir);
}
