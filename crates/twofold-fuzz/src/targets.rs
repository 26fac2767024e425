//! The table of targets: every parser of input Twofold did not write, each with its seeds, its
//! dictionary and, where it reaches deeper, a structured generator.

use std::sync::OnceLock;

use twofold_core::aws::admin::parse_credential_report;
use twofold_core::aws::client::{mask_key, DeviceKind, Identity};
use twofold_core::aws::profiles::IniDoc;
use twofold_core::aws::sessions::{credential_process_json, rfc3339};
use twofold_core::aws::AwsError;
use twofold_core::otp::uri::OtpUri;
use twofold_core::otp::{OtpKind, Secret};
use twofold_core::qr::{self, Payload};
use twofold_core::transfer::google;
use twofold_core::transfer::import::{self, Format};
use twofold_core::vault::{MemoryStore, RecoveryKey};
use twofold_core::{fuzz, qr::source::load_image_bytes};

use crate::engine::Rng;
use crate::seeds;

/// One fuzz target.
pub struct Target {
    /// Its name on the command line.
    pub name: &'static str,
    /// What it feeds and to what.
    pub about: &'static str,
    /// Its seed corpus, built in code.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens mutations insert.
    pub dict: &'static [&'static [u8]],
    /// One execution: panics on a finding (a panic in the parser, or a broken invariant).
    pub run: fn(&[u8]),
    /// A structured generator, when plain mutation does not reach deep enough.
    pub generate: Option<fn(&mut Rng) -> Vec<u8>>,
    /// The longest input tried.
    pub max_len: usize,
    /// The most one execution may allocate (peak live bytes, and any single allocation).
    pub alloc_limit: usize,
    /// Executions in the brief run of `cargo test`.
    pub brief: u64,
}

const MIB: usize = 1 << 20;
/// The default allocation limit of one execution.
pub const ALLOC_LIMIT: usize = 256 * MIB;

fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

// ---------------------------------------------------------------------------------------------
// otpauth URIs

const URI_DICT: &[&[u8]] = &[
    b"otpauth://",
    b"otpauth://totp/",
    b"otpauth://hotp/",
    b"otpauth://steam/",
    b"secret=",
    b"&secret=",
    b"issuer=",
    b"&issuer=",
    b"algorithm=SHA256",
    b"algorithm=SHA512",
    b"&digits=",
    b"&period=",
    b"&counter=",
    b"%",
    b"%3A",
    b"%00",
    b"%C3%A9",
    b"%FF",
    b":",
    b"?",
    b"&",
    b"=",
    b"JBSWY3DPEHPK3PXP",
    b"====",
];

fn uri_seeds() -> Vec<Vec<u8>> {
    seeds::URIS.iter().map(|u| u.as_bytes().to_vec()).collect()
}

/// An otpauth URI with arbitrary parameters: kinds, labels and values from pools and noise.
fn gen_uri(rng: &mut Rng) -> Vec<u8> {
    let kinds = ["totp", "hotp", "steam", "TOTP", "motp", ""];
    let keys = [
        "secret",
        "issuer",
        "algorithm",
        "digits",
        "period",
        "counter",
        "image",
        "Secret",
        "",
    ];
    let values = [
        "JBSWY3DPEHPK3PXP",
        "jbsw y3dp",
        "A",
        "",
        "SHA1",
        "sha512",
        "MD5",
        "6",
        "10",
        "0",
        "86400",
        "86401",
        "18446744073709551615",
        "-1",
        "%ZZ",
        "%E2%9C",
        "caf%C3%A9",
        "a:b",
    ];
    let mut s = format!("otpauth://{}/", rng.pick(&kinds));
    s.push_str(&noise(
        rng,
        &["ACME", "alice", ":", "%3A", " ", "%20", "é"],
        4,
    ));
    if !rng.one_in(8) {
        s.push('?');
    }
    for i in 0..rng.below(8) {
        if i > 0 {
            s.push('&');
        }
        s.push_str(rng.pick::<&str>(&keys));
        if !rng.one_in(10) {
            s.push('=');
        }
        if rng.one_in(4) {
            s.push_str(&noise(rng, &values, 3));
        } else {
            s.push_str(rng.pick::<&str>(&values));
        }
    }
    s.into_bytes()
}

