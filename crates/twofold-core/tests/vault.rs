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
fn favourites_notes_and_uses_are_kept() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    vault.add(new_account(URI, None), 1000).unwrap();
    vault.add(new_account(HOTP, Some("vpn")), 1000).unwrap();
    vault
        .edit(
            "ACME:alice",
            AccountPatch {
                favourite: Some(true),
                note: Some("  recovery codes in the safe \n".into()),
                ..Default::default()
            },
        )
        .unwrap();
    // Every code taken counts, time-based or counter.
    vault.take_code("ACME:alice", 2000).unwrap();
    vault.take_code("ACME:alice", 2100).unwrap();
    vault.take_code("vpn", 2000).unwrap();
    // Showing a code is not taking it.
    vault.code("ACME:alice", 2200).unwrap();
    let too_long = "x".repeat(2001);
    assert!(matches!(
        vault.edit(
            "vpn",
            AccountPatch {
                note: Some(too_long),
                ..Default::default()
            }
        ),
        Err(Error::NoteTooLong(2000))
    ));

    let v = Vault::open(&path, &Unlock::Keyring(&store)).unwrap();
    let alice = &v.find("ACME:alice").unwrap().meta;
    assert!(alice.favourite);
    assert_eq!(alice.note, "recovery codes in the safe");
    assert_eq!(alice.uses, 2);
    let vpn = &v.find("vpn").unwrap().meta;
    assert_eq!((vpn.favourite, vpn.note.as_str(), vpn.uses), (false, "", 1));
}

#[test]
fn the_manual_order_and_icon_choices_are_kept() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    for name in ["a", "b", "c", "d"] {
        vault.add(new_account(URI, Some(name)), 1).unwrap();
    }
    let order = |v: &Vault| {
        v.accounts()
            .iter()
            .map(|a| a.name.clone())
            .collect::<Vec<_>>()
    };
    vault.move_to("d", 0).unwrap();
    assert_eq!(order(&vault), ["d", "a", "b", "c"]);
    vault.move_to("d", 2).unwrap();
    assert_eq!(order(&vault), ["a", "b", "d", "c"]);
    // Past the end is last.
    vault.move_to("a", 99).unwrap();
    assert_eq!(order(&vault), ["b", "d", "c", "a"]);
    assert!(matches!(vault.move_to("nope", 0), Err(Error::NotFound(_))));

    let icon = |v: &str| AccountPatch {
        icon: Some(v.into()),
        ..Default::default()
    };
    vault.edit("b", icon("github")).unwrap();
    vault.edit("c", icon("letter")).unwrap();
    let before = fs::read(&path).unwrap();
    assert!(matches!(
        vault.edit("d", icon("<svg>")),
        Err(Error::BadIcon(_))
    ));
    assert!(matches!(
        vault.edit("d", icon("GitHub")),
        Err(Error::BadIcon(_))
    ));
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "a refused change writes nothing"
    );

    let v = Vault::open(&path, &Unlock::Keyring(&store)).unwrap();
    assert_eq!(order(&v), ["b", "d", "c", "a"]);
    let icons: Vec<&str> = v.accounts().iter().map(|a| a.meta.icon.as_str()).collect();
    assert_eq!(icons, ["github", "", "letter", ""]);
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
    vault
        .set_password(Some("new pw"), KdfParams::MIN, Some(&store))
        .unwrap();
    assert!(Vault::open(&path, &Unlock::Password("new pw")).is_ok());
    assert!(Vault::open(&path, &Unlock::Password("correct horse")).is_err());
    assert!(Vault::open(&path, &Unlock::Keyring(&store)).is_ok());
    vault.remove_keyring_slot(&store).unwrap();
    assert!(!Vault::probe(&path).unwrap().keyring);
    assert!(
        matches!(
            vault.set_password(None, KdfParams::MIN, None),
            Err(Error::NoKeySlot)
        ),
        "the last slot must stay"
    );
    assert!(Vault::open(&path, &Unlock::Password("new pw")).is_ok());
    vault.add_keyring_slot(&store).unwrap();
    // The keyring must not be left as the only way in.
    assert!(matches!(
        vault.set_password(None, KdfParams::MIN, Some(&store)),
        Err(Error::KeyringOnly)
    ));
    let rk = vault.set_recovery_key(None, Some(&store)).unwrap();
    vault
        .set_password(None, KdfParams::MIN, Some(&store))
        .unwrap();
    assert_eq!(
        Vault::probe(&path).unwrap(),
        twofold_core::vault::SlotKinds {
            keyring: true,
            password: false,
            recovery: true,
        }
    );
    assert!(Vault::open(&path, &Unlock::Keyring(&store)).is_ok());
    assert!(Vault::open(&path, &Unlock::RecoveryKey(&rk.display())).is_ok());
    assert!(matches!(
        vault.remove_recovery_key(None, Some(&store)),
        Err(Error::KeyringOnly)
    ));
}

