//! xdg-desktop-portal's request pattern, shared by the Screenshot portal (`qr`, for "scan the
//! screen" on Wayland) and the GlobalShortcuts portal (the app's lookup shortcut on Wayland).
//!
//! A portal method returns a `Request` object at once; the answer comes later as that object's
//! `Response` signal (response code and a vardict of results). The client subscribes before it
//! calls, because a fast portal answers before the call returns, and names the request itself
//! with a `handle_token` so it knows the object's path in advance. Everything here awaits on
//! zbus's own reactor (async-io), so it runs under tokio (the app) and under `zbus::block_on`
//! (the CLI) alike.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::future::Either;
use futures_util::StreamExt as _;
use zbus::zvariant::{DynamicType, OwnedObjectPath, OwnedValue};

/// The portal frontend's bus name.
pub const PORTAL_NAME: &str = "org.freedesktop.portal.Desktop";
/// The object every portal interface lives on.
pub const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const REQUEST_IFACE: &str = "org.freedesktop.portal.Request";

/// A portal's answer to one request.
#[derive(Debug)]
pub struct Answer<T> {
    /// 0 success, 1 cancelled by the user, 2 ended some other way.
    pub code: u32,
    /// The results vardict (`HashMap<String, OwnedValue>`, or a struct deriving
    /// `DeserializeDict` with every field optional); which keys there are depends on the method.
    pub results: T,
}

/// A results vardict taken as it comes.
pub type Vardict = HashMap<String, OwnedValue>;

/// Why a request got no answer.
#[derive(Debug)]
pub enum RequestError {
    /// The system gave no randomness for the request's token.
    Token(String),
    /// The answer could not be subscribed to.
    Listen(zbus::Error),
    /// The method call failed (no portal, no such interface, refused).
    Call(zbus::Error),
    /// The reply or the answer was not what the portal documents.
    Unreadable(zbus::Error),
    /// The bus closed before the portal answered.
    Closed,
    /// No answer in time; the request was withdrawn, so a prompt left open does nothing later.
    TimedOut,
}

/// Calls `interface.method` on the portal with the body `body(token)` (which must put `token`
/// in its options as `handle_token`) and waits at most `timeout` for the answer.
pub async fn request<B, T>(
    conn: &zbus::Connection,
    interface: &str,
    method: &str,
    timeout: Duration,
    body: impl FnOnce(&str) -> B,
) -> Result<Answer<T>, RequestError>
where
    B: serde::Serialize + DynamicType,
    T: serde::de::DeserializeOwned + zbus::zvariant::Type,
{
    let unique = conn
        .unique_name()
        .map(|n| n.to_string())
        .ok_or(RequestError::Closed)?;
    let token = handle_token().map_err(RequestError::Token)?;
    let expected = request_path(&unique, &token);
    let mut responses = subscribe(conn, &expected)
        .await
        .map_err(RequestError::Listen)?;
    let reply = conn
        .call_method(
            Some(PORTAL_NAME),
            PORTAL_PATH,
            Some(interface),
            method,
            &body(&token),
        )
        .await
        .map_err(RequestError::Call)?;
    let handle: OwnedObjectPath = reply
        .body()
        .deserialize()
        .map_err(RequestError::Unreadable)?;
    // Portals older than 0.9 ignore handle_token; follow the path they chose (they are slower
    // than this re-subscription, which is the best such a portal allows).
    if handle.as_str() != expected {
        responses = subscribe(conn, handle.as_str())
            .await
            .map_err(RequestError::Listen)?;
    }
    let next = std::pin::pin!(responses.next());
    let msg = match futures_util::future::select(next, async_io::Timer::after(timeout)).await {
        Either::Left((Some(msg), _)) => msg.map_err(RequestError::Unreadable)?,
        Either::Left((None, _)) => return Err(RequestError::Closed),
        Either::Right(_) => {
            let _ = conn
                .call_method(
                    Some(PORTAL_NAME),
                    handle.as_str(),
                    Some(REQUEST_IFACE),
                    "Close",
                    &(),
                )
                .await;
            return Err(RequestError::TimedOut);
        }
    };
    let (code, results): (u32, T) = msg.body().deserialize().map_err(RequestError::Unreadable)?;
    Ok(Answer { code, results })
}

async fn subscribe(conn: &zbus::Connection, request: &str) -> zbus::Result<zbus::MessageStream> {
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .sender(PORTAL_NAME)?
        .path(request)?
        .interface(REQUEST_IFACE)?
        .member("Response")?
        .build();
    zbus::MessageStream::for_match_rule(rule, conn, Some(4)).await
}