/// Up to `n` pieces from `pool`, with a random character now and then.
fn noise(rng: &mut Rng, pool: &[&str], n: usize) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(n + 1) {
        if rng.one_in(5) {
            s.push(char::from_u32(rng.below(0x3000) as u32).unwrap_or('?'));
        } else {
            s.push_str(rng.pick::<&str>(pool));
        }
    }
    s
}

fn run_uri(bytes: &[u8]) {
    let Ok(uri) = OtpUri::parse(&text(bytes)) else {
        return;
    };
    // What we write, we read back as the same account.
    let written = uri.to_uri();
    let again =
        OtpUri::parse(&written).unwrap_or_else(|e| panic!("our own URI does not parse: {e}"));
    // A TOTP URI may carry a `counter`, an HOTP URI a `period`, that the parser keeps and the
    // writer (rightly) leaves out: neither changes a code.
    let mut want = uri.clone();
    if want.otp.kind == OtpKind::Hotp {
        want.otp.period = again.otp.period;
    } else {
        want.otp.counter = again.otp.counter;
    }
    assert_eq!(again, want, "URI round trip changed the account");
    let _ = uri.otp.code_at(1_700_000_000);
    if uri.otp.kind == OtpKind::Hotp {
        let _ = uri.otp.code_for_counter(uri.otp.counter);
    }
}

// ---------------------------------------------------------------------------------------------
// Google Authenticator migration

const GOOGLE_DICT: &[&[u8]] = &[
    b"otpauth-migration://offline?data=",
    b"%2B",
    b"%2F",
    b"%3D",
    b"\x0a",
    b"\x12",
    b"\x1a",
    b"\x20",
    b"\x28",
    b"\x30",
    b"\x38",
    b"\xff\xff\xff\xff\x0f",
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
    b"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01",
];

fn google_seeds() -> Vec<Vec<u8>> {
    let mut out = seeds::google_payloads();
    out.extend(seeds::google_uris().into_iter().map(String::into_bytes));
    out
}

fn run_google(bytes: &[u8]) {
    let _ = google::parse_uri(&text(bytes));
    let Ok(batch) = google::parse_payload(bytes) else {
        return;
    };
    let _ = batch.is_complete_export();
    if batch.accounts.is_empty() {
        return;
    }
    // What we encode from a batch reads back as the same accounts.
    let again = google::parse_payload(&google::to_payload(&batch.accounts, 1, 0, 0))
        .unwrap_or_else(|e| panic!("our own payload does not parse: {e}"));
    assert_eq!(again.accounts.len(), batch.accounts.len());
}

// ---------------------------------------------------------------------------------------------
// QR payload classification

fn payload_seeds() -> Vec<Vec<u8>> {
    let mut out = uri_seeds();
    out.extend(seeds::google_uris().into_iter().map(String::into_bytes));
    out.push(b"WIFI:T:WPA;S:home;P:hunter2;;".to_vec());
    out.push(b"https://example.com/".to_vec());
    out
}

fn run_payload(bytes: &[u8]) {
    if let Ok(p) = Payload::parse(&text(bytes)) {
        let _ = p.accounts().len();
    }
}

// ---------------------------------------------------------------------------------------------
// Import formats