// See: issue "never lose a seed". A recovery key opens the vault without the keyring or the
// password, a typo in it is told apart from a wrong key, and it survives key rotation.
#[test]
fn never_lose_a_seed_recovery_key_opens_the_vault() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    vault.add(new_account(URI, Some("a")), 1).unwrap();
    let rk = vault.set_recovery_key(None, Some(&store)).unwrap();
    let shown = rk.display().to_string();
    assert!(Vault::probe(&path).unwrap().recovery);

    let v = Vault::open(&path, &Unlock::RecoveryKey(&shown.to_lowercase())).unwrap();
    assert_eq!(v.accounts().len(), 1);

    let mut typo: Vec<char> = shown.chars().collect();
    typo[5] = if typo[5] == 'Q' { 'R' } else { 'Q' };
    let typo: String = typo.into_iter().collect();
    let err = Vault::open(&path, &Unlock::RecoveryKey(&typo)).unwrap_err();
    assert!(matches!(err, Error::RecoveryKeyMistyped), "{err}");
    let other = twofold_core::vault::RecoveryKey::generate().unwrap();
    let err = Vault::open(&path, &Unlock::RecoveryKey(&other.display())).unwrap_err();
    assert!(matches!(err, Error::WrongRecoveryKey), "{err}");

    // Two password changes later (two new master keys) the same recovery key still opens it.
    vault
        .set_password(Some("second"), KdfParams::MIN, Some(&store))
        .unwrap();
    vault
        .set_password(Some("third"), KdfParams::MIN, Some(&store))
        .unwrap();
    let v = Vault::open(&path, &Unlock::RecoveryKey(&shown)).unwrap();
    assert_eq!(v.accounts().len(), 1);
    // A new recovery key replaces the old one and gives the vault a new master key, which
    // re-wraps the password slot: the vault's own password is needed, and checked.
    let copy = path.with_file_name("copy-before-new-recovery-key.json");
    fs::copy(&path, &copy).unwrap();
    let before = fs::read(&path).unwrap();
    assert!(matches!(
        vault.set_recovery_key(None, Some(&store)),
        Err(Error::PasswordNeeded)
    ));
    assert!(matches!(
        vault.set_recovery_key(Some("second"), Some(&store)),
        Err(Error::WrongPassword)
    ));
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "a refused change writes nothing"
    );
    let rk2 = vault.set_recovery_key(Some("third"), Some(&store)).unwrap();
    assert!(Vault::open(&path, &Unlock::RecoveryKey(&rk2.display())).is_ok());
    assert!(Vault::open(&path, &Unlock::Password("third")).is_ok());
    assert!(Vault::open(&path, &Unlock::Keyring(&store)).is_ok());
    assert!(matches!(
        Vault::open(&path, &Unlock::RecoveryKey(&shown)),
        Err(Error::WrongRecoveryKey)
    ));
    // The old key still opens the copy made before, but what it gives opens nothing now:
    // neither the vault nor its .bak.
    let old_master = Vault::unlock(&copy, &Unlock::RecoveryKey(&shown)).unwrap();
    assert!(Vault::open_with_key(&path, old_master.clone()).is_err());
    let bak = path.with_file_name("vault.json.bak");
    assert!(Vault::open_with_key(&bak, old_master).is_err());

    // Removing it rotates too (the removed key opens no copy that would unlock the vault);
    // the password stays the same.
    let copy2 = path.with_file_name("copy-before-removal.json");
    fs::copy(&path, &copy2).unwrap();
    vault
        .remove_recovery_key(Some("third"), Some(&store))
        .unwrap();
    assert!(!Vault::probe(&path).unwrap().recovery);
    assert!(Vault::open(&path, &Unlock::Password("third")).is_ok());
    let removed_master = Vault::unlock(&copy2, &Unlock::RecoveryKey(&rk2.display())).unwrap();
    assert!(Vault::open_with_key(&path, removed_master).is_err());
}

