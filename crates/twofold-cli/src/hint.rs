//! What to type next, for the errors a terminal user can act on. Core's messages say what went
//! wrong in the user's terms; the commands and flags that fix it are the CLI's to name (the
//! desktop app names its buttons instead).

use twofold_core::aws::AwsErrorKind;
use twofold_core::fido::FidoError;
use twofold_core::Error;

/// The next command for `e`, when there is one.
pub fn for_error(e: &Error) -> Option<String> {
    Some(match e {
        Error::NotIamUser { .. } => "name the IAM user with --user NAME".into(),
        Error::DeviceLimit { user, .. } => format!(
            "see them with `twofold aws devices --user {user}`, then `twofold aws deactivate --serial SERIAL --delete`"
        ),
        Error::DeviceEnabled { serial } => {
            format!("to turn it off: `twofold aws deactivate --serial {serial}`")
        }
        Error::SeedNotSaved {
            device_deleted: false,
            ..
        } => "list and delete it with `twofold aws orphans --delete`".into(),
        Error::NoMfaSerial { profile } => format!(
            "or name the account that holds the device's seed: `twofold aws session --profile {profile} --account NAME`"
        ),
        Error::NoAccountForDevice { profile, .. } => format!(
            "link it: `twofold aws link --profile {profile} --account NAME`"
        ),
        Error::NoSuchProfile { .. } => {
            "`aws configure list-profiles` lists the profiles; name one with --profile NAME".into()
        }
        Error::SessionTarget { .. } => "choose the name with --target-profile NAME".into(),
        Error::LocksOutCaller { .. } => {
            "enroll with `twofold aws enroll`, or apply it anyway with --force".into()
        }
        Error::SeedNotHeld(_) => "type the two codes when asked".into(),
        Error::UnknownExport => format!(
            "if it is an export of an app Twofold reads, name its format with --from FORMAT ({})",
            twofold_core::transfer::import::Format::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Error::ExportPasswordNeeded(_) => {
            "run it in a terminal to be asked, or pipe the password to --password-stdin".into()
        }
        Error::Aws(a) if a.kind == AwsErrorKind::NoCredentials => {
            "choose a profile with --profile NAME".into()
        }
        Error::Aws(a) if a.kind == AwsErrorKind::LimitExceeded => {
            "see the user's devices with `twofold aws devices --user NAME`".into()
        }
        Error::VaultRolledBack { .. } => {
            "if you restored this copy on purpose, run the command again with --accept-rollback"
                .into()
        }
        Error::KeyringOnly => "add one with `twofold vault recovery-key`".into(),
        Error::Fido(f) => return for_fido(f),
        _ => return None,
    })
}

/// The next command for a security key error, when there is one.
pub fn for_fido(e: &FidoError) -> Option<String> {
    Some(match e {
        FidoError::MultipleDevices(_) => {
            "choose one with --device PATH (see `twofold fido list`)".into()
        }
        FidoError::DeviceNotFound(_) => "see `twofold fido list`".into(),
        FidoError::PinBlocked => "reset the key with `twofold fido reset`".into(),
        FidoError::PinNotSet => "set one with `twofold fido pin set`".into(),
        FidoError::PinAlreadySet => "change it with `twofold fido pin change`".into(),
        FidoError::CredentialNotFound(_) => "see `twofold fido credentials`".into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_the_cli_commands_core_leaves_out() {
        let e = Error::NoAccountForDevice {
            serial: "arn:aws:iam::1:mfa/a".into(),
            profile: "work".into(),
        };
        assert!(!e.to_string().contains("twofold "));
        assert_eq!(
            for_error(&e).unwrap(),
            "link it: `twofold aws link --profile work --account NAME`"
        );
        assert!(for_error(&Error::QrNotFound).is_none());
        let missing = Error::NoSuchProfile {
            name: "wrok".into(),
            config: "config".into(),
            credentials: "credentials".into(),
        };
        assert!(!missing.to_string().contains("--profile"));
        assert!(for_error(&missing).unwrap().contains("--profile NAME"));
        assert!(for_fido(&FidoError::PinNotSet).unwrap().contains("pin set"));
    }
}
