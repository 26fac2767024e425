//! The lookup shortcut on Wayland, through xdg-desktop-portal's GlobalShortcuts portal (version
//! 1, xdg-desktop-portal 1.16 and later; KDE Plasma 5.27+, GNOME 48+, Hyprland).
//!
//! One portal session per start (and per change in Settings): `CreateSession`, then
//! `ListShortcuts`, which names the shortcuts the desktop remembers for Twofold; only when
//! "lookup" is not among them `BindShortcuts` asks the desktop for it, offering the keys from
//! Settings as the preferred trigger (the desktop may show a dialog and may choose other keys).
//! Then the session waits for `Activated` (the lookup window opens) and `ShortcutsChanged` (the
//! user gave it other keys in the desktop's settings). The session lasts as long as its D-Bus
//! connection, which the task owns: ending the task ends the session.

use tauri::{AppHandle, Manager, Runtime};

use crate::shortcut::ShortcutStatus;

/// The id of the lookup shortcut in the portal session (the desktop remembers it by this).
pub const SHORTCUT_ID: &str = "lookup";

/// How the desktop lists the shortcut (its keyboard settings show this).
pub const DESCRIPTION: &str = "Find a code (Twofold lookup window)";

/// Starts a new portal session for `shortcut` (none: only ends the old one).
pub fn start<R: Runtime>(app: &AppHandle<R>, shortcut: Option<&str>) {
    let status = app.state::<ShortcutStatus>();
    let generation = status.next_portal();
    let Some(text) = shortcut else {
        return;
    };
    #[cfg(all(unix, not(target_os = "macos"), not(target_os = "android")))]
    {
        let preferred = xdg_trigger(text);
        let handle = app.clone();
        let task = tauri::async_runtime::spawn(async move {
            let problem = linux::session(&handle, generation, preferred).await;
            tracing::info!("lookup shortcut portal: {problem:?}");
            outcome(&handle, generation, Err(problem));
        });
        status.portal_started(generation, task);
    }
    #[cfg(not(all(unix, not(target_os = "macos"), not(target_os = "android"))))]
    {
        let _ = text;
        outcome(
            app,
            generation,
            Err(crate::shortcut::ShortcutProblem::NoPortal {
                detail: "desktop portals exist only on Linux".into(),
            }),
        );
    }
}

/// Records what portal session `generation` found and tells the windows, unless a newer
/// session has started.
fn outcome<R: Runtime>(
    app: &AppHandle<R>,
    generation: u64,
    found: Result<crate::shortcut::DesktopShortcut, crate::shortcut::ShortcutProblem>,
) {
    use tauri::Emitter as _;
    if app
        .state::<ShortcutStatus>()
        .portal_outcome(generation, found)
    {
        if let Err(e) = app.emit(crate::shortcut::STANDING_CHANGED, ()) {
            tracing::warn!("could not emit {}: {e}", crate::shortcut::STANDING_CHANGED);
        }
    }
}

/// The shortcut from Settings (`Ctrl+Alt+Shift+2`, as tauri-plugin-global-shortcut writes it)
/// in the freedesktop shortcuts format the portal takes as `preferred_trigger`
/// (`CTRL+ALT+SHIFT+2`: modifiers CTRL, ALT, SHIFT, LOGO, then an XKB keysym name). None when a
/// part has no such name; the desktop then chooses the keys with the user.
pub fn xdg_trigger(text: &str) -> Option<String> {
    let mut modifiers = Vec::new();
    let mut key = None;
    for part in text.split('+').map(str::trim) {
        let upper = part.to_ascii_uppercase();
        let modifier = match upper.as_str() {
            "CTRL" | "CONTROL" | "COMMANDORCONTROL" | "COMMANDORCTRL" | "CMDORCTRL"
            | "CMDORCONTROL" => Some("CTRL"),
            "ALT" | "OPTION" => Some("ALT"),
            "SHIFT" => Some("SHIFT"),
            "SUPER" | "META" | "CMD" | "COMMAND" => Some("LOGO"),
            _ => None,
        };
        match modifier {
            Some(m) if !modifiers.contains(&m) => modifiers.push(m),
            Some(_) => {}
            None if key.is_none() => key = Some(keysym(part)?),
            None => return None,
        }
    }
    let key = key?;
    modifiers.push(key.as_str());
    Some(modifiers.join("+"))
}