// Changing the password rotates the master key: an old copy of the file (or the old .bak) with
// the old password gives a key that does not open the vault as it is now.
#[test]
fn never_lose_a_seed_password_change_rotates_the_master_key() {
    let store = MemoryStore::default();
    let (dir, path, mut vault) = setup(&store);
    vault.add(new_account(URI, Some("a")), 1).unwrap();
    vault.add(new_account(HOTP, Some("h")), 2).unwrap();
    let copy = dir.path().join("old-copy.json");
    fs::copy(&path, &copy).unwrap();
    let bak = path.with_file_name("vault.json.bak");
    let gen_before = vault.data().generation;

    vault
        .set_password(Some("new pw"), KdfParams::MIN, Some(&store))
        .unwrap();

    let old_key = Vault::unlock(&copy, &Unlock::Password("correct horse")).unwrap();
    let err = Vault::open_with_key(&path, old_key.clone()).unwrap_err();
    assert!(matches!(err, Error::VaultUndecryptable(_)), "{err}");
    let err = Vault::open_with_key(&bak, old_key).unwrap_err();
    assert!(matches!(err, Error::VaultUndecryptable(_)), "{err}");
    assert!(Vault::open(&bak, &Unlock::Password("correct horse")).is_err());

    // The current vault opens with the new password and the keyring (rewritten with one key).
    let v = Vault::open(&path, &Unlock::Password("new pw")).unwrap();
    assert_eq!(v.accounts().len(), 2);
    assert_eq!(v.data().generation, gen_before + 1);
    let entry = {
        let text = fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let user = v["slots"][0]["user"].as_str().unwrap().to_string();
        store.get(KEYRING_SERVICE, &user).unwrap().unwrap()
    };
    assert_eq!(
        entry.split_whitespace().count(),
        1,
        "the old key left the keyring"
    );
    assert!(Vault::open(&path, &Unlock::Keyring(&store)).is_ok());
    // The .bak is the generation before, under the new key and the new password.
    let b = Vault::open(&bak, &Unlock::Password("new pw")).unwrap();
    assert_eq!(b.data().generation, gen_before);
    assert_eq!(b.accounts().len(), 2);
    // The handle keeps working, and a second handle opened before the change is told why.
    vault.add(new_account(URI, Some("b")), 3).unwrap();
    let err = Vault::open(&path, &Unlock::Password("correct horse")).unwrap_err();
    assert!(matches!(err, Error::WrongPassword), "{err}");
}