const IMPORT_DICT: &[&[u8]] = &[
    b"otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP",
    b"otpauth-migration://offline?data=",
    b"<?xml version='1.0'?>",
    b"<map>",
    b"<string name=\"",
    b"&quot;",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"\":",
    b",",
    b"null",
    b"\"secret\":",
    b"\"issuer\":",
    b"\"digits\":",
    b"\"period\":",
    b"\"counter\":",
    b"\"algorithm\":",
    b"\"type\":",
    b"\"tokenType\":\"HOTP\"",
    b"\"encrypted\":true",
    b"\"services\":",
    b"\"schemaVersion\":",
    b"\"tokens\":",
    b"\"tokenOrder\":",
    b"\"entries\":",
    b"\"items\":",
    b"\"totp\":",
    b"\"Authenticators\":",
    b"\"kdfParams\":",
    b"\"memLimit\":",
    b"\"opsLimit\":",
    b"\"db\":",
    b"\"header\":",
    b"\"slots\":",
    b"\"format\":\"twofold-backup\"",
    b"PK\x03\x04",
    b"PK\x01\x02",
    b"PK\x05\x06",
    b"\xac\xed\x00\x05",
    b"java.util.HashMap",
    b"-----BEGIN PGP MESSAGE-----",
    b"AUTHENTICATORPRO",
    b"\n",
    b"\r\n",
    b",",
];

fn import_seed_files() -> &'static [(Vec<u8>, Option<&'static str>)] {
    static FILES: OnceLock<Vec<(Vec<u8>, Option<&'static str>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut files = seeds::import_files();
        if let Some(backup) = seeds::backup() {
            files.push((backup, Some("s3cret")));
        }
        files
    })
}

fn import_seeds() -> Vec<Vec<u8>> {
    import_seed_files().iter().map(|(b, _)| b.clone()).collect()
}

/// One import: detection, then the format's reader, with no password (an encrypted file stops
/// at "password needed"; the importers derive nothing without one).
fn import(bytes: &[u8], from: Option<Format>) {
    if from.is_none() {
        let _ = import::detect(bytes);
    }
    if let Ok(export) = import::read(bytes, from, None) {
        assert_eq!(export.accounts.len(), export.numbers.len());
        for a in &export.accounts {
            // Every account read is one we can write and read back.
            let uri = a.uri.to_uri();
            OtpUri::parse(&uri).unwrap_or_else(|e| panic!("imported account's URI: {e}"));
        }
    }
}

macro_rules! import_targets {
    ($($f:ident => $name:literal, $format:expr;)*) => {
        $(fn $f(bytes: &[u8]) { import(bytes, Some($format)) })*
        const IMPORT_TARGETS: &[(&str, fn(&[u8]))] = &[$(($name, $f)),*];
    };
}

import_targets! {
    import_twofold => "import-twofold", Format::TwofoldBackup;
    import_uri_list => "import-uri-list", Format::UriList;
    import_google => "import-google", Format::Google;
    import_2fas => "import-2fas", Format::TwoFas;
    import_andotp => "import-andotp", Format::AndOtp;
    import_aegis => "import-aegis", Format::Aegis;
    import_bitwarden => "import-bitwarden", Format::Bitwarden;
    import_lastpass => "import-lastpass", Format::LastPass;
    import_freeotp => "import-freeotp", Format::FreeOtp;
    import_freeotp_plus => "import-freeotp-plus", Format::FreeOtpPlus;
    import_proton => "import-proton", Format::Proton;
    import_ente => "import-ente", Format::Ente;
    import_authpro => "import-authenticator-pro", Format::AuthenticatorPro;
    import_proton_pass => "import-proton-pass", Format::ProtonPass;
    import_raivo => "import-raivo", Format::Raivo;
    import_totp_auth => "import-totp-authenticator", Format::TotpAuthenticator;
    import_winauth => "import-winauth", Format::WinAuth;
    import_authplus => "import-authenticator-plus", Format::AuthenticatorPlus;
}

fn run_detect(bytes: &[u8]) {
    import(bytes, None)
}

/// The formats whose password work does not come from the file (a fixed, cheap derivation):
/// these are fuzzed with a password too. The others (Aegis, andOTP, Bitwarden, Ente, FreeOTP,
/// 2FAS, Proton, Authenticator Pro, Twofold) read their KDF cost from the file, capped by each
/// importer as high as 1 GiB: they run without a password here.
const PASSWORD_FORMATS: &[Format] = &[
    Format::TotpAuthenticator,
    Format::WinAuth,
    Format::AuthenticatorPlus,
    Format::Raivo,
    Format::ProtonPass,
    Format::UriList,
    Format::Google,
    Format::LastPass,
];

