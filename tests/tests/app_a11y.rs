//! An automated accessibility audit of every screen and dialog of the app, with axe-core
//! (`ui/node_modules/axe-core`, an npm devDependency of the UI) injected through WebDriver: the
//! first run, the recovery key, the empty list, the list with accounts (light and dark), each
//! dialog of the top bar, of a row and of Settings, the lookup window when the build has one,
//! and the unlock screen. Each screen's full axe report (`axe-<screen>.json`) and a screenshot
//! (`axe-<screen>.png`) go to `$TWOFOLD_ARTIFACTS`. The test fails, after auditing them all,
//! listing every "serious" or "critical" violation: rule, impact, help, the nodes' selectors and
//! the screens it was seen on.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use twofold_e2e::webdriver::Session;
use twofold_e2e::{harness, tour};

/// axe on a whole page takes a second or two; a loaded machine, more.
const AXE_WAIT: Duration = Duration::from_secs(90);

/// The outermost visible elements with a pointer cursor that are neither focusable nor inside
/// something focusable, in the open dialog or else the page: what a mouse can do there, the
/// keyboard may not (reported, not failed: the list rows are reached with the arrow keys).
const MOUSE_ONLY: &str = "\
    const focusable = 'a[href],button,input,select,textarea,summary,label,[tabindex]:not([tabindex=\"-1\"])'; \
    const out = []; \
    const root = document.querySelector('dialog[open]') ?? document.body; \
    for (const el of root.querySelectorAll('*')) { \
      if (getComputedStyle(el).cursor !== 'pointer' || el.closest(focusable)) continue; \
      const p = el.parentElement; \
      if (p && getComputedStyle(p).cursor === 'pointer' && !p.closest(focusable)) continue; \
      const r = el.getBoundingClientRect(); \
      if (!r.width || !r.height) continue; \
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') \
        + [...el.classList].map((c) => '.' + c).join('')); \
    } \
    return out;";

/// What the audit found: the violations that fail the test, one entry per rule and selector,
/// with the screens they were seen on (a dialog's audit sees the list behind it too), and a
/// line per screen for the log.
#[derive(Default)]
struct Audit {
    axe_source: String,
    blocking: BTreeMap<(String, String), Blocking>,
    summary: Vec<String>,
}

struct Blocking {
    impact: String,
    help: String,
    screens: Vec<String>,
}

impl Audit {
    fn new() -> Self {
        let path = harness::workspace_root().join("ui/node_modules/axe-core/axe.min.js");
        let axe_source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run `npm ci` in ui/: axe-core is a devDependency)",
                path.display()
            )
        });
        Audit {
            axe_source,
            ..Audit::default()
        }
    }

    /// Loads axe into the current page unless it is there already (once per page load).
    fn inject(&self, session: &Session) {
        let present = session
            .execute("return typeof window.axe === 'object';", &[])
            .unwrap();
        if present == json!(true) {
            return;
        }
        // Run as the script itself: the app's CSP allows no inline <script> and no eval.
        let script = format!(
            "{}\n;return typeof window.axe === 'object';",
            self.axe_source
        );
        let loaded = session.execute(&script, &[]).unwrap();
        assert_eq!(loaded, json!(true), "axe-core did not load into the page");
    }

    /// Runs axe on the document, writes its report and a screenshot, and records what it found.
    fn screen(&mut self, session: &Session, name: &str) {
        // Let a dialog that just opened settle (focus, first paint) before measuring colours.
        session.settle().unwrap();
        self.inject(session);
        session
            .execute(
                "window.__axe = null; \
                 axe.run(document, { resultTypes: ['violations'] }).then( \
                   (r) => { window.__axe = { ok: r }; }, \
                   (e) => { window.__axe = { err: String(e && e.stack || e) }; });",
                &[],
            )
            .unwrap();
        let outcome = session
            .wait_until(&format!("axe on {name}"), AXE_WAIT, |s| {
                let v = s.execute("return window.__axe ?? null;", &[])?;
                Ok((!v.is_null()).then_some(v))
            })
            .unwrap_or_else(|e| panic!("axe on {name}: {e}"));
        if let Some(err) = outcome.get("err") {
            panic!("axe on {name} failed: {err}");
        }
        let result = &outcome["ok"];
        std::fs::write(
            harness::artifact(&format!("axe-{name}.json")),
            serde_json::to_string_pretty(result).unwrap(),
        )
        .unwrap();
        session.shot(&format!("axe-{name}.png"));

        let violations = result["violations"].as_array().cloned().unwrap_or_default();
        let mut line = Vec::new();
        for v in &violations {
            let id = v["id"].as_str().unwrap_or("?").to_string();
            let impact = v["impact"].as_str().unwrap_or("none").to_string();
            let nodes = v["nodes"].as_array().cloned().unwrap_or_default();
            line.push(format!("{id} ({impact}, {} nodes)", nodes.len()));
            if impact != "serious" && impact != "critical" {
                continue;
            }
            for node in &nodes {
                let target = node["target"].to_string();
                let entry = self
                    .blocking
                    .entry((id.clone(), target))
                    .or_insert_with(|| Blocking {
                        impact: node["impact"].as_str().unwrap_or(&impact).to_string(),
                        help: v["help"].as_str().unwrap_or("").to_string(),
                        screens: Vec::new(),
                    });
                entry.screens.push(name.to_string());
            }
        }
        let mouse_only = session.execute(MOUSE_ONLY, &[]).unwrap_or_default();
        if mouse_only.as_array().is_some_and(|a| !a.is_empty()) {
            line.push(format!("clickable but not focusable: {mouse_only}"));
        }
        let summary = if line.is_empty() {
            format!("{name}: no violations")
        } else {
            format!("{name}: {}", line.join(", "))
        };
        eprintln!("axe {summary}");
        self.summary.push(summary);
    }

    /// Fails listing every serious or critical violation, after all screens were audited.
    fn assert_clean(&self) {
        eprintln!("axe summary:\n  {}", self.summary.join("\n  "));
        let failures: Vec<String> = self
            .blocking
            .iter()
            .map(|((id, target), b)| {
                format!(
                    "[{}] {id}: {} -- {target} (on {})",
                    b.impact,
                    b.help,
                    b.screens.join(", ")
                )
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} serious/critical accessibility violations:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

#[test]
fn every_screen_and_dialog_passes_axe() {
    harness::require_secret_service();
    let mut audit = Audit::new();
    let dir = harness::temp_dir();
    let vault = dir.path().join("vault.json");
    let session = Session::start_with_args(
        &harness::webdriver_url(),
        &harness::app_bin(),
        &["--vault", vault.to_str().unwrap()],
    )
    .expect("start the app under WebDriver");

    let notes = tour::every_screen(&session, &mut |s, name| audit.screen(s, name));
    for note in notes {
        eprintln!("axe {note}");
        audit.summary.push(note);
    }

    audit.assert_clean();
}