// Removing the password rotates too, and a rotation never needs the keyring when the vault has
// no keyring slot.
#[test]
fn removing_the_password_rotates_and_another_handle_is_told_the_key_changed() {
    let store = MemoryStore::default();
    let (dir, path, mut vault) = setup(&store);
    vault.add(new_account(URI, Some("a")), 1).unwrap();
    let mut other = Vault::open(&path, &Unlock::Keyring(&store)).unwrap();
    vault.set_recovery_key(None, Some(&store)).unwrap();
    let copy = dir.path().join("old-copy.json");
    fs::copy(&path, &copy).unwrap();
    vault
        .set_password(None, KdfParams::MIN, Some(&store))
        .unwrap();
    assert!(!Vault::probe(&path).unwrap().password);
    let old_key = Vault::unlock(&copy, &Unlock::Password("correct horse")).unwrap();
    assert!(Vault::open_with_key(&path, old_key).is_err());
    let err = other.add(new_account(URI, Some("b")), 2).unwrap_err();
    assert!(matches!(err, Error::KeyChanged), "{err}");
    assert!(matches!(other.refresh(), Err(Error::KeyChanged)));
    // Without the key store, a vault with a keyring slot cannot rotate; nothing changes.
    let before = fs::read(&path).unwrap();
    assert!(matches!(
        vault.set_password(Some("x"), KdfParams::MIN, None),
        Err(Error::Keyring(_))
    ));
    assert_eq!(fs::read(&path).unwrap(), before);
}

// The newest generation is remembered outside the file: an old copy put in place is refused
// until the user confirms, and HOTP counters do not go back with it.
#[test]
fn never_lose_a_seed_rollback_is_refused_unless_confirmed() {
    use std::sync::Arc;
    use twofold_core::vault::History;
    let store = Arc::new(MemoryStore::default());
    let (dir, path, mut vault) = setup(&store);
    let state = dir.path().join("state");
    let history = || History::new(&state).with_keyring(store.clone());
    vault.track(history(), false).unwrap();
    vault.add(new_account(HOTP, Some("h")), 1).unwrap();
    let old = dir.path().join("old.json");
    fs::copy(&path, &old).unwrap();
    let old_gen = vault.data().generation;
    // RFC 4226 counters 0, 1, 2.
    for want in ["755224", "287082", "359152"] {
        assert_eq!(vault.next_hotp("h", 5).unwrap().code, want);
    }
    let newest = vault.data().generation;
    drop(vault);

    fs::copy(&old, &path).unwrap();
    let open = || Vault::open(&path, &Unlock::Password("correct horse")).unwrap();
    let err = open().track(history(), false).unwrap_err();
    assert!(
        matches!(err, Error::VaultRolledBack { seen, found } if seen == newest && found == old_gen),
        "{err}"
    );
    assert!(err.to_string().contains(&format!("generation {old_gen}")));
    // Confirmed: it opens, and the HOTP counter stays at its high-water mark (3), not the
    // copy's 0, so no code is given twice.
    let mut v = open();
    v.track(history(), true).unwrap();
    assert_eq!(v.find("h").unwrap().otp.counter, 3, "the counter went back");
    assert_eq!(v.next_hotp("h", 6).unwrap().code, "969429");
    drop(v);
    // After the confirmation the vault opens without a question.
    open().track(history(), false).unwrap();
    // Losing the state directory alone does not hide a rollback: the keyring remembers the
    // generation of a vault with a keyring slot.
    fs::copy(&old, &path).unwrap();
    fs::remove_dir_all(&state).unwrap();
    assert!(matches!(
        open().track(history(), false),
        Err(Error::VaultRolledBack { .. })
    ));
    // A new vault at the same path is another vault, not a rollback.
    fs::remove_file(&path).unwrap();
    let mut fresh = Vault::create(
        &path,
        &CreateOptions {
            keyring: None,
            password: Some("pw"),
            kdf: KdfParams::MIN,
        },
    )
    .unwrap();
    fresh.track(history(), false).unwrap();
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

#[test]
fn a_new_vault_can_have_a_recovery_key_instead_of_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.json");
    let store = MemoryStore::default();
    let (_v, rk, note) = Vault::create_with_recovery_key(&path, Some(&store)).unwrap();
    assert!(note.is_none());
    let kinds = Vault::probe(&path).unwrap();
    assert!(kinds.keyring && kinds.recovery && !kinds.password);
    assert!(Vault::open(&path, &Unlock::RecoveryKey(&rk.display())).is_ok());
    assert!(Vault::open(&path, &Unlock::Keyring(&store)).is_ok());
    let other = dir.path().join("w.json");
    let (_w, rk, _) = Vault::create_with_recovery_key(&other, None).unwrap();
    assert!(Vault::open(&other, &Unlock::RecoveryKey(&rk.display())).is_ok());
}

