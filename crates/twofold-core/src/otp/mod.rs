//! One-time passwords: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard codes.
//!
//! This module owns the code arithmetic and the [`Secret`] type. It does not own storage
//! (see [`crate::vault`]) or the clock: every code is computed for a time the caller passes,
//! [`Otp::code_at`], so tests use the RFC vectors directly.
//!
//! The HMAC truncation is written here on `hmac` + `sha1`/`sha2` rather than taken from totp-rs:
//! totp-rs computes `10u32.pow(digits)`, which overflows at 10 digits, has no HOTP counter API,
//! and refuses the 80-bit secrets many services still issue.

pub mod uri;

use hmac::{Hmac, Mac};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{Error, Result};

/// The HMAC hash function of an OTP account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Algorithm {
    /// HMAC-SHA1, the default and by far the most common.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The name used in `otpauth://` URIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Parses `SHA1`, `sha-256`, ... case-insensitively.
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(Error::Algorithm(s.to_string())),
        }
    }
}

/// Which kind of one-time password an account produces.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum OtpKind {
    /// Time-based (RFC 6238): a new code every `period` seconds.
    #[default]
    Totp,
    /// Counter-based (RFC 4226): a new code each time the counter moves on.
    Hotp,
    /// Steam Guard: TOTP with SHA1, 30 s, five characters from Steam's alphabet.
    Steam,
}

impl OtpKind {
    /// The name used in `otpauth://` URIs.
    pub fn as_str(self) -> &'static str {
        match self {
            OtpKind::Totp => "totp",
            OtpKind::Hotp => "hotp",
            OtpKind::Steam => "steam",
        }
    }
}

/// The shared secret of an OTP account. Zeroized on drop, redacted in `Debug`, not serializable.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The shortest secret accepted, in bytes (80 bits, as Google Authenticator requires).
pub const MIN_SECRET_BYTES: usize = 10;

impl Secret {
    /// Wraps raw secret bytes (from an import format that carries bytes, or a test).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        if bytes.len() < MIN_SECRET_BYTES {
            let n = bytes.len();
            drop(Secret(bytes));
            return Err(Error::InvalidSecret(format!(
                "it is {n} bytes long; at least {MIN_SECRET_BYTES} bytes (16 base32 characters) are needed"
            )));
        }
        Ok(Secret(bytes))
    }

    /// Parses a base32 secret the way people type and paste them: spaces, dashes and
    /// underscores are ignored, lowercase is accepted, `=` padding is optional. Anything else is
    /// refused with a message that names the offending character and its position.
    pub fn from_base32_lenient(input: &str) -> Result<Self> {
        let mut clean = Zeroizing::new(String::with_capacity(input.len()));
        for (i, c) in input.chars().enumerate() {
            match c {
                ' ' | '\t' | '\n' | '\r' | '-' | '_' => {}
                'a'..='z' | 'A'..='Z' | '2'..='7' => clean.push(c.to_ascii_uppercase()),
                '=' => {}
                '0' | '1' | '8' | '9' => {
                    return Err(Error::InvalidSecret(format!(
                    "character {} is {c:?}; base32 uses only the letters A-Z and the digits 2-7{}",
                    i + 1,
                    match c {
                        '0' => " (did you mean the letter O?)",
                        '1' => " (did you mean the letter I or L?)",
                        '8' => " (did you mean the letter B?)",
                        _ => "",
                    }
                )))
                }
                _ => {
                    return Err(Error::InvalidSecret(format!(
                        "character {} is {:?}; base32 uses only the letters A-Z and the digits 2-7",
                        i + 1,
                        c
                    )))
                }
            }
        }
        if input.trim_end_matches(['=', ' ']).contains('=') {
            return Err(Error::InvalidSecret(
                "'=' padding may only appear at the end".into(),
            ));
        }
        if clean.is_empty() {
            return Err(Error::InvalidSecret("it is empty".into()));
        }
        // Lengths 1, 3 and 6 (mod 8) cannot come from any whole number of bytes.
        if matches!(clean.len() % 8, 1 | 3 | 6) {
            return Err(Error::InvalidSecret(format!(
                "it has {} base32 characters, which no whole number of bytes encodes; a character is probably missing or extra",
                clean.len()
            )));
        }
        let bytes = lenient_base32()
            .decode(clean.as_bytes())
            .map_err(|e| Error::InvalidSecret(format!("not valid base32 ({e})")))?;
        Secret::from_bytes(bytes)
    }

    /// The secret as unpadded uppercase base32, in a zeroizing string.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&self.0))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// RFC 4648 base32 without padding that, like most authenticator apps, ignores non-zero