/// A fresh `handle_token` (also good as a `session_handle_token`): unique per call, and a
/// valid object path element.
pub fn handle_token() -> Result<String, String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| e.to_string())?;
    Ok(format!("twofold_{}", crate::hex(&bytes)))
}

/// The request object the portal will create for `token`, as the Request documentation gives
/// it: the caller's unique name without the leading ':' and with '.' as '_'.
fn request_path(unique_name: &str, token: &str) -> String {
    let sender = unique_name.trim_start_matches(':').replace('.', "_");
    format!("{PORTAL_PATH}/request/{sender}/{token}")
}

/// What a failed call to the portal means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallFailure {
    /// No portal on the session bus (xdg-desktop-portal is not installed or not running).
    NoPortal,
    /// The portal runs without that interface: it has no backend for it on this desktop.
    NoInterface,
    /// Anything else (the error itself says what).
    Other,
}

/// Tells a missing portal and a portal without the interface apart from other failures. A
/// `Properties.Get` of an interface the portal lacks answers `InvalidArgs`, which other calls
/// answer for bad arguments: `properties` says which kind of call it was.
pub fn call_failure(e: &zbus::Error, properties: bool) -> CallFailure {
    let name = match e {
        zbus::Error::MethodError(name, _, _) => name.as_str().to_owned(),
        zbus::Error::FDO(f) => zbus::DBusError::name(f.as_ref()).to_string(),
        _ => return CallFailure::Other,
    };
    match name.as_str() {
        "org.freedesktop.DBus.Error.ServiceUnknown"
        | "org.freedesktop.DBus.Error.NameHasNoOwner" => CallFailure::NoPortal,
        "org.freedesktop.DBus.Error.UnknownMethod"
        | "org.freedesktop.DBus.Error.UnknownInterface"
        | "org.freedesktop.DBus.Error.UnknownObject"
        | "org.freedesktop.DBus.Error.UnknownProperty" => CallFailure::NoInterface,
        "org.freedesktop.DBus.Error.InvalidArgs" if properties => CallFailure::NoInterface,
        _ => CallFailure::Other,
    }
}

/// A D-Bus error reply named `name`, as a failed call returns it (for tests).
#[cfg(test)]
pub(crate) fn method_error(name: &str) -> zbus::Error {
    let name = zbus::names::OwnedErrorName::try_from(name.to_string()).expect("an error name");
    let msg = zbus::message::Message::method_call("/", "M")
        .and_then(|b| b.build(&()))
        .expect("a message");
    zbus::Error::MethodError(name, None, msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_path_comes_from_the_unique_name_and_token() {
        assert_eq!(
            request_path(":1.42", "twofold_ab12"),
            "/org/freedesktop/portal/desktop/request/1_42/twofold_ab12"
        );
        assert_eq!(
            request_path(":1.2345.7", "t"),
            "/org/freedesktop/portal/desktop/request/1_2345_7/t"
        );
        // The path must be valid for the match rule.
        zbus::zvariant::ObjectPath::try_from(request_path(":1.9", &handle_token().unwrap()))
            .unwrap();
    }

    #[test]
    fn tokens_are_fresh_object_path_elements() {
        let (a, b) = (handle_token().unwrap(), handle_token().unwrap());
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }

    #[test]
    fn a_missing_portal_and_a_missing_interface_are_told_apart() {
        let of = |name: &str, properties: bool| call_failure(&method_error(name), properties);
        assert_eq!(
            of("org.freedesktop.DBus.Error.ServiceUnknown", false),
            CallFailure::NoPortal
        );
        assert_eq!(
            of("org.freedesktop.DBus.Error.UnknownMethod", false),
            CallFailure::NoInterface
        );
        // "No such interface" from Properties.Get; elsewhere a bad argument.
        assert_eq!(
            of("org.freedesktop.DBus.Error.InvalidArgs", true),
            CallFailure::NoInterface
        );
        assert_eq!(
            of("org.freedesktop.DBus.Error.InvalidArgs", false),
            CallFailure::Other
        );
        assert_eq!(
            of("org.freedesktop.portal.Error.NotAllowed", false),
            CallFailure::Other
        );
        assert_eq!(
            call_failure(&zbus::Error::InvalidReply, false),
            CallFailure::Other
        );
    }
}