/// The first byte picks the format and whether the password is the right one; the rest is the
/// file.
fn run_password(bytes: &[u8]) {
    let Some((&pick, file)) = bytes.split_first() else {
        return;
    };
    let format = PASSWORD_FORMATS[usize::from(pick & 0x7f) % PASSWORD_FORMATS.len()];
    let password = if pick & 0x80 == 0 { "s3cret" } else { "wrong" };
    if let Ok(export) = import::read(file, Some(format), Some(password)) {
        assert_eq!(export.accounts.len(), export.numbers.len());
    }
}

fn password_seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for (file, _) in import_seed_files() {
        let Ok(format) = import::detect(file) else {
            continue;
        };
        if let Some(i) = PASSWORD_FORMATS.iter().position(|f| *f == format) {
            for flag in [0u8, 0x80] {
                out.push([&[i as u8 | flag][..], file].concat());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The vault file and Twofold backups

const VAULT_DICT: &[&[u8]] = &[
    b"\"format\":\"twofold-vault\"",
    b"\"version\":1",
    b"\"type\":\"keyring\"",
    b"\"type\":\"password\"",
    b"\"type\":\"recovery\"",
    b"\"kdf\":{\"m_kib\":8192,\"t\":1,\"p\":1}",
    b"\"m_kib\":",
    b"\"t\":4294967295",
    b"\"cipher\":\"aes-256-gcm\"",
    b"\"public_key\":",
    b"\"ephemeral\":",
    b"\"wrapped_key\":",
    b"\"nonce\":\"AAAAAAAAAAAAAAAA\"",
    b"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"",
    b"\"accounts\":[]",
];

fn vault_seeds() -> Vec<Vec<u8>> {
    let key32 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let vault = format!(
        r#"{{"format":"twofold-vault","version":1,"vault_id":"0123","slots":[
{{"type":"keyring","service":"app.twofold.Twofold","user":"0123"}},
{{"type":"password","kdf":{{"m_kib":8192,"t":1,"p":1}},"salt":"{key32}","nonce":"AAAAAAAAAAAAAAAA","wrapped_key":"{key32}"}},
{{"type":"recovery","public_key":"{key32}","ephemeral":"{key32}","nonce":"AAAAAAAAAAAAAAAA","wrapped_key":"{key32}"}}],
"cipher":"aes-256-gcm","nonce":"AAAAAAAAAAAAAAAA","ciphertext":"{key32}"}}"#
    );
    let plain = r#"{"accounts":[{"id":"a1","name":"ACME:alice","issuer":"ACME","account":"alice","kind":"totp","algorithm":"SHA1","digits":6,"period":30,"counter":0,"secret":"JBSWY3DPEHPK3PXP","tags":[],"created":1}],"settings":{},"generation":3,"sessions":[],"used_windows":{}}"#;
    let mut out = vec![vault.into_bytes(), plain.as_bytes().to_vec()];
    out.extend(seeds::backup());
    out
}

/// A recovery key as the user would type it (a fixed one: the slot's public key in the input
/// will not match, which is what a tampered or foreign vault looks like).
fn recovery() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| {
        RecoveryKey::generate()
            .map(|k| k.display().to_string())
            .unwrap_or_default()
    })
}

fn run_vault(bytes: &[u8]) {
    let store = MemoryStore::default();
    let _ = fuzz::vault_file(bytes, recovery(), &store);
    let _ = fuzz::vault_plain(bytes);
    let _ = RecoveryKey::parse(&text(bytes));
}

fn run_backup(bytes: &[u8]) {
    if let Ok(kdf) = fuzz::backup_header(bytes) {
        // The bounds the reader promises before it derives anything.
        assert!(
            kdf.m_kib <= 1 << 20 && kdf.t <= 16 && kdf.p <= 16,
            "{kdf:?}"
        );
    }
    let _ = fuzz::backup_plain(bytes);
}