/// trailing bits instead of refusing the secret.
fn lenient_base32() -> data_encoding::Encoding {
    let mut spec = data_encoding::Specification::new();
    spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    spec.check_trailing_bits = false;
    // The symbols above are a valid 32-symbol alphabet, so this cannot fail.
    spec.encoding()
        .unwrap_or_else(|_| data_encoding::BASE32_NOPAD.clone())
}

/// A code and the window in which it is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The digits (or Steam characters), zero-padded.
    pub code: String,
    /// Unix seconds at which this code became current (TOTP/Steam; 0 for HOTP).
    pub valid_from: u64,
    /// Unix seconds at which the next code takes over (TOTP/Steam; 0 for HOTP).
    pub valid_until: u64,
    /// The counter the code was computed for (the time step for TOTP).
    pub counter: u64,
}

/// Everything needed to compute codes for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Otp {
    /// TOTP, HOTP or Steam.
    pub kind: OtpKind,
    /// The HMAC hash.
    pub algorithm: Algorithm,
    /// Number of digits, 6 to 10 (5 characters for Steam).
    pub digits: u32,
    /// Seconds per code (TOTP and Steam).
    pub period: u64,
    /// The next counter value to use (HOTP).
    pub counter: u64,
    /// The shared secret.
    pub secret: Secret,
}

/// Steam Guard's 26-character alphabet.
const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// Digits allowed for TOTP and HOTP.
pub const DIGITS_RANGE: std::ops::RangeInclusive<u32> = 6..=10;
/// Periods allowed, in seconds.
pub const PERIOD_RANGE: std::ops::RangeInclusive<u64> = 1..=86_400;

impl Otp {
    /// A validated account. Steam forces SHA1, 5 characters and 30 s.
    pub fn new(
        kind: OtpKind,
        algorithm: Algorithm,
        digits: u32,
        period: u64,
        counter: u64,
        secret: Secret,
    ) -> Result<Self> {
        if kind == OtpKind::Steam {
            return Ok(Otp {
                kind,
                algorithm: Algorithm::Sha1,
                digits: 5,
                period: 30,
                counter: 0,
                secret,
            });
        }
        if !DIGITS_RANGE.contains(&digits) {
            return Err(Error::Digits(digits));
        }
        if !PERIOD_RANGE.contains(&period) {
            return Err(Error::Period(period));
        }
        Ok(Otp {
            kind,
            algorithm,
            digits,
            period,
            counter,
            secret,
        })
    }

    /// A standard TOTP account: SHA1, 6 digits, 30 seconds.
    pub fn totp(secret: Secret) -> Self {
        Otp {
            kind: OtpKind::Totp,
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: 30,
            counter: 0,
            secret,
        }
    }

    /// The code at `unix` seconds (TOTP, Steam) or for the stored counter (HOTP).
    pub fn code_at(&self, unix: u64) -> Code {
        match self.kind {
            OtpKind::Hotp => Code {
                code: self.code_for_counter(self.counter),
                valid_from: 0,
                valid_until: 0,
                counter: self.counter,
            },
            OtpKind::Totp | OtpKind::Steam => {
                let step = unix / self.period;
                Code {
                    code: self.code_for_counter(step),
                    // At most `unix`, so it cannot overflow.
                    valid_from: step * self.period,
                    // The last window of u64 time ends past u64::MAX: it ends at u64::MAX.
                    valid_until: step
                        .checked_add(1)
                        .and_then(|s| s.checked_mul(self.period))
                        .unwrap_or(u64::MAX),
                    counter: step,
                }
            }
        }
    }

    /// The code for an explicit counter (HOTP counter or TOTP time step).
    pub fn code_for_counter(&self, counter: u64) -> String {
        let value = truncate(&hmac_digest(
            self.algorithm,
            self.secret.as_bytes(),
            counter,
        ));
        match self.kind {
            OtpKind::Steam => {
                let mut v = value;
                (0..5)
                    .map(|_| {
                        let c = STEAM_ALPHABET[(v % 26) as usize] as char;
                        v /= 26;
                        c
                    })
                    .collect()
            }
            OtpKind::Totp | OtpKind::Hotp => {
                let modulus = 10u64.pow(self.digits);
                format!(
                    "{:0width$}",
                    u64::from(value) % modulus,
                    width = self.digits as usize
                )
            }
        }
    }
}

