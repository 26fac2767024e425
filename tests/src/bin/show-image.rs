//! Shows an image in a borderless X11 window at a fixed place on `$DISPLAY`, until killed: what a
//! browser showing the AWS console's QR code is to "Scan screen", under Xvfb.
//!
//!     show-image IMAGE X Y
//!
//! Prints "shown" on stdout once the window is mapped and painted, so a test can wait for it.

use std::io::Write as _;

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{
    ConnectionExt as _, CreateGCAux, CreateWindowAux, EventMask, ImageFormat,
};
use x11rb::protocol::Event;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, x, y] = args.as_slice() else {
        return Err("usage: show-image IMAGE X Y".into());
    };
    let (x, y): (i16, i16) = (x.parse()?, y.parse()?);
    let image = image::open(path)?.to_rgba8();
    let (w, h) = (
        u16::try_from(image.width())?,
        u16::try_from(image.height())?,
    );

    let (conn, screen_num) = x11rb::connect(None)?;
    let screen = &conn.setup().roots[screen_num];
    if screen.root_depth != 24 {
        return Err(format!("needs a 24-bit display, this one is {}", screen.root_depth).into());
    }
    let win = conn.generate_id()?;
    conn.create_window(
        screen.root_depth,
        win,
        screen.root,
        x,
        y,
        w,
        h,
        0,
        x11rb::protocol::xproto::WindowClass::INPUT_OUTPUT,
        screen.root_visual,
        // No window manager runs under Xvfb; override-redirect keeps one from moving it anyway.
        &CreateWindowAux::new()
            .override_redirect(1)
            .background_pixel(screen.white_pixel)
            .event_mask(EventMask::EXPOSURE),
    )?;
    let gc = conn.generate_id()?;
    conn.create_gc(gc, win, &CreateGCAux::new())?;
    // ZPixmap at depth 24 is 32 bits per pixel, BGRX on a little-endian server.
    let mut bgrx = Vec::with_capacity(image.as_raw().len());
    for p in image.pixels() {
        bgrx.extend_from_slice(&[p[2], p[1], p[0], 0]);
    }
    conn.map_window(win)?;
    conn.flush()?;
    let row = usize::from(w) * 4;
    // Stay well under the maximum request size by sending bands of rows.
    let band = (200_000 / row).max(1);
    let paint = || -> Result<(), Box<dyn std::error::Error>> {
        for (i, chunk) in bgrx.chunks(row * band).enumerate() {
            let rows = u16::try_from(chunk.len() / row)?;
            let top = i16::try_from(i * band)?;
            conn.put_image(
                ImageFormat::Z_PIXMAP,
                win,
                gc,
                w,
                rows,
                0,
                top,
                0,
                screen.root_depth,
                chunk,
            )?;
        }
        conn.get_input_focus()?.reply()?;
        Ok(())
    };
    let mut announced = false;
    loop {
        if let Event::Expose(e) = conn.wait_for_event()? {
            if e.count == 0 {
                paint()?;
                if !announced {
                    announced = true;
                    println!("shown");
                    std::io::stdout().flush()?;
                }
            }
        }
    }
}