fn backup_seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = seeds::backup().into_iter().collect();
    out.push(
        br#"{"accounts":[{"name":"n","issuer":"ACME","account":"alice","kind":"hotp","algorithm":"SHA256","digits":8,"period":30,"counter":18446744073709551615,"secret":"JBSWY3DPEHPK3PXP","tags":["t"]}]}"#
            .to_vec(),
    );
    out
}

// ---------------------------------------------------------------------------------------------
// AWS config and credentials files

const INI_DICT: &[&[u8]] = &[
    b"[profile ",
    b"[default]",
    b"[profile default]",
    b"[sso-session s]",
    b"[services x]",
    b"]\n",
    b" = ",
    b"=",
    b"\n",
    b"\r\n",
    b"\n  ",
    b"\t",
    b"# c\n",
    b"; c\n",
    b"region = eu-west-1\n",
    b"mfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
    b"role_arn = arn:aws:iam::123456789012:role/admin\n",
    b"source_profile = base\n",
    b"duration_seconds = 43200\n",
    b"credential_process = twofold aws session --profile p\n",
    b"aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
    b"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n",
    b"s3 =\n  max_concurrent_requests = 10\n",
];

fn ini_seeds() -> Vec<Vec<u8>> {
    vec![
        b"[default]\nregion = us-east-1\n\n[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\nduration_seconds = 3600\ns3 =\n  max_concurrent_requests = 10\n# comment\n".to_vec(),
        b"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = secret\r\n\r\n[work-session]\naws_session_token = tok\n".to_vec(),
        Vec::new(),
    ]
}

/// INI lines from pools of valid and broken forms.
fn gen_ini(rng: &mut Rng) -> Vec<u8> {
    let lines = [
        "[default]",
        "[profile a]",
        "[profile  b ]",
        "[a]",
        "[",
        "]",
        "[profile]",
        "region = eu-west-1",
        "region=",
        "=v",
        "  continued",
        "\tsub = 1",
        "# comment",
        "; comment",
        "mfa_serial = arn:aws:iam::1:mfa/x",
        "duration_seconds = 99999999999",
        "source_profile = a",
        "role_arn = arn",
        "aws_access_key_id = AKIA",
        "",
    ];
    let mut s = String::new();
    for _ in 0..rng.below(16) {
        if rng.one_in(6) {
            s.push_str(&noise(
                rng,
                &["[", "]", "=", " ", "#", "profile", "é", "\r"],
                6,
            ));
        } else {
            s.push_str(rng.pick::<&str>(&lines));
        }
        s.push_str(if rng.one_in(8) { "\r\n" } else { "\n" });
    }
    s.into_bytes()
}

fn run_ini(bytes: &[u8]) {
    let t = text(bytes);
    let doc = IniDoc::parse(&t);
    // What we write reads back as the same document, CRLF and lone CRs included.
    let written = doc.to_text();
    assert_eq!(IniDoc::parse(&written), doc, "IniDoc round trip");
    assert_eq!(IniDoc::parse(&written).to_text(), written);
    // The SDK's parser on both files, and on what our writer makes of them.
    let _ = fuzz::profiles(&t, "");
    let _ = fuzz::profiles("", &t);
    let mut edited = doc.clone();
    edited
        .set(
            "work-session",
            &[("aws_access_key_id", "ASIA"), ("aws_session_token", "tok")],
        )
        .expect("plain values are always written");
    let section = edited
        .section("work-session")
        .expect("the section is there");
    assert!(section.contains(&("aws_session_token".into(), "tok".into())));
    let _ = fuzz::profiles("", &edited.to_text());
    // A value from the input is written only when it reads back as exactly itself, in its own
    // section, and changes nothing else (no line break, no new section).
    let value = t.lines().next().unwrap_or_default();
    let mut injected = IniDoc::parse("[default]\nregion = us-east-1\n");
    if injected
        .set("target", &[("aws_session_token", value)])
        .is_ok()
    {
        let back = IniDoc::parse(&injected.to_text());
        assert_eq!(
            back.section("target"),
            Some(vec![("aws_session_token".into(), value.to_string())])
        );
        assert_eq!(
            back.section("default"),
            Some(vec![("region".into(), "us-east-1".into())])
        );
    }
}

