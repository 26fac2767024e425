//! Hardware TOTP tokens (key fobs and display cards AWS sells through its vendors): the admin
//! types the serial printed on the token and two consecutive codes from its display, and the
//! token is enabled for an IAM user. Twofold keeps nothing: it never has a hardware token's
//! seed.

use super::client::{IamApi, MfaDevice};
use super::error::AwsErrorKind;
use crate::{Error, Result};

/// Serial numbers AWS accepts: 9 to 256 of `[\w+=/:,.@-]`.
pub fn check_serial(serial: &str) -> Result<()> {
    let ok = (9..=256).contains(&serial.len())
        && serial
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=/:,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::TokenUnknown(serial.to_string()))
    }
}

/// Two codes as the token shows them: six digits each (spaces ignored), not the same one.
pub fn check_codes(code1: &str, code2: &str) -> Result<(String, String)> {
    let clean = |c: &str| -> String { c.chars().filter(|c| !c.is_whitespace()).collect() };
    let (a, b) = (clean(code1), clean(code2));
    let six = |c: &str| c.len() == 6 && c.chars().all(|d| d.is_ascii_digit());
    if !six(&a) || !six(&b) {
        return Err(Error::TokenCodeFormat(
            "each code is the six digits the token shows",
        ));
    }
    if a == b {
        return Err(Error::TokenCodeFormat(
            "the two codes are the same: wait for the token to show its next code (or press its button again) and type that one second",
        ));
    }
    Ok((a, b))
}

/// Enables the hardware token `serial` for `user` with two consecutive codes from its display,
/// then checks with ListMFADevices that AWS lists it for the user. Each refusal has its own
/// error: an unknown serial, a token in use, codes AWS did not accept.
pub async fn assign_token<A: IamApi>(
    api: &A,
    user: &str,
    serial: &str,
    code1: &str,
    code2: &str,
) -> Result<MfaDevice> {
    check_serial(serial)?;
    let (code1, code2) = check_codes(code1, code2)?;
    // A missing user is a NoSuchEntity too: ask first, so that one from EnableMFADevice
    // means the token.
    api.get_user(Some(user)).await?;
    match api.enable_mfa_device(user, serial, &code1, &code2).await {
        Ok(()) => {}
        Err(e) => {
            return Err(match e.kind {
                AwsErrorKind::NotFound => Error::TokenUnknown(serial.to_string()),
                AwsErrorKind::AlreadyExists => Error::TokenInUse(serial.to_string()),
                AwsErrorKind::InvalidCode => Error::TokenCodes(serial.to_string()),
                _ => e.into(),
            })
        }
    }
    api.list_mfa_devices(user)
        .await?
        .into_iter()
        .find(|d| d.serial == serial)
        .ok_or_else(|| {
            Error::Aws(super::error::AwsError {
                op: "ListMFADevices",
                kind: AwsErrorKind::Other,
                code: String::new(),
                message: format!("AWS accepted the token but does not list {serial} for {user}"),
                resource: Some(serial.to_string()),
                skew_secs: None,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fake::FakeIam;

    #[test]
    fn codes_are_two_different_six_digit_codes() {
        assert_eq!(
            check_codes(" 123 456", "654321\n").unwrap(),
            ("123456".into(), "654321".into())
        );
        for (a, b) in [("12345", "654321"), ("123456", "65432a"), ("", "")] {
            assert!(
                matches!(check_codes(a, b), Err(Error::TokenCodeFormat(m)) if m.contains("six digits"))
            );
        }
        assert!(
            matches!(check_codes("123456", "123 456"), Err(Error::TokenCodeFormat(m)) if m.contains("the same"))
        );
    }

    #[test]
    fn serials_are_what_aws_accepts() {
        check_serial("GAHT12345678").unwrap();
        check_serial("arn:aws:iam::123456789012:mfa/x").unwrap();
        for bad in [
            "GAHT1234",
            "GAHT 12345678",
            "GAHT12345678\n",
            &"A".repeat(257),
        ] {
            assert!(
                matches!(check_serial(bad), Err(Error::TokenUnknown(_))),
                "{bad:?}"
            );
        }
    }

    #[tokio::test]
    async fn each_refusal_gets_its_own_error_and_nothing_is_enabled() {
        let api = FakeIam::with_user("admin");
        api.add_user("carol");
        for (kind, check) in [
            (AwsErrorKind::NotFound, "TokenUnknown"),
            (AwsErrorKind::AlreadyExists, "TokenInUse"),
            (AwsErrorKind::InvalidCode, "TokenCodes"),
        ] {
            api.fail_next("EnableMFADevice", kind);
            let e = assign_token(&api, "carol", "GAHT12345678", "123456", "654321")
                .await
                .unwrap_err();
            let name = match e {
                Error::TokenUnknown(_) => "TokenUnknown",
                Error::TokenInUse(_) => "TokenInUse",
                Error::TokenCodes(_) => "TokenCodes",
                other => panic!("{other}"),
            };
            assert_eq!(name, check);
        }
        // An unknown user is the user's error, not the token's.
        let e = assign_token(&api, "nobody", "GAHT12345678", "123456", "654321")
            .await
            .unwrap_err();
        assert!(matches!(&e, Error::Aws(a) if a.op == "GetUser"), "{e}");
        assert!(!api.calls().contains(&"ListMFADevices"));
    }
}
