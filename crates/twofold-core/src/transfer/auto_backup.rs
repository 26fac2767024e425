//! Automatic backups, and restoring a backup into the open vault.
//!
//! When the user turns automatic backups on, the backup password is asked once: Argon2id (the
//! Twofold backup's key derivation, with a salt chosen then) derives the key, and the key, salt
//! and cost are kept in the vault's encrypted [`Settings`](crate::vault::Settings), never the
//! password. [`write_due`] then seals the accounts with that key into
//! `twofold-<vault id prefix>-<UTC time>-g<generation>.twofold` whenever the folder's newest
//! backup of this vault is older than the vault's generation, and prunes the folder to the newest
//! `keep` of those files. Each file is an ordinary Twofold backup: `twofold import` and
//! [`read`] open it with the password. Files of other vaults, and every other file in the folder,
//! are never touched.
//!
//! [`restore`] puts a backup's accounts back into the vault: merged (the importer's path,
//! accounts the vault holds are skipped) or replacing every account, as a new generation. This
//! module does not decide when to write (the faces call [`write_due`] after a change) nor ask for
//! anything.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::otp::OtpKind;
use crate::vault::keys::fill_random;
use crate::vault::{default_name, write_private_file, KdfParams, NewAccount, Vault};
use crate::{hex, Error, Result};

/// How many automatic backups a folder keeps unless the user says otherwise.
pub const DEFAULT_KEEP: u32 = 10;

/// The file name's start and end: `twofold-<prefix>-<time>-g<generation>.twofold`.
const PREFIX: &str = "twofold-";
const SUFFIX: &str = ".twofold";
/// How much of the vault id names its backups.
const ID_LEN: usize = 8;

fn default_keep() -> u32 {
    DEFAULT_KEEP
}

/// Automatic backup settings, kept in the vault's encrypted settings. Holds the derived backup
/// key, so its `Debug` prints no key and it is never sent to a UI.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoBackup {
    /// The folder backups are written into.
    pub folder: PathBuf,
    /// How many of this vault's backups the folder keeps (the newest).
    #[serde(default = "default_keep")]
    pub keep: u32,
    kdf: KdfParams,
    salt: String,
    key: Zeroizing<String>,
}

impl std::fmt::Debug for AutoBackup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AutoBackup")
            .field("folder", &self.folder)
            .field("keep", &self.keep)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl AutoBackup {
    /// Settings for backups into `folder`, keeping `keep` files, sealed under a key derived from
    /// `password` now (Argon2id with cost `kdf` and a fresh salt). The folder must exist and be
    /// writable ([`Error::BackupFolder`]); `keep` is at least 1 ([`Error::BackupKeep`]).
    pub fn new(folder: &Path, keep: u32, password: &str, kdf: KdfParams) -> Result<AutoBackup> {
        if keep == 0 {
            return Err(Error::BackupKeep(keep));
        }
        if password.is_empty() {
            return Err(Error::EmptyPassword);
        }
        check_folder(folder)?;
        let mut salt = [0u8; 16];
        fill_random(&mut salt)?;
        let key = kdf.derive(password, &salt)?;
        Ok(AutoBackup {
            folder: folder.to_path_buf(),
            keep,
            kdf,
            salt: b64().encode(salt),
            key: Zeroizing::new(b64().encode(key.as_ref())),
        })
    }

    /// `accounts` as a backup file's bytes, sealed with the stored key.
    fn seal(&self, vault: &Vault) -> Result<Zeroizing<Vec<u8>>> {
        let broken = |what: &str| Error::VaultCorrupt {
            path: vault.path().to_path_buf(),
            reason: format!("the automatic backup {what} is damaged; turn backups on again"),
        };
        let salt = b64().decode(&self.salt).map_err(|_| broken("salt"))?;
        let bytes = Zeroizing::new(
            b64()
                .decode(self.key.as_bytes())
                .map_err(|_| broken("key"))?,
        );
        let key: Zeroizing<[u8; 32]> =
            Zeroizing::new(bytes.as_slice().try_into().map_err(|_| broken("key"))?);
        super::export::write_backup_with_key(vault.accounts(), &key, self.kdf, &salt)
    }
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Fails with [`Error::BackupFolder`] unless `folder` is a folder this process can create files
/// in (checked by creating and removing an empty hidden file).
pub fn check_folder(folder: &Path) -> Result<()> {
    let refuse = |reason: String| Error::BackupFolder {
        path: folder.to_path_buf(),
        reason,
    };
    match fs::metadata(folder) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(refuse("it is not a folder".into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(refuse("it does not exist".into()))
        }
        Err(e) => return Err(refuse(e.to_string())),
    }
    let mut rnd = [0u8; 6];
    fill_random(&mut rnd)?;
    let probe = folder.join(format!(".twofold-probe-{}", hex(&rnd)));
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| refuse(e.to_string()))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// One automatic backup file of a vault.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupFile {
    /// Where it is.
    pub path: PathBuf,
    /// The vault generation it holds.
    pub generation: u64,
    /// When it was written, Unix seconds (from its name).
    pub written: u64,
}