// ---------------------------------------------------------------------------------------------
// STS and IAM responses, as the SDK hands them over

/// Splits the input into up to `n` NUL-separated strings (UTF-8, lossily).
fn fields(bytes: &[u8], n: usize) -> Vec<String> {
    let mut out: Vec<String> = bytes
        .splitn(n, |b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    out.resize(n, String::new());
    out
}

fn sts_seeds() -> Vec<Vec<u8>> {
    vec![
        b"ASIAIOSFODNN7EXAMPLE\x00wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\x00IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ\x001700000000\x00500".to_vec(),
        b"ASIA\x00s\x00t&#10;[prod]&#10;x\x00-9223372036854775808\x004294967295".to_vec(),
        b"arn:aws:iam::123456789012:user/path/alice\0arn:aws:iam::123456789012:mfa/alice\0AccessDenied\0JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\0".to_vec(),
    ]
}

const STS_DICT: &[&[u8]] = &[
    b"\0",
    b"\n",
    b"\r",
    b"&#10;",
    b"[prod]",
    b"$(touch x)",
    b"'",
    b"\"",
    b"`",
    b"\xc3\xa9",
    b"\xe2\x9c\x93",
    b"arn:aws:iam::",
    b":user/",
    b":mfa/",
    b":u2f/",
    b":root",
    b"ExpiredToken",
    b"AccessDenied",
    b"Throttling",
];

fn gen_sts(rng: &mut Rng) -> Vec<u8> {
    let pool = [
        "ASIA",
        "AKIA",
        "é",
        "\n",
        "[prod]",
        "$(id)",
        "'",
        "=",
        "x",
        "\u{202e}",
        "credential_process = sh",
    ];
    let mut parts: Vec<String> = (0..3).map(|_| noise(rng, &pool, 12)).collect();
    let secs = *rng.pick(&[
        i64::MIN,
        i64::MAX,
        -1,
        0,
        253_402_300_799,
        253_402_300_800,
        1_700_000_000,
    ]);
    parts.push(secs.to_string());
    parts.push(rng.next_u64().to_string());
    parts.join("\0").into_bytes()
}

fn run_sts(bytes: &[u8]) {
    let f = fields(bytes, 5);
    let secs: i64 = f[3].trim().parse().unwrap_or(0);
    let nanos: u32 = f[4].trim().parse().unwrap_or(0);
    let expiration = aws_smithy_types::DateTime::from_secs_and_nanos(secs, nanos % 1_000_000_000);
    let built = aws_sdk_sts::types::Credentials::builder()
        .access_key_id(&f[0])
        .secret_access_key(&f[1])
        .session_token(&f[2])
        .expiration(expiration)
        .build();
    let _ = fuzz::sts_credentials(None);
    let Ok(c) = built else {
        return;
    };
    let Ok(session) = fuzz::sts_credentials(Some(&c)) else {
        return;
    };
    let json = credential_process_json(&session);
    let _: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| {
        panic!("credential_process output is not JSON: {e}");
    });
    let _ = rfc3339(session.expiration);
    // Masking a key id of any characters (it once sliced inside a multi-byte one).
    let _ = format!("{session:?}");
    let _ = mask_key(&session.access_key_id);
    // Validated credentials are always safe to write (`aws session --target-profile`);
    // anything else never gets that far.
    if session.validate("fuzz").is_err() {
        return;
    }
    let mut doc = IniDoc::parse("[default]\nregion = us-east-1\n");
    doc.set(
        "target",
        &[
            ("aws_access_key_id", session.access_key_id.as_str()),
            ("aws_secret_access_key", session.secret_access_key.as_str()),
            ("aws_session_token", session.session_token.as_str()),
        ],
    )
    .expect("validated credentials are written");
    let _ = fuzz::profiles("", &doc.to_text());
}

