//! The vault file on disk: its envelope format and the atomic, locked write.
//!
//! The file is JSON: a header (format, version, vault id, key slots) and the AES-256-GCM
//! ciphertext of the account data, with the serialized header as associated data so a slot
//! cannot be swapped or the version changed without the tag failing. Writes go to a temporary
//! file in the same directory, are fsynced, the previous generation is kept as `<name>.bak`, the
//! temporary file is renamed over the vault and the directory is fsynced: a crash at any moment
//! leaves the old or the new vault, never a torn one.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use super::keys::KdfParams;
use crate::{hex, Error, Result};

/// The `format` field of every vault file.
pub(crate) const FORMAT: &str = "twofold-vault";
/// The newest format version this build reads and the one it writes.
pub const VERSION: u32 = 1;

/// One way to obtain the master key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum Slot {
    /// The master key is an OS keyring entry.
    Keyring { service: String, user: String },
    /// The master key wrapped under an Argon2id-derived key.
    Password {
        kdf: KdfParams,
        salt: B64,
        nonce: B64,
        wrapped_key: B64,
    },
    /// The master key sealed to a recovery key's X25519 public key (see `recovery`).
    Recovery {
        public_key: B64,
        ephemeral: B64,
        nonce: B64,
        wrapped_key: B64,
    },
}

/// Bytes stored as standard base64 in JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct B64(pub Vec<u8>);

impl serde::Serialize for B64 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> serde::Deserialize<'de> for B64 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .map(B64)
            .map_err(serde::de::Error::custom)
    }
}

/// Everything authenticated but not encrypted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Header {
    pub format: String,
    pub version: u32,
    pub vault_id: String,
    pub slots: Vec<Slot>,
}

impl Header {
    /// The associated data that binds the header to the ciphertext.
    pub fn aad(&self) -> Vec<u8> {
        // Serializing a struct with serde_json is deterministic (field order is declaration order).
        serde_json::to_vec(self).unwrap_or_default()
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Envelope {
    #[serde(flatten)]
    pub header: Header,
    pub cipher: String,
    pub nonce: B64,
    pub ciphertext: B64,
}

/// Reads and parses a vault file without decrypting it. Refuses unknown formats and versions
/// before looking at anything else.
pub(crate) fn read_envelope(path: &Path) -> Result<(Envelope, FileStamp)> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::VaultMissing(path.to_path_buf()))
        }
        Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
    };
    let stamp = FileStamp::of(path);
    Ok((parse_envelope(&bytes, path)?, stamp))
}

/// Parses a vault file's bytes without decrypting them (`path` is for messages).
pub(crate) fn parse_envelope(bytes: &[u8], path: &Path) -> Result<Envelope> {
    let corrupt = |reason: String| Error::VaultCorrupt {
        path: path.to_path_buf(),
        reason,
    };
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not JSON: {e}")))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(corrupt("no twofold-vault format marker".into()));
    }
    let version = value
        .get("version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| corrupt("no version number".into()))?;
    if version != u64::from(VERSION) {
        return Err(Error::UnsupportedVersion {
            path: path.to_path_buf(),
            version: u32::try_from(version).unwrap_or(u32::MAX),
        });
    }
    let env: Envelope = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
    if env.cipher != "aes-256-gcm" {
        return Err(corrupt(format!("unknown cipher {:?}", env.cipher)));
    }
    Ok(env)
}

/// What identifies one generation of the file cheaply, to notice another process's write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    ino: u64,
}

impl FileStamp {
    pub fn of(path: &Path) -> Self {
        match fs::metadata(path) {
            Ok(m) => FileStamp {
                len: m.len(),
                modified: m.modified().ok(),
                #[cfg(unix)]
                ino: std::os::unix::fs::MetadataExt::ino(&m),
            },
            Err(_) => FileStamp::default(),
        }
    }
}