/// The XKB keysym name of a key as tauri-plugin-global-shortcut names it.
fn keysym(key: &str) -> Option<String> {
    let bare = key
        .strip_prefix("Key")
        .or_else(|| key.strip_prefix("Digit"))
        .filter(|rest| rest.len() == 1)
        .unwrap_or(key);
    let mut chars = bare.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c
            .is_ascii_alphanumeric()
            .then(|| c.to_ascii_lowercase().to_string());
    }
    let upper = bare.to_ascii_uppercase();
    if let Some(n) = upper.strip_prefix('F') {
        if n.parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) {
            return Some(upper);
        }
    }
    let name = match upper.as_str() {
        "SPACE" => "space",
        "ENTER" | "RETURN" => "Return",
        "TAB" => "Tab",
        "ESCAPE" | "ESC" => "Escape",
        "BACKSPACE" => "BackSpace",
        "DELETE" => "Delete",
        "INSERT" => "Insert",
        "HOME" => "Home",
        "END" => "End",
        "PAGEUP" => "Page_Up",
        "PAGEDOWN" => "Page_Down",
        "UP" | "ARROWUP" => "Up",
        "DOWN" | "ARROWDOWN" => "Down",
        "LEFT" | "ARROWLEFT" => "Left",
        "RIGHT" | "ARROWRIGHT" => "Right",
        "MINUS" => "minus",
        "EQUAL" => "equal",
        "COMMA" => "comma",
        "PERIOD" => "period",
        "SLASH" => "slash",
        "BACKSLASH" => "backslash",
        "SEMICOLON" => "semicolon",
        "QUOTE" => "apostrophe",
        "BACKQUOTE" => "grave",
        "BRACKETLEFT" => "bracketleft",
        "BRACKETRIGHT" => "bracketright",
        _ => return None,
    };
    Some(name.to_owned())
}

#[cfg(all(unix, not(target_os = "macos"), not(target_os = "android")))]
mod linux {
    use std::collections::HashMap;
    use std::time::Duration;

    use futures_util::StreamExt as _;
    use tauri::{AppHandle, Runtime};
    use twofold_core::portal::{
        call_failure, request, CallFailure, RequestError, Vardict, PORTAL_NAME, PORTAL_PATH,
    };
    use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

    use super::{DESCRIPTION, SHORTCUT_ID};
    use crate::shortcut::{DesktopShortcut, ShortcutProblem};

    const IFACE: &str = "org.freedesktop.portal.GlobalShortcuts";

    /// Creating and listing answer at once; binding may wait for the user in a dialog.
    const QUICK: Duration = Duration::from_secs(30);
    const DIALOG: Duration = Duration::from_secs(600);

    /// One shortcut as the portal describes it.
    #[derive(Debug, Default, zvariant::DeserializeDict, zvariant::Type)]
    #[zvariant(signature = "a{sv}")]
    struct Described {
        trigger_description: Option<String>,
    }

    /// The results of ListShortcuts and BindShortcuts.
    #[derive(Debug, Default, zvariant::DeserializeDict, zvariant::Type)]
    #[zvariant(signature = "a{sv}")]
    struct Listed {
        shortcuts: Option<Vec<(String, Described)>>,
    }

    /// The results of CreateSession: the handle is a string in version 1 portals and an object
    /// path in later ones, so it is taken as it comes.
    type Created = Vardict;

    /// Runs one portal session until it fails or the bus goes away; returns why it ended.
    pub(super) async fn session<R: Runtime>(
        app: &AppHandle<R>,
        generation: u64,
        preferred: Option<String>,
    ) -> ShortcutProblem {
        match run(app, generation, preferred).await {
            Ok(()) => no_portal("the session bus closed"),
            Err(problem) => problem,
        }
    }