fn iam_seeds() -> Vec<Vec<u8>> {
    let mut out = sts_seeds();
    out.push(b"user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
\"al,ice\",arn:aws:iam::123456789012:user/alice,2020-01-01T00:00:00+00:00,true,2024-05-02T10:00:00+00:00,N/A,N/A,false,true,N/A,2024-04-01T00:00:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
".to_vec());
    out
}

/// IAM: the credential report CSV, and the strings of caller identities, device lists, error
/// codes and a created device's seed blob (fields separated by NUL).
fn run_iam(bytes: &[u8]) {
    let t = text(bytes);
    if let Ok(rows) = parse_credential_report(&t) {
        for r in rows {
            let _ = (r.user.len(), r.keys.len());
        }
    }
    let f = fields(bytes, 4);
    let id = Identity {
        account: String::new(),
        arn: f[0].clone(),
        user_id: String::new(),
    };
    let _ = (id.user_name(), id.is_root());
    let _ = DeviceKind::of(&f[1]);
    let _ = AwsError::kind_of(&f[2]);
    // CreateVirtualMFADevice: the SDK hands over the base32 text of the seed as bytes.
    let _ = Secret::from_base32_lenient(&f[3]);
}

// ---------------------------------------------------------------------------------------------
// QR images

fn qr_pngs() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for (text, scale) in [
        (seeds::URIS[0], 1),
        (seeds::URIS[2], 2),
        ("otpauth://totp/a?secret=AA", 1),
    ] {
        if let Ok(png) = qr::to_png(text, scale) {
            out.push(png.to_vec());
        }
    }
    out
}

fn image_seeds() -> Vec<Vec<u8>> {
    let mut out = qr_pngs();
    // The same code in every other format the file source reads.
    if let Some(img) = out
        .first()
        .and_then(|p| load_image_bytes(p, "seed.png").ok())
    {
        for format in [
            image::ImageFormat::Jpeg,
            image::ImageFormat::Bmp,
            image::ImageFormat::Gif,
            image::ImageFormat::WebP,
        ] {
            let mut buf = std::io::Cursor::new(Vec::new());
            let img = image::DynamicImage::ImageLuma8(img.to_luma8());
            let img = if format == image::ImageFormat::WebP || format == image::ImageFormat::Jpeg {
                image::DynamicImage::ImageRgb8(img.to_rgb8())
            } else {
                img
            };
            if img.write_to(&mut buf, format).is_ok() {
                out.push(buf.into_inner());
            }
        }
    }
    out
}

const IMAGE_DICT: &[&[u8]] = &[
    b"\x89PNG\r\n\x1a\n",
    b"IHDR",
    b"IDAT",
    b"IEND",
    b"PLTE",
    b"tRNS",
    b"acTL",
    b"\xff\xd8\xff",
    b"\xff\xc0",
    b"BM",
    b"GIF89a",
    b"RIFF",
    b"WEBPVP8L",
    b"\x00\x00\x7f\xff",
    b"\xff\xff\xff\xff",
];

fn run_image(bytes: &[u8]) {
    if let Ok(img) = load_image_bytes(bytes, "fuzz.png") {
        let _ = qr::decode_image(&img);
    }
}

/// A grey image of at most 64×64: width, height, then pixels (repeated to fill).
fn gray(bytes: &[u8]) -> image::GrayImage {
    let (w, h) = match bytes {
        [w, h, ..] => (u32::from(*w) % 65, u32::from(*h) % 65),
        _ => (0, 0),
    };
    let pixels = bytes.get(2..).unwrap_or_default();
    image::GrayImage::from_fn(w, h, |x, y| {
        let i = (y * w + x) as usize;
        image::Luma([if pixels.is_empty() {
            0
        } else {
            pixels[i % pixels.len()]
        }])
    })
}

fn gray_seeds() -> Vec<Vec<u8>> {
    qr_pngs()
        .iter()
        .filter_map(|p| load_image_bytes(p, "seed.png").ok())
        .map(|img| img.to_luma8())
        .filter(|g| g.width() <= 64 && g.height() <= 64)
        .map(|g| [&[g.width() as u8, g.height() as u8][..], g.as_raw()].concat())
        .collect()
}