/// The latest time a code is asked for by hand (`--at`): 9999-12-31T23:59:59Z. Later is a
/// mistake (milliseconds for seconds, a stray digit), and near `u64::MAX` a window would end
/// past the largest time.
pub const MAX_TIME: u64 = 253_402_300_799;

/// Applies a clock offset (seconds, may be negative) to a Unix time, saturating at 0.
pub fn apply_offset(unix: u64, offset_secs: i64) -> u64 {
    unix.saturating_add_signed(offset_secs)
}

fn hmac_digest(algorithm: Algorithm, key: &[u8], counter: u64) -> Zeroizing<Vec<u8>> {
    let msg = counter.to_be_bytes();
    // `new_from_slice` accepts keys of any length for HMAC, so the error arm is unreachable.
    macro_rules! mac {
        ($h:ty) => {{
            let mut m = match <Hmac<$h> as Mac>::new_from_slice(key) {
                Ok(m) => m,
                Err(_) => return Zeroizing::new(Vec::new()),
            };
            m.update(&msg);
            Zeroizing::new(m.finalize().into_bytes().to_vec())
        }};
    }
    match algorithm {
        Algorithm::Sha1 => mac!(sha1::Sha1),
        Algorithm::Sha256 => mac!(sha2::Sha256),
        Algorithm::Sha512 => mac!(sha2::Sha512),
    }
}