/// An exclusive advisory lock on `<vault>.lock`, held while a process reads, changes and
/// writes the vault. Released on drop.
pub(crate) struct WriteLock(#[allow(dead_code)] File);

impl WriteLock {
    pub fn acquire(vault: &Path) -> Result<Self> {
        let lock_path = sibling(vault, ".lock");
        if let Some(dir) = vault.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(format!("opening {}", lock_path.display()), e))?;
        f.lock()
            .map_err(|e| Error::io(format!("locking {}", lock_path.display()), e))?;
        Ok(WriteLock(f))
    }
}

/// `<path><suffix>`, e.g. `vault.json.bak`.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Moves a `<path>.bak` left by an earlier vault to `<path>.bak.<date>` (for example
/// `vault.json.bak.2026-12-06T20-11-00Z`), so a new vault at `path` never overwrites what may be
/// the last copy of the old one's seeds. Returns where it went, if there was one.
pub(crate) fn keep_old_backup(path: &Path, unix: u64) -> Result<Option<PathBuf>> {
    let bak = sibling(path, ".bak");
    if !bak.exists() {
        return Ok(None);
    }
    let date = aws_smithy_types::DateTime::from_secs(i64::try_from(unix).unwrap_or(i64::MAX))
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| unix.to_string())
        .replace(':', "-");
    let kept = (1..)
        .map(|n| match n {
            1 => sibling(path, &format!(".bak.{date}")),
            n => sibling(path, &format!(".bak.{date}.{n}")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| sibling(path, ".bak.old"));
    fs::rename(&bak, &kept).map_err(|e| {
        Error::io(
            format!("keeping {} as {}", bak.display(), kept.display()),
            e,
        )
    })?;
    Ok(Some(kept))
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))
}

/// Writes `bytes` to `path` atomically (the caller holds the [`WriteLock`]). When `path`
/// exists, its current generation is kept as `<path>.bak` first.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(path, bytes, true)
}

/// Replaces `path` atomically with a 0600 file holding `bytes` (temp file, fsync, rename,
/// fsync the directory), for files other than the vault: no backup is kept.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(path, bytes, false)
}

fn replace_file(path: &Path, bytes: &[u8], keep_previous: bool) -> Result<()> {
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if keep_previous {
        // Only the lock holder writes the vault, so any temporary left now is stale.
        remove_stale_temporaries(&dir, &name);
    }

    let mut rnd = [0u8; 6];
    super::keys::fill_random(&mut rnd)?;
    let tmp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), hex(&rnd)));
    let result = (|| -> Result<()> {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts
            .open(&tmp)
            .map_err(|e| Error::io(format!("creating {}", tmp.display()), e))?;
        f.write_all(bytes)
            .map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
        f.sync_all()
            .map_err(|e| Error::io(format!("syncing {}", tmp.display()), e))?;
        drop(f);

        if keep_previous && path.exists() {
            keep_backup(path)?;
        }
        fs::rename(&tmp, path)
            .map_err(|e| Error::io(format!("replacing {}", path.display()), e))?;
        sync_dir(&dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Makes `<path>.bak` the current generation of `path`, atomically: a hard link (or copy) under
/// a temporary name, then a rename over the old backup.
fn keep_backup(path: &Path) -> Result<()> {
    let bak = sibling(path, ".bak");
    let bak_tmp = sibling(path, ".bak.tmp");
    let _ = fs::remove_file(&bak_tmp);
    if fs::hard_link(path, &bak_tmp).is_err() {
        fs::copy(path, &bak_tmp).map_err(|e| {
            Error::io(
                format!("copying {} to {}", path.display(), bak_tmp.display()),
                e,
            )
        })?;
        File::open(&bak_tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(format!("syncing {}", bak_tmp.display()), e))?;
    }
    fs::rename(&bak_tmp, &bak).map_err(|e| Error::io(format!("replacing {}", bak.display()), e))
}

/// Temporary files left by a writer that was killed; only the lock holder writes, so any
/// that exist now are stale.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&prefix) && n.ends_with(".tmp") {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(format!("syncing directory {}", dir.display()), e))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<()> {
    // Windows has no directory fsync; MoveFileEx with write-through is what rename uses.
    Ok(())
}
