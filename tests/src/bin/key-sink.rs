//! A window on `$DISPLAY` that takes the keyboard focus and prints every character typed into
//! it: the "other app" that "type the code" types into, under Xvfb.
//!
//!     key-sink
//!
//! Prints `ready <window id>` once it is mapped and focused, then each typed character as it
//! arrives (letters and digits; Shift gives the second level), flushed at once.

use std::io::Write as _;

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{
    ConnectionExt as _, CreateWindowAux, EventMask, InputFocus, KeyButMask,
};
use x11rb::protocol::Event;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (conn, screen_num) = x11rb::connect(None)?;
    let screen = &conn.setup().roots[screen_num];
    let win = conn.generate_id()?;
    conn.create_window(
        x11rb::COPY_DEPTH_FROM_PARENT,
        win,
        screen.root,
        20,
        600,
        320,
        120,
        0,
        x11rb::protocol::xproto::WindowClass::INPUT_OUTPUT,
        screen.root_visual,
        &CreateWindowAux::new()
            .override_redirect(1)
            .background_pixel(screen.white_pixel)
            .event_mask(EventMask::KEY_PRESS | EventMask::EXPOSURE),
    )?;
    conn.map_window(win)?;
    conn.flush()?;
    // Mapped once the first Expose arrives; then take the focus, as a clicked window would.
    loop {
        if let Event::Expose(_) = conn.wait_for_event()? {
            break;
        }
    }
    conn.set_input_focus(InputFocus::PARENT, win, x11rb::CURRENT_TIME)?;
    conn.get_input_focus()?.reply()?;
    let setup = conn.setup();
    let (min, max) = (setup.min_keycode, setup.max_keycode);
    let map = conn.get_keyboard_mapping(min, max - min + 1)?.reply()?;
    let per = usize::from(map.keysyms_per_keycode);
    let mut out = std::io::stdout();
    writeln!(out, "ready {win}")?;
    out.flush()?;
    loop {
        if let Event::KeyPress(key) = conn.wait_for_event()? {
            let i = usize::from(key.detail - min) * per;
            let level = usize::from(key.state.contains(KeyButMask::SHIFT));
            let sym = map.keysyms.get(i + level).copied().unwrap_or(0);
            if let Some(c) = char::from_u32(sym).filter(|c| c.is_ascii_alphanumeric()) {
                write!(out, "{c}")?;
                out.flush()?;
            }
        }
    }
}