/// What [`status`] reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    /// The folder.
    pub folder: PathBuf,
    /// How many files are kept.
    pub keep: u32,
    /// The newest backup of this vault in the folder.
    pub last: Option<BackupFile>,
    /// How many backups of this vault the folder holds.
    pub count: usize,
    /// Whether the vault changed since the newest backup.
    pub due: bool,
    /// Why the folder could not be read, when it could not.
    pub problem: Option<String>,
}

/// The automatic backup state of `vault`; `None` when backups are off.
pub fn status(vault: &Vault) -> Option<BackupStatus> {
    let b = vault.settings().backups.as_ref()?;
    let (files, problem) = match list(vault, &b.folder) {
        Ok(f) => (f, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let last = files.last().cloned();
    Some(BackupStatus {
        folder: b.folder.clone(),
        keep: b.keep,
        due: last
            .as_ref()
            .is_none_or(|l| l.generation < vault.data().generation),
        count: files.len(),
        last,
        problem,
    })
}

/// Turns automatic backups on (`Some`) or off (`None`); one vault write. Turning them off
/// leaves the files written so far.
pub fn configure(vault: &mut Vault, backups: Option<AutoBackup>) -> Result<()> {
    vault.update(|d| {
        d.settings.backups = backups;
        Ok(())
    })
}

/// Writes a backup when the vault changed since the newest one in the folder, then prunes the
/// folder; returns the new file. `None` when backups are off or the newest is current. The
/// vault is used as last read: refresh it first to back up another process's change.
pub fn write_due(vault: &Vault, now: u64) -> Result<Option<PathBuf>> {
    let Some(b) = &vault.settings().backups else {
        return Ok(None);
    };
    let files = list(vault, &b.folder)?;
    if files
        .last()
        .is_some_and(|l| l.generation >= vault.data().generation)
    {
        return Ok(None);
    }
    write(vault, b, now).map(Some)
}

/// Writes a backup now, due or not, then prunes the folder ([`Error::BackupsOff`] when backups
/// are off).
pub fn write_now(vault: &Vault, now: u64) -> Result<PathBuf> {
    let b = vault.settings().backups.as_ref().ok_or(Error::BackupsOff)?;
    write(vault, b, now)
}

fn write(vault: &Vault, b: &AutoBackup, now: u64) -> Result<PathBuf> {
    // write_private_file would create a missing folder; a folder that vanished (an unplugged
    // disk, a renamed share) is an error to show, not one to paper over.
    check_folder(&b.folder)?;
    let bytes = b.seal(vault)?;
    let path = b.folder.join(file_name(vault, now));
    write_private_file(&path, &bytes)?;
    prune(vault, b)?;
    tracing::info!(file = %path.display(), "wrote an automatic backup");
    Ok(path)
}

fn id_prefix(vault: &Vault) -> String {
    vault
        .id()
        .chars()
        .filter(|c| *c != '-')
        .take(ID_LEN)
        .collect()
}

fn file_name(vault: &Vault, now: u64) -> String {
    format!(
        "{PREFIX}{}-{}-g{}{SUFFIX}",
        id_prefix(vault),
        compact_time(now),
        vault.data().generation
    )
}

/// `20261206T215245Z`: sortable, and no `:` (which Windows refuses in names).
fn compact_time(unix: u64) -> String {
    aws_smithy_types::DateTime::from_secs(i64::try_from(unix).unwrap_or(i64::MAX))
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| unix.to_string())
        .replace(['-', ':'], "")
}

fn parse_compact_time(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[9..11],
        &s[11..13],
        &s[13..15]
    );
    let t =
        aws_smithy_types::DateTime::from_str(&iso, aws_smithy_types::date_time::Format::DateTime)
            .ok()?;
    u64::try_from(t.secs()).ok()
}