/// RFC 4226 §5.3 dynamic truncation to a 31-bit integer.
fn truncate(digest: &[u8]) -> u32 {
    let Some(last) = digest.last() else { return 0 };
    let offset = (last & 0x0f) as usize;
    let b = &digest[offset..offset + 4];
    u32::from_be_bytes([b[0] & 0x7f, b[1], b[2], b[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii_secret(s: &str) -> Secret {
        Secret::from_bytes(s.as_bytes().to_vec()).unwrap()
    }

    /// RFC 4226 Appendix D.
    #[test]
    fn rfc4226_hotp_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        let otp = Otp::new(
            OtpKind::Hotp,
            Algorithm::Sha1,
            6,
            30,
            0,
            ascii_secret("12345678901234567890"),
        )
        .unwrap();
        for (counter, want) in expected.iter().enumerate() {
            assert_eq!(
                otp.code_for_counter(counter as u64),
                *want,
                "counter {counter}"
            );
        }
    }

    /// RFC 6238 Appendix B, all three algorithms, 8 digits.
    #[test]
    fn rfc6238_totp_vectors() {
        let seeds = [
            (Algorithm::Sha1, "12345678901234567890"),
            (Algorithm::Sha256, "12345678901234567890123456789012"),
            (
                Algorithm::Sha512,
                "1234567890123456789012345678901234567890123456789012345678901234",
            ),
        ];
        let table: [(u64, [&str; 3]); 6] = [
            (59, ["94287082", "46119246", "90693936"]),
            (1111111109, ["07081804", "68084774", "25091201"]),
            (1111111111, ["14050471", "67062674", "99943326"]),
            (1234567890, ["89005924", "91819424", "93441116"]),
            (2000000000, ["69279037", "90698825", "38618901"]),
            (20000000000, ["65353130", "77737706", "47863826"]),
        ];
        for (i, (alg, seed)) in seeds.iter().enumerate() {
            let otp = Otp::new(OtpKind::Totp, *alg, 8, 30, 0, ascii_secret(seed)).unwrap();
            for (t, codes) in &table {
                assert_eq!(otp.code_at(*t).code, codes[i], "{alg:?} at {t}");
            }
        }
    }

    #[test]
    fn ten_digits_do_not_overflow() {
        let otp = Otp::new(
            OtpKind::Totp,
            Algorithm::Sha1,
            10,
            30,
            0,
            ascii_secret("12345678901234567890"),
        )
        .unwrap();
        // The 31-bit truncated value of RFC 6238's T=59 step is 1094287082.
        assert_eq!(otp.code_at(59).code, "1094287082");
    }

    #[test]
    fn validity_window_follows_the_period() {
        let otp = Otp::new(
            OtpKind::Totp,
            Algorithm::Sha1,
            6,
            60,
            0,
            ascii_secret("12345678901234567890"),
        )
        .unwrap();
        let c = otp.code_at(125);
        assert_eq!((c.valid_from, c.valid_until, c.counter), (120, 180, 2));
        assert_eq!(otp.code_at(179).code, c.code);
        assert_ne!(otp.code_at(180).code, c.code);
    }

    #[test]
    fn steam_codes_use_steams_alphabet() {
        let otp = Otp::new(
            OtpKind::Steam,
            Algorithm::Sha256,
            8,
            60,
            0,
            ascii_secret("12345678901234567890"),
        )
        .unwrap();
        assert_eq!(
            (otp.algorithm, otp.digits, otp.period),
            (Algorithm::Sha1, 5, 30)
        );
        // RFC 4226's truncated value for counter 1 (= RFC 6238 T=59) is 1094287082; Steam
        // writes it in base 26 over its alphabet, least significant digit first.
        let mut v: u32 = 1_094_287_082;
        let want: String = (0..5)
            .map(|_| {
                let c = b"23456789BCDFGHJKMNPQRTVWXY"[(v % 26) as usize] as char;
                v /= 26;
                c
            })
            .collect();
        assert_eq!(otp.code_at(59).code, want);
        assert_eq!(want, "PV9M4");
    }

    #[test]
    fn lenient_secret_input() {
        let canonical = Secret::from_base32_lenient("JBSWY3DPEHPK3PXP").unwrap();
        for typed in [
            "jbsw y3dp ehpk 3pxp",
            "JBSW-Y3DP-EHPK-3PXP",
            "jbswy3dpehpk3pxp",
            "JBSWY3DPEHPK3PXP====",
        ] {
            assert_eq!(
                Secret::from_base32_lenient(typed).unwrap(),
                canonical,
                "{typed}"
            );
        }
        assert_eq!(canonical.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn bad_secrets_say_what_is_wrong() {
        let msg = |s: &str| Secret::from_base32_lenient(s).unwrap_err().to_string();
        assert!(
            msg("JBSWY3DPEHPK3PX0").contains("character 16 is '0'"),
            "{}",
            msg("JBSWY3DPEHPK3PX0")
        );
        assert!(msg("JBSWY3DPEHPK3PX0").contains("letter O"));
        assert!(msg("JBSWY3DP!HPK3PXP").contains("'!'"));
        assert!(msg("").contains("empty"));
        assert!(msg("JBSWY3DPE").contains("9 base32 characters"));
        assert!(msg("JBSWY3DP").contains("at least 10 bytes"));
        assert!(msg("JBSW=Y3DPEHPK3PXP").contains("padding"));
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let s = Secret::from_base32_lenient("JBSWY3DPEHPK3PXP").unwrap();
        let otp = Otp::totp(s);
        let dbg = format!("{otp:?}");
        assert!(dbg.contains("<redacted>"));
        assert!(!dbg.contains("JBSW"));
        assert!(!dbg.contains("72, 101")); // "He" from the decoded bytes "Hello!"
    }

    // See: issue 16 ("Checked arithmetic"): the window of a time near u64::MAX overflowed.
    #[test]
    fn issue16_codes_at_the_end_of_time_do_not_overflow() {
        for period in [1, 7, 30, 86_400] {
            let secret = Secret::from_base32_lenient("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
            let otp = Otp::new(OtpKind::Totp, Algorithm::Sha1, 6, period, 0, secret).unwrap();
            for t in [u64::MAX, u64::MAX - 1, u64::MAX - period, MAX_TIME] {
                let c = otp.code_at(t);
                assert!(c.valid_from <= t, "{period} {t}");
                assert!(
                    t < c.valid_until || c.valid_until == u64::MAX,
                    "{period} {t}"
                );
                assert_eq!(c.code.len(), 6);
            }
            assert_eq!(otp.code_at(u64::MAX).valid_until, u64::MAX, "{period}");
        }
        assert_eq!(apply_offset(u64::MAX, 30), u64::MAX);
        assert_eq!(apply_offset(0, i64::MIN), 0);
    }

    #[test]
    fn offsets_shift_time() {
        assert_eq!(apply_offset(100, -30), 70);
        assert_eq!(apply_offset(10, -30), 0);
        assert_eq!(apply_offset(100, 15), 115);
    }

    #[test]
    fn out_of_range_parameters_are_refused() {
        let s = || Secret::from_base32_lenient("JBSWY3DPEHPK3PXP").unwrap();
        assert!(Otp::new(OtpKind::Totp, Algorithm::Sha1, 5, 30, 0, s()).is_err());
        assert!(Otp::new(OtpKind::Totp, Algorithm::Sha1, 11, 30, 0, s()).is_err());
        assert!(Otp::new(OtpKind::Totp, Algorithm::Sha1, 6, 0, 0, s()).is_err());
        assert!(Algorithm::parse("md5").is_err());
        assert_eq!(Algorithm::parse("sha-256").unwrap(), Algorithm::Sha256);
    }
}
