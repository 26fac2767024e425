//! One list of commands: the invoke handler in `lib.rs`, the `#[tauri::command]` fns in
//! `src/commands` (whose signatures `command_types.rs` writes to `ui/src/bindings/commands.ts`,
//! the list the UI's `call` is typed by), the permissions `build.rs` declares, the grants in
//! `capabilities/default.json` and the wrappers in `ui/src/ipc/commands.ts` must name the same
//! commands. A command missing from one of them fails at a click, at run time; this test makes
//! it fail here instead.

use std::collections::BTreeSet;

const LIB: &str = include_str!("lib.rs");
const BUILD: &str = include_str!("../build.rs");
const CAPABILITY: &str = include_str!("../capabilities/default.json");
const UI: &str = include_str!("../../ui/src/ipc/commands.ts");

/// The quoted strings between `start` and the next `end`.
fn quoted_between(text: &str, start: &str, end: &str, quote: char) -> Vec<String> {
    let from = text.find(start).expect("the list's start") + start.len();
    let body = &text[from..from + text[from..].find(end).expect("the list's end")];
    body.split(quote)
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn handler() -> BTreeSet<String> {
    let from = LIB.find("generate_handler![").expect("the invoke handler");
    let body = &LIB[from..from + LIB[from..].find(']').expect("its end")];
    body.split(',')
        .filter_map(|p| p.trim().rsplit("::").next())
        .filter(|n| !n.is_empty() && !n.contains('['))
        .map(str::to_string)
        .collect()
}

fn declared() -> BTreeSet<String> {
    quoted_between(BUILD, "const COMMANDS", "];", '"')
        .into_iter()
        .collect()
}

fn granted() -> BTreeSet<String> {
    let cap: serde_json::Value = serde_json::from_str(CAPABILITY).expect("the capability file");
    cap["permissions"]
        .as_array()
        .expect("its permissions")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect()
}

fn wrapped() -> BTreeSet<String> {
    // Every wrapper goes through `call('name', ..)`, whose name the typecheck holds to the
    // generated list.
    UI.split("call('")
        .skip(1)
        .filter_map(|piece| piece.split('\'').next())
        .map(str::to_string)
        .collect()
}

fn generated() -> BTreeSet<String> {
    crate::command_types::commands()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

#[test]
fn handler_permissions_capability_and_ui_name_the_same_commands() {
    let handler = handler();
    assert!(handler.len() > 40, "parsed the handler: {handler:?}");
    assert_eq!(
        generated(),
        handler,
        "the #[tauri::command] fns in src/commands vs the invoke handler"
    );
    assert_eq!(
        declared(),
        handler,
        "build.rs COMMANDS vs the invoke handler"
    );
    assert_eq!(
        granted(),
        handler,
        "capabilities/default.json vs the invoke handler"
    );
    assert_eq!(
        wrapped(),
        handler,
        "ui/src/ipc/commands.ts vs the invoke handler"
    );
}

/// The lookup window's capability grants only what it needs: nothing that reveals a secret,
/// writes the vault's keys or settings, or reaches AWS.
#[test]
fn the_lookup_window_gets_a_small_subset() {
    let cap: serde_json::Value =
        serde_json::from_str(include_str!("../capabilities/lookup.json")).expect("lookup.json");
    assert_eq!(cap["windows"], serde_json::json!([crate::lookup::LABEL]));
    let granted: BTreeSet<String> = cap["permissions"]
        .as_array()
        .expect("its permissions")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    let handler = handler();
    assert!(granted.iter().all(|g| handler.contains(g)), "{granted:?}");
    for never in [
        "account_reveal",
        "account_qr",
        "export_write",
        "settings_set",
        "vault_password_set",
        "aws_whoami",
    ] {
        assert!(
            !granted.contains(never),
            "the lookup window may not call {never}"
        );
    }
    assert!(granted.contains("lookup_choose") && granted.contains("code_current"));
}