/// A password slot's Argon2id cost is read from the unauthenticated header: a tampered one
/// asking for more than Twofold runs is refused before deriving, not attempted.
// See: issue 16 ("Limits before work").
#[test]
fn issue16_a_slot_asking_for_too_much_work_is_refused_before_deriving() {
    let store = MemoryStore::default();
    let (_d, path, _vault) = setup(&store);
    let good = bytes_of(&path);
    let costly = |kdf: &[(&str, u64)]| {
        let mut v: serde_json::Value = serde_json::from_slice(&good).unwrap();
        for s in v["slots"].as_array_mut().unwrap() {
            if s["type"] == "password" {
                for (field, value) in kdf {
                    s["kdf"][*field] = (*value).into();
                }
            }
        }
        serde_json::to_vec(&v).unwrap()
    };
    let cases: [&[(&str, u64)]; 6] = [
        &[("t", u64::from(u32::MAX))],
        &[("p", u64::from(u32::MAX))],
        &[("p", 17)],
        &[("m_kib", 4 << 20)],
        &[("m_kib", (1 << 20) + 1)],
        // Each within its own bound, but together 1 GiB times 16 passes: a minute of work.
        &[("m_kib", 1 << 20), ("t", 16)],
    ];
    for kdf in cases {
        let bytes = costly(kdf);
        fs::write(&path, &bytes).unwrap();
        // On its own thread, so a derivation that was started fails the test instead of
        // hanging it; "well under a second" is far less than any Argon2id run asked for here.
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let r = Vault::open(&p, &Unlock::Password("correct horse")).map(|_| ());
            let _ = tx.send((r, started.elapsed()));
        });
        let (result, took) = rx
            .recv_timeout(std::time::Duration::from_secs(1))
            .unwrap_or_else(|_| panic!("{kdf:?}: still deriving after a second"));
        let err = result.unwrap_err();
        assert!(matches!(err, Error::KdfTooCostly { .. }), "{kdf:?}: {err}");
        assert!(err.to_string().contains("tampered"), "{err}");
        eprintln!("{kdf:?} refused in {took:?}");
        assert_eq!(bytes_of(&path), bytes, "the file was modified");
    }
    // What Twofold writes still opens.
    fs::write(&path, &good).unwrap();
    assert!(Vault::open(&path, &Unlock::Password("correct horse")).is_ok());
}

// See: issue 16 ("Checked arithmetic"): taking the code of the largest HOTP counter overflowed.
#[test]
fn issue16_an_hotp_counter_at_its_largest_value_is_a_clear_error() {
    let store = MemoryStore::default();
    let (_d, path, mut vault) = setup(&store);
    let uri = HOTP.replace("counter=0", "counter=18446744073709551615");
    vault.add(new_account(&uri, Some("max")), 1).unwrap();
    let before = bytes_of(&path);
    let shown = vault.code("max", 5).unwrap();
    assert_eq!(shown.counter, u64::MAX);
    let e = vault.take_code("max", 5).unwrap_err();
    assert!(
        matches!(e, Error::CounterExhausted(ref n) if n == "max"),
        "{e}"
    );
    assert_eq!(bytes_of(&path), before, "nothing was written");
    assert_eq!(vault.find("max").unwrap().otp.counter, u64::MAX);
}
