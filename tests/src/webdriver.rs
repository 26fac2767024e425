//! A small synchronous W3C WebDriver client for driving the Twofold app through `tauri-driver`.
//!
//! It speaks plain HTTP/JSON (ureq + serde_json) and covers what the end-to-end tests need:
//! sessions, finding elements by CSS, clicks, typing, text and attributes, synchronous scripts,
//! screenshots, and polling with a deadline. It does not cover actions, frames or windows.
//!
//! WebKitWebDriver runs one session at a time, so every [`Session`] holds a process-wide lock
//! for its lifetime: tests in one binary that each open a session are serialised, not failed.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

use crate::harness;

/// The key under which W3C WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long one HTTP request may take; creating a session starts the app, so this is generous.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The default timeout of [`Session::wait_for`] and friends.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(15);

static SESSION_LOCK: Mutex<()> = Mutex::new(());

/// What can go wrong talking to the WebDriver server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server could not be reached or the connection broke.
    #[error("webdriver transport: {0}")]
    Transport(String),
    /// The server answered with a W3C error (`no such element`, `javascript error`, ...).
    #[error("webdriver {status} {error}: {message}")]
    WebDriver {
        /// HTTP status code.
        status: u16,
        /// The W3C error code, e.g. `no such element`.
        error: String,
        /// The server's explanation.
        message: String,
    },
    /// The server answered with something that is not the expected JSON shape.
    #[error("unexpected webdriver response: {0}")]
    Protocol(String),
    /// A condition polled by `wait_until` did not hold before the deadline.
    #[error("timed out after {timeout:?} waiting for {what}; last error: {last}")]
    Timeout {
        /// What was being waited for.
        what: String,
        /// How long we waited.
        timeout: Duration,
        /// The last error seen while polling, or `none`.
        last: String,
    },
    /// Writing a screenshot failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The W3C error code when the server returned one (`no such element`, ...).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::WebDriver { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Result alias for WebDriver calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One WebDriver session: one running instance of the app. Deleted (and the app closed) on drop.
pub struct Session {
    agent: ureq::Agent,
    base: String,
    id: String,
    _exclusive: MutexGuard<'static, ()>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("base", &self.base)
            .field("id", &self.id)
            .finish()
    }
}

impl Session {
    /// Starts the app at `application` through the server named by `TWOFOLD_WEBDRIVER_URL`.
    pub fn start(application: &Path) -> Result<Self> {
        Self::start_with_args(&harness::webdriver_url(), application, &[])
    }

    /// Starts `application` with command-line `args` through the WebDriver server at `server`.
    ///
    /// The app inherits the environment of `tauri-driver`, not of the test: per-test
    /// environment variables cannot be passed, use `args` instead.
    pub fn start_with_args(server: &str, application: &Path, args: &[&str]) -> Result<Self> {
        Self::start_with_capabilities(
            server,
            json!({
                "browserName": "wry",
                "tauri:options": { "application": application, "args": args },
            }),
        )
    }