    async fn run<R: Runtime>(
        app: &AppHandle<R>,
        generation: u64,
        preferred: Option<String>,
    ) -> Result<(), ShortcutProblem> {
        let conn = zbus::Connection::session()
            .await
            .map_err(|e| no_portal(&format!("there is no D-Bus session bus ({e})")))?;
        version(&conn).await?;
        // Subscribed before the session exists, so no activation is missed.
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .sender(PORTAL_NAME)
            .and_then(|b| b.path(PORTAL_PATH))
            .and_then(|b| b.interface(IFACE))
            .map(|b| b.build())
            .map_err(|e| no_portal(&e.to_string()))?;
        let mut signals = zbus::MessageStream::for_match_rule(rule, &conn, Some(16))
            .await
            .map_err(|e| no_portal(&format!("cannot listen to the desktop portal ({e})")))?;

        let created = request::<_, Created>(&conn, IFACE, "CreateSession", QUICK, |token| {
            let session_token = token.replacen("twofold_", "twofold_s_", 1);
            let options: HashMap<&str, Value<'_>> = HashMap::from([
                ("handle_token", Value::from(token.to_owned())),
                ("session_handle_token", Value::from(session_token)),
            ]);
            options
        })
        .await
        .map_err(|e| failed("CreateSession", e))?;
        refused("CreateSession", created.code)?;
        let session = created
            .results
            .get("session_handle")
            .and_then(session_path)
            .ok_or_else(|| no_portal("the portal created a session without a handle"))?;

        let session_arg = session.clone();
        let listed = request::<_, Listed>(&conn, IFACE, "ListShortcuts", QUICK, |token| {
            let options: HashMap<&str, Value<'_>> =
                HashMap::from([("handle_token", Value::from(token.to_owned()))]);
            (session_arg, options)
        })
        .await
        .map_err(|e| failed("ListShortcuts", e))?;
        refused("ListShortcuts", listed.code)?;
        let trigger = match lookup_in(listed.results) {
            Some(remembered) => remembered,
            None => {
                let session_arg = session.clone();
                let bound = request::<_, Listed>(&conn, IFACE, "BindShortcuts", DIALOG, |token| {
                    let mut properties: HashMap<&str, Value<'_>> =
                        HashMap::from([("description", Value::from(DESCRIPTION))]);
                    if let Some(p) = preferred {
                        properties.insert("preferred_trigger", Value::from(p));
                    }
                    let options: HashMap<&str, Value<'_>> =
                        HashMap::from([("handle_token", Value::from(token.to_owned()))]);
                    (session_arg, vec![(SHORTCUT_ID, properties)], "", options)
                })
                .await
                .map_err(|e| failed("BindShortcuts", e))?;
                match bound.code {
                    0 => lookup_in(bound.results).unwrap_or(None),
                    1 => return Err(ShortcutProblem::Declined),
                    code => return Err(no_portal(&format!("BindShortcuts ended with {code}"))),
                }
            }
        };
        tracing::info!("lookup shortcut bound by the desktop: {trigger:?}");
        super::outcome(app, generation, Ok(DesktopShortcut { trigger }));

        while let Some(msg) = signals.next().await {
            let Ok(msg) = msg else { continue };
            let header = msg.header();
            match header.member().map(|m| m.as_str()) {
                Some("Activated") => {
                    let Ok((of, id, _, options)) =
                        msg.body()
                            .deserialize::<(OwnedObjectPath, String, u64, Vardict)>()
                    else {
                        continue;
                    };
                    if of.as_str() == session.as_str() && id == SHORTCUT_ID {
                        // Newer portals give a token that lets the window take the focus.
                        let token = match options.get("activation_token").map(|v| &**v) {
                            Some(Value::Str(t)) => Some(t.to_string()),
                            _ => None,
                        };
                        let shown = app.clone();
                        let shows = move || crate::lookup::show_activated(&shown, token.as_deref());
                        if let Err(e) = app.run_on_main_thread(shows) {
                            tracing::warn!("cannot show the lookup window: {e}");
                        }
                    }
                }
                Some("ShortcutsChanged") => {
                    let Ok((of, shortcuts)) = msg
                        .body()
                        .deserialize::<(OwnedObjectPath, Vec<(String, Described)>)>()
                    else {
                        continue;
                    };
                    if of.as_str() != session.as_str() {
                        continue;
                    }
                    if let Some(trigger) = lookup_in(Listed {
                        shortcuts: Some(shortcuts),
                    }) {
                        tracing::info!("the desktop gave the lookup shortcut other keys");
                        super::outcome(app, generation, Ok(DesktopShortcut { trigger }));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether the portal offers GlobalShortcuts at all (its version property).
    async fn version(conn: &zbus::Connection) -> Result<u32, ShortcutProblem> {
        let reply = conn
            .call_method(
                Some(PORTAL_NAME),
                PORTAL_PATH,
                Some("org.freedesktop.DBus.Properties"),
                "Get",
                &(IFACE, "version"),
            )
            .await
            .map_err(|e| no_portal(&missing(&e)))?;
        let value: OwnedValue = reply
            .body()
            .deserialize()
            .map_err(|e| no_portal(&format!("the portal's version was unreadable ({e})")))?;
        u32::try_from(value).map_err(|e| no_portal(&format!("the portal's version ({e})")))
    }

    /// The lookup shortcut's trigger among those listed: `Some(None)` when it is listed
    /// without keys.
    fn lookup_in(listed: Listed) -> Option<Option<String>> {
        listed
            .shortcuts?
            .into_iter()
            .find(|(id, _)| id == SHORTCUT_ID)
            .map(|(_, d)| d.trigger_description.filter(|t| !t.trim().is_empty()))
    }

    fn session_path(value: &OwnedValue) -> Option<OwnedObjectPath> {
        let text = match &**value {
            Value::Str(s) => s.to_string(),
            Value::ObjectPath(p) => p.to_string(),
            _ => return None,
        };
        OwnedObjectPath::try_from(text).ok()
    }

    fn no_portal(detail: &str) -> ShortcutProblem {
        ShortcutProblem::NoPortal {
            detail: detail.to_owned(),
        }
    }

    fn refused(method: &str, code: u32) -> Result<(), ShortcutProblem> {
        match code {
            0 => Ok(()),
            code => Err(no_portal(&format!(
                "the portal's {method} ended with {code}"
            ))),
        }
    }

    /// What a failed request means: the portal is missing, offers no GlobalShortcuts, or
    /// failed.
    fn failed(method: &str, e: RequestError) -> ShortcutProblem {
        no_portal(&match e {
            RequestError::Call(e) => missing(&e),
            RequestError::TimedOut => format!("the portal did not answer {method} in time"),
            RequestError::Closed => "the session bus closed".to_owned(),
            RequestError::Token(e) => format!("no randomness for the request ({e})"),
            RequestError::Listen(e) | RequestError::Unreadable(e) => {
                format!("the portal's answer to {method} was unreadable ({e})")
            }
        })
    }

    /// Why a call to the portal failed, in words for the details.
    fn missing(e: &zbus::Error) -> String {
        match call_failure(e, true) {
            CallFailure::NoPortal => "xdg-desktop-portal is not running".to_owned(),
            CallFailure::NoInterface => {
                "the desktop portal has no GlobalShortcuts for this desktop".to_owned()
            }
            CallFailure::Other => format!("the desktop portal failed ({e})"),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_lookup_shortcut_is_found_with_or_without_keys() {
            let listed = |items: Vec<(&str, Option<&str>)>| Listed {
                shortcuts: Some(
                    items
                        .into_iter()
                        .map(|(id, t)| {
                            (
                                id.to_owned(),
                                Described {
                                    trigger_description: t.map(str::to_owned),
                                },
                            )
                        })
                        .collect(),
                ),
            };
            assert_eq!(
                lookup_in(listed(vec![
                    ("other", Some("Super+O")),
                    ("lookup", Some("Ctrl+Alt+Shift+2"))
                ])),
                Some(Some("Ctrl+Alt+Shift+2".to_owned()))
            );
            assert_eq!(lookup_in(listed(vec![("lookup", Some(" "))])), Some(None));
            assert_eq!(lookup_in(listed(vec![("lookup", None)])), Some(None));
            assert_eq!(lookup_in(listed(vec![("other", None)])), None);
            assert_eq!(lookup_in(Listed { shortcuts: None }), None);
        }

        #[test]
        fn the_session_handle_is_taken_as_a_string_or_an_object_path() {
            let path = "/org/freedesktop/portal/desktop/session/1_3/twofold_s_ab";
            let s = OwnedValue::try_from(Value::from(path)).unwrap();
            assert_eq!(session_path(&s).unwrap().as_str(), path);
            let o = OwnedValue::try_from(Value::from(
                zbus::zvariant::ObjectPath::try_from(path).unwrap(),
            ))
            .unwrap();
            assert_eq!(session_path(&o).unwrap().as_str(), path);
            let bad = OwnedValue::try_from(Value::from("not a path")).unwrap();
            assert_eq!(session_path(&bad), None);
            assert_eq!(session_path(&OwnedValue::from(7u32)), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_shortcuts_become_freedesktop_triggers() {
        assert_eq!(
            xdg_trigger(crate::settings::DEFAULT_SHORTCUT).as_deref(),
            Some("CTRL+ALT+SHIFT+2")
        );
        assert_eq!(xdg_trigger("Super+K").as_deref(), Some("LOGO+k"));
        assert_eq!(
            xdg_trigger("CommandOrControl+Shift+KeyP").as_deref(),
            Some("CTRL+SHIFT+p")
        );
        assert_eq!(xdg_trigger("Alt+Digit7").as_deref(), Some("ALT+7"));
        assert_eq!(xdg_trigger("Ctrl+F12").as_deref(), Some("CTRL+F12"));
        assert_eq!(
            xdg_trigger("Ctrl+Alt+Space").as_deref(),
            Some("CTRL+ALT+space")
        );
        assert_eq!(
            xdg_trigger("Ctrl+PageDown").as_deref(),
            Some("CTRL+Page_Down")
        );
        // Two keys, no key, or a key without a keysym name: the desktop chooses.
        assert_eq!(xdg_trigger("Ctrl+A+B"), None);
        assert_eq!(xdg_trigger("Ctrl+Shift"), None);
        assert_eq!(xdg_trigger("Ctrl+F25"), None);
        assert_eq!(xdg_trigger("Ctrl+MediaPlayPause"), None);
    }
}