/// Parses one of `vault`'s backup names (`prefix` is its id prefix).
fn parse_name(name: &str, prefix: &str) -> Option<(u64, u64)> {
    let rest = name
        .strip_prefix(PREFIX)?
        .strip_prefix(prefix)?
        .strip_prefix('-')?
        .strip_suffix(SUFFIX)?;
    let (time, generation) = rest.split_once("-g")?;
    if generation.is_empty() || !generation.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((parse_compact_time(time)?, generation.parse().ok()?))
}

/// `vault`'s automatic backups in `folder`, oldest first (by generation, then time).
pub fn list(vault: &Vault, folder: &Path) -> Result<Vec<BackupFile>> {
    let prefix = id_prefix(vault);
    let entries = fs::read_dir(folder).map_err(|e| Error::BackupFolder {
        path: folder.to_path_buf(),
        reason: if e.kind() == std::io::ErrorKind::NotFound {
            "it does not exist".into()
        } else {
            e.to_string()
        },
    })?;
    let mut files: Vec<BackupFile> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let (written, generation) = parse_name(&name, &prefix)?;
            Some(BackupFile {
                path: e.path(),
                generation,
                written,
            })
        })
        .collect();
    files.sort_by_key(|f| (f.generation, f.written));
    Ok(files)
}

/// Removes this vault's oldest backups beyond `keep`; nothing else in the folder.
fn prune(vault: &Vault, b: &AutoBackup) -> Result<()> {
    let files = list(vault, &b.folder)?;
    let extra = files.len().saturating_sub(b.keep as usize);
    for f in &files[..extra] {
        fs::remove_file(&f.path)
            .map_err(|e| Error::io(format!("removing the old backup {}", f.path.display()), e))?;
    }
    Ok(())
}

/// The accounts in a Twofold backup file (automatic or exported), opened with its password.
/// Runs Argon2id: call it off any thread that must stay responsive.
pub fn read(bytes: &[u8], password: &str) -> Result<Vec<NewAccount>> {
    super::export::read_backup(bytes, password)
}

/// How a backup goes back into the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RestoreMode {
    /// Add the backup's accounts the vault does not hold; keep everything else.
    Merge,
    /// The backup's accounts become the vault's accounts, as a new generation (the previous
    /// one stays in the vault's `.bak`).
    Replace,
}

/// What [`restore`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Restored {
    /// Accounts the vault did not hold before.
    pub added: usize,
    /// Backup accounts the vault already held (merge: skipped; replace: kept, with their id,
    /// AWS link and the higher HOTP counter).
    pub held: usize,
    /// Vault accounts the backup does not hold, removed (replace only).
    pub removed: usize,
    /// Accounts in the vault afterwards.
    pub total: usize,
}

/// Puts `accounts` (from [`read`]) into the vault: one locked, atomic write, or none.
pub fn restore(
    vault: &mut Vault,
    accounts: Vec<NewAccount>,
    mode: RestoreMode,
    now: u64,
) -> Result<Restored> {
    let mut out = match mode {
        RestoreMode::Merge => {
            let i = vault.import(accounts, now)?;
            Restored {
                added: i.added.len(),
                held: i.already.len(),
                ..Restored::default()
            }
        }
        RestoreMode::Replace => replace(vault, accounts, now)?,
    };
    out.total = vault.accounts().len();
    Ok(out)
}