/// Random grey images: noise, stripes, blocks (finder-like patterns come from the seeds).
fn gen_gray(rng: &mut Rng) -> Vec<u8> {
    let (w, h) = (rng.below(65), rng.below(65));
    let mut out = vec![w as u8, h as u8];
    let style = rng.below(3);
    let cell = 1 + rng.below(4);
    for y in 0..h {
        for x in 0..w {
            out.push(match style {
                0 => rng.byte(),
                1 => {
                    if (x / cell).is_multiple_of(2) {
                        0
                    } else {
                        255
                    }
                }
                _ => {
                    if ((x / cell) ^ (y / cell)).is_multiple_of(2) || rng.one_in(9) {
                        0
                    } else {
                        255
                    }
                }
            });
        }
    }
    out
}

fn run_gray(bytes: &[u8]) {
    let _ = qr::decode_gray(&gray(bytes));
}

// ---------------------------------------------------------------------------------------------

/// Every target, cheap ones first.
pub fn all() -> Vec<Target> {
    let base = |name, about, seeds, dict, run| Target {
        name,
        about,
        seeds,
        dict,
        run,
        generate: None,
        max_len: 4096,
        alloc_limit: ALLOC_LIMIT,
        brief: 2000,
    };
    let mut out = vec![
        Target {
            generate: Some(gen_uri),
            ..base(
                "otpauth-uri",
                "OtpUri::parse, and the URI we write back",
                uri_seeds,
                URI_DICT,
                run_uri,
            )
        },
        base(
            "google-migration",
            "google::parse_payload / parse_uri",
            google_seeds,
            GOOGLE_DICT,
            run_google,
        ),
        base(
            "qr-payload",
            "qr::Payload::parse (what a QR code held)",
            payload_seeds,
            URI_DICT,
            run_payload,
        ),
        Target {
            generate: Some(gen_ini),
            ..base(
                "aws-ini",
                "IniDoc parse/write/set round trip, the SDK's profile parser",
                ini_seeds,
                INI_DICT,
                run_ini,
            )
        },
        Target {
            generate: Some(gen_sts),
            ..base(
                "aws-sts",
                "STS Credentials from the SDK through session_credentials and what we write",
                sts_seeds,
                STS_DICT,
                run_sts,
            )
        },
        base(
            "aws-iam",
            "credential report CSV, identity ARNs, device serials, error codes, seed blobs",
            iam_seeds,
            STS_DICT,
            run_iam,
        ),
        base(
            "vault-file",
            "vault envelope, slots, keyring/recovery unlock, decryption, account data",
            vault_seeds,
            VAULT_DICT,
            run_vault,
        ),
        base(
            "backup-file",
            "Twofold backup header checks (no derivation) and decrypted payload",
            backup_seeds,
            VAULT_DICT,
            run_backup,
        ),
        Target {
            max_len: 16 * 1024,
            ..base(
                "import-detect",
                "import::read with detection, no password",
                import_seeds,
                IMPORT_DICT,
                run_detect,
            )
        },
    ];
    for (name, run) in IMPORT_TARGETS {
        out.push(Target {
            max_len: 16 * 1024,
            brief: 300,
            ..base(
                *name,
                "import::read as this --from format, no password",
                import_seeds,
                IMPORT_DICT,
                *run,
            )
        });
    }
    out.push(Target {
        max_len: 16 * 1024,
        brief: 300,
        ..base(
            "import-password",
            "import::read with the right and a wrong password, formats of fixed KDF cost",
            password_seeds,
            IMPORT_DICT,
            run_password,
        )
    });
    out.push(Target {
        generate: Some(gen_gray),
        max_len: 2 + 64 * 64,
        brief: 300,
        ..base(
            "qr-gray",
            "qr::decode_gray on grey images up to 64x64",
            gray_seeds,
            &[],
            run_gray,
        )
    });
    out.push(Target {
        max_len: 64 * 1024,
        brief: 300,
        ..base(
            "qr-image",
            "load_image_bytes + decode_image (the file source's decode) on mutated images",
            image_seeds,
            IMAGE_DICT,
            run_image,
        )
    });
    out
}
