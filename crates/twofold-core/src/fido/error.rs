//! What a security key (or the talk with it) can go wrong with, in words for the user.

/// Everything that can go wrong with a FIDO2 security key. Messages are lowercase, say what to
/// do next and never contain a PIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FidoError {
    /// No key is plugged in (or none is visible to this process).
    #[error("no FIDO security key found: plug one in (and on Linux, check the udev rule for hidraw access)")]
    NoDevice,
    /// Several keys are plugged in and none was chosen.
    #[error("{0} FIDO security keys are plugged in: choose one of them")]
    MultipleDevices(usize),
    /// No key at the given path.
    #[error("no FIDO security key at {0}; the list of keys shows where they are")]
    DeviceNotFound(String),
    /// The key rejected the PIN; it has this many tries left.
    #[error("wrong PIN: {retries} tries left before the key blocks its PIN")]
    PinInvalid {
        /// Attempts left before the PIN blocks.
        retries: u32,
    },
    /// Three wrong PINs in a row: the key refuses PINs until it is unplugged and plugged back.
    #[error("wrong PIN three times in a row: the key needs a power cycle (unplug it and plug it back in) before it accepts a PIN again{}", .retries.map(|r| format!("; {r} tries left before it blocks its PIN")).unwrap_or_default())]
    PinAuthBlocked {
        /// Attempts left before the PIN blocks, when known.
        retries: Option<u32>,
    },
    /// The PIN is blocked for good; only a reset (which erases the key) helps.
    #[error("the key's PIN is blocked after too many wrong PINs: only a reset makes the key usable again, and a reset erases every credential on it")]
    PinBlocked,
    /// The operation needs the key's PIN and none was given.
    #[error("this operation needs the key's PIN (type it when asked, or set TWOFOLD_FIDO_PIN)")]
    PinRequired,
    /// The key has no PIN and the operation needs one.
    #[error("the key has no PIN yet: set one first")]
    PinNotSet,
    /// `pin set` on a key that already has a PIN.
    #[error("the key already has a PIN: change it instead")]
    PinAlreadySet,
    /// The new PIN breaks the PIN rules; the text says which.
    #[error("the new PIN is not accepted: {0}")]
    PinPolicy(String),
    /// Nobody touched the key before it gave up waiting.
    #[error(
        "the key was not touched in time: run the command again and touch the key when it blinks"
    )]
    UserActionTimeout,
    /// The key declined (touch declined, or the request is not allowed).
    #[error("the key refused the operation (the touch was declined or the key does not allow it); nothing was changed")]
    OperationDenied,
    /// The key refused a reset because it was powered up more than 10 seconds ago.
    #[error("the key only accepts a reset within 10 seconds of being plugged in: unplug it, plug it back in and run the reset again right away (then touch it)")]
    ResetWindowClosed,
    /// A reset was asked for without the explicit confirmation.
    #[error("a reset erases every credential and the PIN on the key and cannot be undone; it was not confirmed, so nothing was done")]
    ResetNotConfirmed,
    /// The key does not support what was asked (an option or a command).
    #[error("this key does not support {0}")]
    Unsupported(String),
    /// The key went away during the operation.
    #[error("the security key was removed during the operation, which did not complete: plug it back in and start again")]
    Disconnected,
    /// No resident credential with that id.
    #[error("no credential with id {0} on the key; the key's list of credentials shows their ids")]
    CredentialNotFound(String),
    /// The key signed, but the signature does not check out against the registered public key.
    #[error("the key's signature did not verify against the credential it just created: the key may be faulty or not genuine")]
    VerificationFailed,
    /// The caller cancelled the operation.
    #[error("the operation was cancelled")]
    Cancelled,
    /// Any other error the key or the HID layer reported.
    #[error("security key error: {0}")]
    Device(String),
    /// The simulated key's state file could not be read or written (tests only).
    #[error("fido simulator: {0}")]
    Simulator(String),
}

impl FidoError {
    /// Maps a CTAP2 status byte (CTAP 2.1 §8.2) to an error. `retries` fills in
    /// [`FidoError::PinInvalid`] / [`FidoError::PinAuthBlocked`] when the caller knows it.
    pub fn from_ctap_status(status: u8, retries: Option<u32>) -> Self {
        match status {
            0x31 => FidoError::PinInvalid {
                retries: retries.unwrap_or(0),
            },
            0x32 => FidoError::PinBlocked,
            0x34 => FidoError::PinAuthBlocked { retries },
            0x35 => FidoError::PinNotSet,
            0x36 => FidoError::PinRequired,
            0x37 => FidoError::PinPolicy(
                "the key's PIN policy refused it (too short, too long or too simple)".into(),
            ),
            0x27 | 0x30 => FidoError::OperationDenied,
            0x2F | 0x3A => FidoError::UserActionTimeout,
            0x2D => FidoError::Cancelled,
            0x2B | 0x2C | 0x3E | 0x01 => FidoError::Unsupported(format!(
                "this command or option (CTAP status 0x{status:02X})"
            )),
            0x2E => FidoError::CredentialNotFound("(as requested)".into()),
            other => FidoError::Device(format!("CTAP status 0x{other:02X}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well() {
        assert_eq!(
            FidoError::PinInvalid { retries: 5 }.to_string(),
            "wrong PIN: 5 tries left before the key blocks its PIN"
        );
        assert!(FidoError::PinAuthBlocked { retries: Some(5) }
            .to_string()
            .contains("power cycle"));
        assert!(FidoError::NoDevice.to_string().contains("udev rule"));
    }

    #[test]
    fn ctap_status_mapping() {
        assert_eq!(
            FidoError::from_ctap_status(0x31, Some(3)),
            FidoError::PinInvalid { retries: 3 }
        );
        assert_eq!(
            FidoError::from_ctap_status(0x32, None),
            FidoError::PinBlocked
        );
        assert_eq!(
            FidoError::from_ctap_status(0x2F, None),
            FidoError::UserActionTimeout
        );
        assert_eq!(
            FidoError::from_ctap_status(0x27, None),
            FidoError::OperationDenied
        );
        assert!(matches!(
            FidoError::from_ctap_status(0x99, None),
            FidoError::Device(_)
        ));
    }
}