fn replace(vault: &mut Vault, news: Vec<NewAccount>, now: u64) -> Result<Restored> {
    vault.update(|d| {
        let mut old: Vec<Option<crate::vault::Account>> = std::mem::take(&mut d.accounts)
            .into_iter()
            .map(Some)
            .collect();
        let mut out = Restored::default();
        for new in news {
            let name = match new.name.as_deref().map(str::trim) {
                Some("") => return Err(Error::EmptyName),
                Some(n) => {
                    d.check_name_free(n, None)?;
                    n.to_string()
                }
                None => d.free_name(&default_name(&new.uri)),
            };
            let same = old.iter_mut().find(|a| {
                a.as_ref().is_some_and(|a| {
                    a.otp.kind == new.uri.otp.kind
                        && a.otp.secret.as_bytes() == new.uri.otp.secret.as_bytes()
                })
            });
            match same.and_then(Option::take) {
                Some(mut a) => {
                    // The same account: it keeps its id, history and AWS link; a counter never
                    // goes back, or codes already used would be handed out again.
                    let counter = a.otp.counter.max(new.uri.otp.counter);
                    a.name = name;
                    a.issuer = new.uri.issuer;
                    a.account = new.uri.account;
                    a.otp = new.uri.otp;
                    if a.otp.kind == OtpKind::Hotp {
                        a.otp.counter = counter;
                    }
                    a.tags = new.tags;
                    d.accounts.push(a);
                    out.held += 1;
                }
                None => {
                    d.push_new(name, new, now);
                    out.added += 1;
                }
            }
        }
        out.removed = old.iter().flatten().count();
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::uri::OtpUri;
    use crate::transfer::import;
    use crate::vault::temp_vault;

    const NOW: u64 = 1_800_000_000;

    fn uri(s: &str) -> NewAccount {
        NewAccount {
            uri: OtpUri::parse(s).unwrap(),
            name: None,
            tags: Vec::new(),
        }
    }

    fn totp(secret: &str, account: &str) -> NewAccount {
        uri(&format!(
            "otpauth://totp/ACME:{account}?secret={secret}&issuer=ACME"
        ))
    }

    fn on(vault: &mut Vault, folder: &Path, keep: u32) {
        let b = AutoBackup::new(folder, keep, "backup pw", KdfParams::MIN).unwrap();
        configure(vault, Some(b)).unwrap();
    }

    #[test]
    fn a_backup_is_due_only_after_a_change() {
        let (_d, v) = temp_vault();
        let mut v = v.into_inner().unwrap();
        let folder = tempfile::tempdir().unwrap();
        assert_eq!(write_due(&v, NOW).unwrap(), None, "backups are off");

        on(&mut v, folder.path(), 10);
        let first = write_due(&v, NOW).unwrap().expect("the first backup");
        let gen = v.data().generation;
        assert!(first
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with(&format!("-g{gen}.twofold")));
        assert_eq!(write_due(&v, NOW + 5).unwrap(), None, "nothing changed");

        v.add(totp("JBSWY3DPEHPK3PXP", "alice"), NOW).unwrap();
        let second = write_due(&v, NOW + 10)
            .unwrap()
            .expect("due after a change");
        assert_ne!(first, second);
        let s = status(&v).unwrap();
        assert_eq!((s.count, s.due, s.keep), (2, false, 10));
        assert_eq!(s.last.unwrap().path, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&second).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_backup_opens_with_the_password_through_the_importer() {
        let (_d, v) = temp_vault();
        let mut v = v.into_inner().unwrap();
        let folder = tempfile::tempdir().unwrap();
        v.add(totp("JBSWY3DPEHPK3PXP", "alice"), NOW).unwrap();
        on(&mut v, folder.path(), 10);
        let path = write_due(&v, NOW).unwrap().unwrap();
        let bytes = fs::read(&path).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(!text.contains("JBSWY3DP") && !text.contains("alice"));

        let e = import::read(&bytes, None, Some("backup pw")).unwrap();
        assert_eq!(e.format, import::Format::TwofoldBackup);
        assert_eq!(e.accounts.len(), 1);
        assert_eq!(e.accounts[0].uri.account, "alice");
        assert!(matches!(
            read(&bytes, "wrong pw"),
            Err(Error::ExportWrongPassword(_))
        ));
        // The vault's settings hold the key, not the password.
        assert!(!format!("{:?}", v.settings()).contains("backup pw"));
    }

    #[test]
    fn pruning_keeps_the_newest_and_ignores_foreign_files() {
        let (_d, v) = temp_vault();
        let mut v = v.into_inner().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let foreign = [
            "notes.txt".to_string(),
            "twofold-export.twofold".into(),
            // Another vault's backup, and a name that only looks like ours.
            "twofold-0000aaaa-20260101T000000Z-g1.twofold".into(),
            format!("twofold-{}-garbage-g1.twofold", id_prefix(&v)),
        ];
        for f in &foreign {
            fs::write(folder.path().join(f), b"keep me").unwrap();
        }
        on(&mut v, folder.path(), 3);
        for i in 0..5 {
            v.add(totp("JBSWY3DPEHPK3PXP", &format!("a{i}")), NOW)
                .unwrap();
            write_due(&v, NOW + i).unwrap().unwrap();
        }
        let ours = list(&v, folder.path()).unwrap();
        let gens: Vec<u64> = ours.iter().map(|f| f.generation).collect();
        let g = v.data().generation;
        assert_eq!(gens, [g - 2, g - 1, g]);
        for f in &foreign {
            assert_eq!(fs::read(folder.path().join(f)).unwrap(), b"keep me", "{f}");
        }
    }

    #[test]
    fn a_missing_folder_is_a_clear_error_and_changes_nothing() {
        let (_d, v) = temp_vault();
        let mut v = v.into_inner().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let gone = folder.path().join("usb");
        assert!(matches!(
            AutoBackup::new(&gone, 10, "pw", KdfParams::MIN),
            Err(Error::BackupFolder { .. })
        ));
        assert!(matches!(
            AutoBackup::new(folder.path(), 0, "pw", KdfParams::MIN),
            Err(Error::BackupKeep(0))
        ));
        fs::create_dir(&gone).unwrap();
        on(&mut v, &gone, 10);
        fs::remove_dir(&gone).unwrap();
        let e = write_due(&v, NOW).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(!gone.exists(), "the folder is not recreated");
        assert!(status(&v).unwrap().problem.is_some());
    }

    #[test]
    fn merge_adds_what_is_missing_and_skips_what_is_held() {
        let (_d, v) = temp_vault();
        let mut v = v.into_inner().unwrap();
        let folder = tempfile::tempdir().unwrap();
        v.add(totp("JBSWY3DPEHPK3PXP", "alice"), NOW).unwrap();
        v.add(totp("GEZDGNBVGY3TQOJQ", "bob"), NOW).unwrap();
        on(&mut v, folder.path(), 10);
        let path = write_due(&v, NOW).unwrap().unwrap();
        v.remove("ACME:bob").unwrap();

        let accounts = read(&fs::read(&path).unwrap(), "backup pw").unwrap();
        let r = restore(&mut v, accounts, RestoreMode::Merge, NOW).unwrap();
        assert_eq!((r.added, r.held, r.removed, r.total), (1, 1, 0, 2));
        assert!(v.find("ACME:bob").is_ok());
    }

    #[test]
    fn replace_is_a_new_generation_and_keeps_the_higher_counter() {
        let (_d, v) = temp_vault();
        let mut v = v.into_inner().unwrap();
        let folder = tempfile::tempdir().unwrap();
        v.add(totp("JBSWY3DPEHPK3PXP", "alice"), NOW).unwrap();
        v.add(
            uri("otpauth://hotp/ACME:hotp?secret=GEZDGNBVGY3TQOJQ&issuer=ACME&counter=5"),
            NOW,
        )
        .unwrap();
        on(&mut v, folder.path(), 10);
        let path = write_due(&v, NOW).unwrap().unwrap();
        let backup = read(&fs::read(&path).unwrap(), "backup pw").unwrap();

        // After the backup: the counter moves on, one account goes, another comes.
        for _ in 0..3 {
            v.next_hotp("ACME:hotp", NOW).unwrap();
        }
        let hotp_id = v.find("ACME:hotp").unwrap().id.clone();
        v.remove("ACME:alice").unwrap();
        v.add(totp("MFRGGZDFMZTWQ2LK", "carol"), NOW).unwrap();
        let before = v.data().generation;

        let r = restore(&mut v, backup, RestoreMode::Replace, NOW).unwrap();
        assert_eq!((r.added, r.held, r.removed, r.total), (1, 1, 1, 2));
        assert_eq!(v.data().generation, before + 1);
        let names: Vec<_> = v.accounts().iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["ACME:alice", "ACME:hotp"]);
        let h = v.find("ACME:hotp").unwrap();
        assert_eq!((h.otp.counter, &h.id), (8, &hotp_id));
        // The previous generation is in the .bak, carol included.
        let bak = Vault::open(
            &PathBuf::from(format!("{}.bak", v.path().display())),
            &crate::vault::Unlock::Password("pw"),
        )
        .unwrap();
        assert!(bak.find("ACME:carol").is_ok());
        assert_eq!(bak.data().generation, before);
    }

    #[test]
    fn names_round_trip_and_refuse_other_shapes() {
        let t = compact_time(NOW);
        assert_eq!(t.len(), 16);
        assert_eq!(parse_compact_time(&t), Some(NOW));
        assert_eq!(
            parse_name(&format!("twofold-abcd1234-{t}-g7.twofold"), "abcd1234"),
            Some((NOW, 7))
        );
        assert_eq!(
            parse_name(&format!("twofold-abcd1234-{t}-g.twofold"), "abcd1234"),
            None
        );
        assert_eq!(
            parse_name(&format!("twofold-abcd1234-{t}-g7.twofold.tmp"), "abcd1234"),
            None
        );
        assert_eq!(
            parse_name(&format!("twofold-ffff1234-{t}-g7.twofold"), "abcd1234"),
            None
        );
    }
}