    /// Starts a session with explicit W3C `alwaysMatch` capabilities.
    pub fn start_with_capabilities(server: &str, always_match: Value) -> Result<Self> {
        let exclusive = SESSION_LOCK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let agent = ureq::AgentBuilder::new().timeout(REQUEST_TIMEOUT).build();
        let base = server.trim_end_matches('/').to_owned();
        let body = json!({ "capabilities": { "alwaysMatch": always_match } });
        let value = send(&agent, "POST", &format!("{base}/session"), Some(body))?;
        let id = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Protocol(format!("no sessionId in {value}")))?
            .to_owned();
        Ok(Session {
            agent,
            base,
            id,
            _exclusive: exclusive,
        })
    }

    /// The session id the server assigned.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}/session/{}{}", self.base, self.id, path);
        send(&self.agent, method, &url, body)
    }

    /// The handles of the app's windows (browsing contexts) WebDriver can drive.
    pub fn window_handles(&self) -> Result<Vec<String>> {
        let v = self.call("GET", "/window/handles", None)?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|h| h.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The handle of the window commands go to.
    pub fn window_handle(&self) -> Result<String> {
        as_string(self.call("GET", "/window", None)?)
    }

    /// Sends the following commands to the window `handle`.
    pub fn switch_to_window(&self, handle: &str) -> Result<()> {
        self.call("POST", "/window", Some(json!({ "handle": handle })))
            .map(|_| ())
    }

    /// Calls the app's Tauri command `cmd` with `args` from the page, as the UI would, and
    /// returns `Ok(result)` or `Err(the IpcError)`; waits at most `DEFAULT_WAIT`.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<std::result::Result<Value, Value>> {
        let key = format!(
            "{cmd}-{}",
            INVOKES.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        self.execute(
            "const [cmd, args, key] = arguments; window.__e2e = window.__e2e || {}; \
             window.__TAURI_INTERNALS__.invoke(cmd, args).then( \
               (ok) => { window.__e2e[key] = { ok: ok === undefined ? null : ok }; }, \
               (err) => { window.__e2e[key] = { err }; });",
            &[json!(cmd), args, json!(key)],
        )?;
        let outcome = self.wait_until(&format!("{cmd} to answer"), DEFAULT_WAIT, |s| {
            let v = s.execute(
                "return (window.__e2e || {})[arguments[0]] ?? null;",
                &[json!(key)],
            )?;
            Ok((!v.is_null()).then_some(v))
        })?;
        Ok(match outcome.get("err") {
            Some(e) => Err(e.clone()),
            None => Ok(outcome["ok"].clone()),
        })
    }

    /// The document title.
    pub fn title(&self) -> Result<String> {
        as_string(self.call("GET", "/title", None)?)
    }

    /// The serialised DOM of the current page.
    pub fn page_source(&self) -> Result<String> {
        as_string(self.call("GET", "/source", None)?)
    }

    /// The first element matching a CSS selector (error `no such element` when none does).
    pub fn find(&self, css: &str) -> Result<Element<'_>> {
        let body = json!({ "using": "css selector", "value": css });
        let value = self.call("POST", "/element", Some(body))?;
        self.element_from(&value)
    }

    /// Every element matching a CSS selector, possibly none.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element<'_>>> {
        let body = json!({ "using": "css selector", "value": css });
        let value = self.call("POST", "/elements", Some(body))?;
        value
            .as_array()
            .ok_or_else(|| Error::Protocol(format!("expected an array, got {value}")))?
            .iter()
            .map(|v| self.element_from(v))
            .collect()
    }

    fn element_from(&self, value: &Value) -> Result<Element<'_>> {
        let id = value
            .get(ELEMENT_KEY)
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Protocol(format!("not an element reference: {value}")))?;
        Ok(Element {
            session: self,
            id: id.to_owned(),
        })
    }

    /// Runs `script` as the body of a synchronous function with `args` as `arguments`
    /// and returns what it returns (`return ...;`).
    pub fn execute(&self, script: &str, args: &[Value]) -> Result<Value> {
        let body = json!({ "script": script, "args": args });
        self.call("POST", "/execute/sync", Some(body))
    }

    /// Waits until what just changed on the page is on screen: two animation frames have run
    /// and every CSS transition or finite animation has finished (spinners are infinite and not
    /// waited for). What a screenshot or a colour measurement of a dialog that just opened
    /// needs, instead of a fixed sleep. At most 3 s.
    pub fn settle(&self) -> Result<()> {
        let settled = self.execute(
            "const frames = new Promise((done) => \
               requestAnimationFrame(() => requestAnimationFrame(() => done()))); \
             const finite = () => Promise.all(document.getAnimations() \
               .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity) \
               .map((a) => a.finished.catch(() => null))); \
             const limit = new Promise((done) => setTimeout(() => done('timed out'), 3000)); \
             return Promise.race([frames.then(finite).then(() => 'settled'), limit]);",
            &[],
        )?;
        match settled.as_str() {
            Some("settled") => Ok(()),
            _ => Err(Error::Protocol(format!(
                "the page did not settle within 3 s: {settled}"
            ))),
        }
    }

    /// A best-effort screenshot into the artifacts dir (`TWOFOLD_ARTIFACTS/<name>`). Under Xvfb,
    /// WebKitWebDriver's screenshot waits for the next paint, so on an idle page (an empty
    /// state) it never answers: this nudges a repaint first, waits at most 4 s, and never fails
    /// the test over a screenshot (it says so on stderr instead).
    pub fn shot(&self, name: &str) {
        self.nudge_repaint();
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(4))
            .build();
        let result = agent
            .get(&format!("{}/session/{}/screenshot", self.base, self.id))
            .call()
            .map_err(|e| e.to_string())
            .and_then(|r| r.into_json::<Value>().map_err(|e| e.to_string()))
            .and_then(|v| {
                let b64 = v["value"]
                    .as_str()
                    .ok_or("no PNG in the answer")?
                    .to_string();
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| e.to_string())
            });
        match result {
            Ok(png) => {
                if let Err(e) = std::fs::write(harness::artifact(name), png) {
                    eprintln!("screenshot {name} not written: {e}");
                }
            }
            Err(e) => eprintln!("screenshot {name} not taken: {e}"),
        }
    }

    /// Makes the page paint once more (a 2-pixel, nearly transparent element for 1.5 s), since
    /// WebKitWebDriver's screenshot waits for the next paint and an idle page has none.
    fn nudge_repaint(&self) {
        let nudge = "const d = document.createElement('div'); \
            d.style.cssText = 'position:fixed;left:0;top:0;width:2px;height:2px;opacity:0.01'; \
            document.body.append(d); setTimeout(() => d.remove(), 1500);";
        let _ = self.execute(nudge, &[]);
    }

    /// Takes a screenshot of the window and writes it as PNG to `path` (nudging a repaint first,
    /// see [`Session::shot`]).
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        self.nudge_repaint();
        let encoded = as_string(self.call("GET", "/screenshot", None)?)?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|e| Error::Protocol(format!("screenshot is not base64: {e}")))?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, png)?;
        Ok(())
    }

    /// Polls `probe` every 100 ms until it returns `Ok(Some(_))` or `timeout` passes.
    /// Errors from `probe` count as "not yet" and are reported in the timeout error.
    pub fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut probe: impl FnMut(&Session) -> Result<Option<T>>,
    ) -> Result<T> {
        let deadline = Instant::now() + timeout;
        let mut last = String::from("none");
        loop {
            match probe(self) {
                Ok(Some(found)) => return Ok(found),
                Ok(None) => {}
                Err(e) => last = e.to_string(),
            }
            if Instant::now() >= deadline {
                return Err(Error::Timeout {
                    what: what.to_owned(),
                    timeout,
                    last,
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for an element matching `css` to exist.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element<'_>> {
        let id = self.wait_until(&format!("element `{css}`"), timeout, |s| {
            Ok(s.find(css).ok().map(|e| e.id))
        })?;
        Ok(Element { session: self, id })
    }

    /// Waits until some element matching `css` has text containing `needle`; returns that text.
    pub fn wait_for_text(&self, css: &str, needle: &str, timeout: Duration) -> Result<String> {
        self.wait_until(&format!("`{needle}` in `{css}`"), timeout, |s| {
            for el in s.find_all(css)? {
                let text = el.text()?;
                if text.contains(needle) {
                    return Ok(Some(text));
                }
            }
            Ok(None)
        })
    }

    /// Waits until the document has loaded and `body` has at least one child element.
    pub fn wait_for_render(&self, timeout: Duration) -> Result<()> {
        self.wait_until("the page to render", timeout, |s| {
            let ready = s.execute(
                "return document.readyState === 'complete' \
                 && !!document.body && document.body.childElementCount > 0;",
                &[],
            )?;
            Ok(ready.as_bool().unwrap_or(false).then_some(()))
        })
    }
}

/// Test steps: each waits for its element, scrolls it into view and panics with the selector
/// when the app does not get there, so a failing test says which step broke.
impl Session {
    /// Starts the app binary with `args` and waits for the account list; a new vault is
    /// created on the way (see [`Session::through_first_run`]).
    pub fn start_app(args: &[&str]) -> Session {
        let session =
            Session::start_with_args(&harness::webdriver_url(), &harness::app_bin(), args)
                .expect("start the app under WebDriver");
        session.through_first_run();
        session
            .wait_for(".accounts-view", DEFAULT_WAIT)
            .expect("the account list");
        session
    }

    /// Waits for the account list or the first-run screen; on the first run, creates the vault
    /// with a recovery key (beside the keyring) and confirms it is saved. Returns the key, when
    /// one was made.
    pub fn through_first_run(&self) -> Option<String> {
        let first = self
            .wait_until("the account list or the first run", DEFAULT_WAIT, |s| {
                let found = s.execute(
                    "return document.querySelector('.accounts-view') ? 'list' \
                     : document.querySelector('#first-run') ? 'first' : null;",
                    &[],
                )?;
                Ok(found.as_str().map(|f| f == "first"))
            })
            .expect("the account list or the first-run screen");
        if !first {
            return None;
        }
        self.click_on("#create-choose-recovery");
        let key = self
            .wait_for("#recovery-key-text", DEFAULT_WAIT)
            .expect("the recovery key")
            .attribute("data-key")
            .expect("its data-key")
            .expect("a key");
        self.click_on("#recovery-saved");
        self.click_on("#recovery-continue");
        Some(key)
    }

    /// Drags with the mouse (W3C actions): presses on the centre of `from`, moves in steps to
    /// `dy` pixels below the centre of `to` (negative: above), releases. Both are scrolled into
    /// view first; positions are the viewport's.
    pub fn drag(&self, from: &str, to: &str, dy: i64) -> Result<()> {
        let centre = |css: &str| -> Result<(i64, i64)> {
            let v = self.execute(
                "const e = document.querySelector(arguments[0]); e.scrollIntoView({block: 'nearest'}); \
                 const r = e.getBoundingClientRect(); \
                 return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];",
                &[json!(css)],
            )?;
            Ok((v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0)))
        };
        let (fx, fy) = centre(from)?;
        let (tx, ty) = centre(to)?;
        let at = |x: i64, y: i64, ms: u64| json!({ "type": "pointerMove", "duration": ms, "origin": "viewport", "x": x, "y": y });
        let body = json!({ "actions": [{
            "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" },
            "actions": [
                at(fx, fy, 0),
                { "type": "pointerDown", "button": 0 },
                at(fx, fy + dy.signum() * 8, 150),
                at(tx, ty + dy, 300),
                { "type": "pointerUp", "button": 0 },
            ],
        }]});
        self.call("POST", "/actions", Some(body))?;
        self.call("DELETE", "/actions", None).map(drop)
    }

    /// WebKitWebDriver does not scroll inside a scrolled container (a dialog body) before
    /// interacting; do it for it.
    pub fn scroll_to(&self, css: &str) {
        let _ = self.execute(
            "document.querySelector(arguments[0])?.scrollIntoView({block: 'center'});",
            &[json!(css)],
        );
    }

    /// Waits for `css`, scrolls to it and clicks it.
    pub fn click_on(&self, css: &str) {
        let el = self
            .wait_for(css, DEFAULT_WAIT)
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        self.scroll_to(css);
        el.click().unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Waits for `css`, clears it and types `text`.
    pub fn type_into(&self, css: &str, text: &str) {
        let el = self
            .wait_for(css, DEFAULT_WAIT)
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        self.scroll_to(css);
        if let Err(e) = el.clear().and_then(|()| el.send_keys(text)) {
            self.shot("failed-typing.png");
            panic!("typing into {css}: {e}");
        }
    }

    /// The text of the first element matching `css`, which must exist.
    pub fn text_of(&self, css: &str) -> String {
        self.find(css)
            .and_then(|e| e.text())
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    /// Opens the `<details>` with this id (WebKitWebDriver's click does not toggle one).
    pub fn open_details(&self, id: &str) {
        self.execute(
            "document.getElementById(arguments[0]).open = true;",
            &[json!(id)],
        )
        .unwrap_or_else(|e| panic!("open #{id}: {e}"));
    }
}

/// Numbers `Session::invoke`'s answers apart.
static INVOKES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

impl Drop for Session {
    fn drop(&mut self) {
        // Closing the session closes the app; errors here would only hide the real failure.
        let url = format!("{}/session/{}", self.base, self.id);
        let _ = send(&self.agent, "DELETE", &url, None);
    }
}

/// An element of the current page.
#[derive(Debug, Clone)]
pub struct Element<'s> {
    session: &'s Session,
    id: String,
}

impl Element<'_> {
    fn call(&self, method: &str, what: &str, body: Option<Value>) -> Result<Value> {
        self.session
            .call(method, &format!("/element/{}{}", self.id, what), body)
    }

    /// Clicks the element (scrolling it into view first).
    pub fn click(&self) -> Result<()> {
        self.call("POST", "/click", Some(json!({}))).map(drop)
    }

    /// Clears an input or textarea.
    pub fn clear(&self) -> Result<()> {
        self.call("POST", "/clear", Some(json!({}))).map(drop)
    }

    /// Types `text` into the element.
    pub fn send_keys(&self, text: &str) -> Result<()> {
        self.call("POST", "/value", Some(json!({ "text": text })))
            .map(drop)
    }

    /// The rendered text of the element.
    pub fn text(&self) -> Result<String> {
        as_string(self.call("GET", "/text", None)?)
    }

    /// An attribute value, `None` when absent.
    pub fn attribute(&self, name: &str) -> Result<Option<String>> {
        let value = self.call("GET", &format!("/attribute/{name}"), None)?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// A DOM property (e.g. `value` of an input), as JSON.
    pub fn property(&self, name: &str) -> Result<Value> {
        self.call("GET", &format!("/property/{name}"), None)
    }

    /// Whether the element is displayed.
    pub fn is_displayed(&self) -> Result<bool> {
        Ok(self
            .call("GET", "/displayed", None)?
            .as_bool()
            .unwrap_or(false))
    }
}

/// `GET {server}/status`: the server's readiness document.
pub fn status(server: &str) -> Result<Value> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(5))
        .build();
    send(
        &agent,
        "GET",
        &format!("{}/status", server.trim_end_matches('/')),
        None,
    )
}

fn as_string(value: Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(Error::Protocol(format!("expected a string, got {other}"))),
    }
}

/// Sends one request and unwraps the W3C `{"value": ...}` envelope.
fn send(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Result<Value> {
    let request = agent.request(method, url);
    let response = match body {
        Some(body) => request.send_json(body),
        None => request.call(),
    };
    match response {
        Ok(response) => {
            let mut json: Value = response
                .into_json()
                .map_err(|e| Error::Protocol(format!("{method} {url}: {e}")))?;
            Ok(json
                .get_mut("value")
                .map(Value::take)
                .unwrap_or(Value::Null))
        }
        Err(ureq::Error::Status(status, response)) => {
            let json: Value = response.into_json().unwrap_or(Value::Null);
            let value = json.get("value").unwrap_or(&Value::Null);
            let field = |k: &str| {
                value
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            Err(Error::WebDriver {
                status,
                error: field("error"),
                message: field("message"),
            })
        }
        Err(e) => Err(Error::Transport(format!("{method} {url}: {e}"))),
    }
}
