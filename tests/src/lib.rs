//! `twofold-e2e`: end-to-end tests that cross process boundaries.
//!
//! The library holds what the suites in `tests/tests/` share: [`harness`] (what the test
//! environment provides and small process helpers) and [`webdriver`] (a synchronous W3C WebDriver
//! client for the app under `tauri-driver`), [`qr_corpus`] (the generated QR frames the
//! scanner is measured on) and [`fido_sim`] (a simulated FIDO2 key for `twofold fido`), [`portal`] (the desktop portal on a private bus), [`procfs`] (a process tree's memory, for the benchmarks). The
//! suites themselves need the environment that `scripts/test.sh` starts; run them through it.

pub mod app;
pub mod fido_sim;
pub mod harness;
pub mod iam;
pub mod portal;
pub mod procfs;
pub mod qr_corpus;
pub mod tour;
pub mod webdriver;
