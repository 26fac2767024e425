//! Where frames come from: image files, a directory of them, the clipboard, the screen. The
//! webcam is [`crate::camera`] (cargo feature `camera`). Every source yields [`Frame`]s for the
//! one decode pipeline in [`super::decode`].

use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageReader, RgbaImage};

use crate::{Error, Result};

/// One image to look for QR codes in, and where it came from.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The pixels.
    pub image: DynamicImage,
    /// Where it came from, for messages: a file path, "screen 1", "clipboard", "camera".
    pub origin: String,
}

/// Something that produces frames: a file (once), a directory (each image), the screen (each
/// monitor), the clipboard (once), a webcam (until it is dropped).
pub trait FrameSource {
    /// The next frame, or `None` when the source has no more.
    fn next_frame(&mut self) -> Result<Option<Frame>>;
}

/// The image file extensions read (the formats `image` is built with).
pub const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "webp", "bmp", "gif"];

/// The longest image side decoded, in pixels: room for a desktop of several monitors side by
/// side, which the screen portal returns as one screenshot.
pub const MAX_IMAGE_SIDE: u32 = 16_384;
/// The most pixels decoded in one image: an 8K screen (33 MP), three 4K monitors (25 MP).
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
/// What decoding one image may allocate: the largest accepted image at 8 bytes a pixel
/// (16-bit RGBA), with some room for the decoder's own buffers.
const MAX_IMAGE_ALLOC: u64 = 384 << 20;

/// Refuses an image larger than [`MAX_IMAGE_SIDE`] or [`MAX_IMAGE_PIXELS`] with
/// [`Error::ImageTooLarge`]: every source checks its size this way before taking its pixels.
pub fn check_image_size(width: u32, height: u32, origin: &str) -> Result<()> {
    if width > MAX_IMAGE_SIDE
        || height > MAX_IMAGE_SIDE
        || u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS
    {
        return Err(Error::ImageTooLarge {
            origin: origin.to_string(),
            width,
            height,
        });
    }
    Ok(())
}

/// The one place images are decoded from bytes: the size from the header is checked with
/// [`check_image_size`] before any pixel is allocated, and the decoder's allocations are capped.
fn decode_limited<R: std::io::BufRead + std::io::Seek>(
    mut reader: ImageReader<R>,
    origin: &str,
    unreadable: impl Fn(String) -> Error,
) -> Result<DynamicImage> {
    use image::ImageDecoder as _;

    if reader.format().is_none() {
        return Err(unreadable("not a PNG, JPEG, WebP, BMP or GIF image".into()));
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    reader.limits(limits.clone());
    let too_large = |(width, height): (u32, u32)| Error::ImageTooLarge {
        origin: origin.to_string(),
        width,
        height,
    };
    let decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_large((0, 0)),
        e => unreadable(e.to_string()),
    })?;
    let size = decoder.dimensions();
    check_image_size(size.0, size.1, origin)?;
    limits
        .reserve(decoder.total_bytes())
        .map_err(|_| too_large(size))?;
    DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(size),
        e => unreadable(e.to_string()),
    })
}

/// Reads an image file: PNG, JPEG, WebP, BMP or GIF (the format is taken from the content).
/// Larger than [`MAX_IMAGE_SIDE`] or [`MAX_IMAGE_PIXELS`] is [`Error::ImageTooLarge`].
pub fn load_image(path: &Path) -> Result<DynamicImage> {
    let err = |reason: String| Error::Image {
        path: path.to_path_buf(),
        reason,
    };
    let reader = ImageReader::open(path)
        .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?
        .with_guessed_format()
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    decode_limited(reader, &path.display().to_string(), err)
}

/// Reads an image from memory (a dropped or opened file's bytes); `name` is for messages.
/// Larger than [`MAX_IMAGE_SIDE`] or [`MAX_IMAGE_PIXELS`] is [`Error::ImageTooLarge`].
pub fn load_image_bytes(bytes: &[u8], name: &str) -> Result<DynamicImage> {
    let err = |reason: String| Error::Image {
        path: PathBuf::from(name),
        reason,
    };
    let reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| err(e.to_string()))?;
    decode_limited(reader, name, err)
}

/// One image file, read once.
#[derive(Debug)]
pub struct ImageFile {
    path: Option<PathBuf>,
}

impl ImageFile {
    /// A source that yields the file's image once.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        ImageFile {
            path: Some(path.into()),
        }
    }
}

impl FrameSource for ImageFile {
    fn next_frame(&mut self) -> Result<Option<Frame>> {
        match self.path.take() {
            None => Ok(None),
            Some(p) => Ok(Some(Frame {
                image: load_image(&p)?,
                origin: p.display().to_string(),
            })),
        }
    }
}

/// Every image file of a directory (by extension, in name order), one frame each. Used by the
/// tests to feed recorded frames through the same pipeline as the camera.
#[derive(Debug)]
pub struct ImageDir {
    files: std::vec::IntoIter<PathBuf>,
}

impl ImageDir {
    /// Lists the directory's image files now; they are read one per [`FrameSource::next_frame`].
    pub fn new(dir: &Path) -> Result<Self> {
        let rd = std::fs::read_dir(dir)
            .map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?;
        let mut files = Vec::new();
        for entry in rd {
            let path = entry
                .map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?
                .path();
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(|e| e.to_ascii_lowercase());
            if ext.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str())) {
                files.push(path);
            }
        }
        files.sort();
        Ok(ImageDir {
            files: files.into_iter(),
        })
    }

    /// How many image files are left.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no image file is left.
    pub fn is_empty(&self) -> bool {
        self.files.len() == 0
    }
}

impl FrameSource for ImageDir {
    fn next_frame(&mut self) -> Result<Option<Frame>> {
        match self.files.next() {
            None => Ok(None),
            Some(p) => Ok(Some(Frame {
                image: load_image(&p)?,
                origin: p.display().to_string(),
            })),
        }
    }
}

/// The image on the clipboard, read once.
#[derive(Debug, Default)]
pub struct Clipboard {
    done: bool,
}

impl Clipboard {
    /// A source that reads the clipboard's image on the first frame.
    pub fn new() -> Self {
        Clipboard::default()
    }
}

impl FrameSource for Clipboard {
    fn next_frame(&mut self) -> Result<Option<Frame>> {
        if std::mem::replace(&mut self.done, true) {
            return Ok(None);
        }
        // On X11 the PNG's bytes are read here and decoded with the limits; arboard would
        // decode them itself with no limit on the image's size.
        #[cfg(all(unix, not(target_os = "macos"), not(target_os = "android")))]
        if std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty()) {
            let png = x11_clipboard_png()?;
            return Ok(Some(Frame {
                image: load_image_bytes(&png, "clipboard")?,
                origin: "clipboard".into(),
            }));
        }
        let mut cb = arboard::Clipboard::new().map_err(|e| Error::Clipboard(e.to_string()))?;
        let data = cb.get_image().map_err(|e| match e {
            arboard::Error::ContentNotAvailable => Error::Clipboard(
                "it holds no image (copy the QR code's image, not its text)".into(),
            ),
            e => Error::Clipboard(e.to_string()),
        })?;
        // arboard has decoded the clipboard's PNG by now, under the `image` crate's default
        // 512 MiB allocation cap; the size check keeps a huge one out of the QR pipeline.
        let (w, h) = (
            u32::try_from(data.width).unwrap_or(u32::MAX),
            u32::try_from(data.height).unwrap_or(u32::MAX),
        );
        check_image_size(w, h, "clipboard")?;
        let image = RgbaImage::from_raw(w, h, data.bytes.into_owned())
            .ok_or_else(|| Error::Clipboard("the image's size and data do not match".into()))?;
        Ok(Some(Frame {
            image: DynamicImage::ImageRgba8(image),
            origin: "clipboard".into(),
        }))
    }
}

/// The most PNG bytes read off the clipboard: a screenshot of a large desktop is a few MB.
#[cfg(all(unix, not(target_os = "macos"), not(target_os = "android")))]
const MAX_CLIPBOARD_PNG: usize = 64 << 20;

/// The clipboard's `image/png` content, read from the X server (the INCR protocol included for
/// large ones), at most [`MAX_CLIPBOARD_PNG`] bytes.
#[cfg(all(unix, not(target_os = "macos"), not(target_os = "android")))]
fn x11_clipboard_png() -> Result<Vec<u8>> {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{
        AtomEnum, ConnectionExt as _, CreateWindowAux, EventMask, Property, WindowClass,
    };
    use x11rb::protocol::Event;

    let fail = |e: &dyn std::fmt::Display| Error::Clipboard(e.to_string());
    let no_image =
        || Error::Clipboard("it holds no image (copy the QR code's image, not its text)".into());
    let too_large = || {
        Error::Clipboard(format!(
            "its image is larger than {} MB, more than twofold reads",
            MAX_CLIPBOARD_PNG >> 20
        ))
    };
    let (conn, screen_num) = x11rb::connect(None).map_err(|e| fail(&e))?;
    let root = conn
        .setup()
        .roots
        .get(screen_num)
        .ok_or_else(|| Error::Clipboard("the X display has no such screen".into()))?
        .root;
    let atom = |name: &[u8]| -> Result<u32> {
        Ok(conn
            .intern_atom(false, name)
            .map_err(|e| fail(&e))?
            .reply()
            .map_err(|e| fail(&e))?
            .atom)
    };
    let (clipboard, png, prop, incr, targets) = (
        atom(b"CLIPBOARD")?,
        atom(b"image/png")?,
        atom(b"TWOFOLD_CLIPBOARD")?,
        atom(b"INCR")?,
        atom(b"TARGETS")?,
    );
    let win = conn.generate_id().map_err(|e| fail(&e))?;
    conn.create_window(
        x11rb::COPY_DEPTH_FROM_PARENT,
        win,
        root,
        0,
        0,
        1,
        1,
        0,
        WindowClass::INPUT_ONLY,
        x11rb::COPY_FROM_PARENT,
        &CreateWindowAux::new().event_mask(EventMask::PROPERTY_CHANGE),
    )
    .map_err(|e| fail(&e))?;
    // The owner answers at once; a hung one must not hang the scan.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let next_event = || -> Result<Event> {
        loop {
            if let Some(e) = conn.poll_for_event().map_err(|e| fail(&e))? {
                return Ok(e);
            }
            if std::time::Instant::now() > deadline {
                return Err(Error::Clipboard(
                    "the program that holds the clipboard did not answer".into(),
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    let max_words = (MAX_CLIPBOARD_PNG / 4) as u32;
    let read = |delete: bool| {
        conn.get_property(delete, win, prop, AtomEnum::ANY, 0, max_words)
            .map_err(|e| fail(&e))?
            .reply()
            .map_err(|e| fail(&e))
    };
    // The clipboard's content as `target`, `None` when the owner does not offer it.
    let fetch = |target: u32| -> Result<Option<x11rb::protocol::xproto::GetPropertyReply>> {
        conn.convert_selection(win, clipboard, target, prop, x11rb::CURRENT_TIME)
            .map_err(|e| fail(&e))?;
        conn.flush().map_err(|e| fail(&e))?;
        loop {
            if let Event::SelectionNotify(n) = next_event()? {
                if n.property == x11rb::NONE {
                    return Ok(None);
                }
                break;
            }
        }
        let first = read(true)?;
        conn.flush().map_err(|e| fail(&e))?;
        Ok(Some(first))
    };
    // Only an owner that lists image/png has one (some answer any target with their text).
    let targets = fetch(targets)?.ok_or_else(no_image)?;
    if !targets.value32().is_some_and(|mut t| t.any(|a| a == png)) {
        return Err(no_image());
    }
    let first = fetch(png)?.ok_or_else(no_image)?;
    if first.type_ != incr {
        if first.bytes_after > 0 {
            return Err(too_large());
        }
        return Ok(first.value);
    }
    // INCR: the owner sends chunks, each after we delete the previous one (done by the read),
    // and an empty one at the end. Its first word is a lower bound on the size.
    if first
        .value32()
        .and_then(|mut v| v.next())
        .is_some_and(|n| n as usize > MAX_CLIPBOARD_PNG)
    {
        return Err(too_large());
    }
    let mut out = Vec::new();
    loop {
        match next_event()? {
            Event::PropertyNotify(p) if p.atom == prop && p.state == Property::NEW_VALUE => {
                let chunk = read(true)?;
                conn.flush().map_err(|e| fail(&e))?;
                if chunk.value.is_empty() {
                    return Ok(out);
                }
                if out.len() + chunk.value.len() > MAX_CLIPBOARD_PNG {
                    return Err(too_large());
                }
                out.extend_from_slice(&chunk.value);
            }
            _ => {}
        }
    }
}

/// Every monitor, one frame each. On X11 the monitors are read through RandR, one frame per
/// monitor; on a Wayland session the desktop portal takes one screenshot of the whole desktop
/// (xdg-desktop-portal's Screenshot interface), and the file it wrote is deleted once read.
#[derive(Debug, Default)]
pub struct Screen {
    frames: Option<std::vec::IntoIter<Frame>>,
    portal: bool,
    portal_timeout: Option<std::time::Duration>,
}

impl Screen {
    /// A source that captures every monitor on the first frame, then yields them in turn: through
    /// the desktop portal on a Wayland session, from the X server otherwise.
    pub fn new() -> Self {
        Screen::default()
    }

    /// Like [`Screen::new`], but always through the desktop portal, whatever the session type
    /// (for tests on X11, and desktops that forbid reading the X screen).
    pub fn portal() -> Self {
        Screen {
            portal: true,
            ..Screen::default()
        }
    }

    /// How long to wait for the desktop portal's answer (default 60 s: it may ask the user).
    pub fn portal_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.portal_timeout = Some(timeout);
        self
    }
}

impl FrameSource for Screen {
    fn next_frame(&mut self) -> Result<Option<Frame>> {
        if self.frames.is_none() {
            self.frames = Some(capture_screens(self.portal, self.portal_timeout)?.into_iter());
        }
        Ok(self.frames.as_mut().and_then(|f| f.next()))
    }
}

#[cfg(all(unix, not(target_os = "macos"), not(target_os = "android")))]
fn capture_screens(portal: bool, timeout: Option<std::time::Duration>) -> Result<Vec<Frame>> {
    let wayland = std::env::var("XDG_SESSION_TYPE").is_ok_and(|s| s == "wayland")
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|s| !s.is_empty());
    if portal || wayland {
        let timeout = timeout.unwrap_or(super::portal::RESPONSE_TIMEOUT);
        super::portal::capture_with_timeout(timeout).map(|f| vec![f])
    } else {
        capture_x11()
    }
}

#[cfg(all(unix, not(target_os = "macos"), not(target_os = "android")))]
fn capture_x11() -> Result<Vec<Frame>> {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::randr::ConnectionExt as _;
    use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder};

    let fail = |what: &str, e: &dyn std::fmt::Display| Error::ScreenCapture(format!("{what}: {e}"));
    let (conn, screen_num) =
        x11rb::connect(None).map_err(|e| fail("cannot connect to the X display", &e))?;
    let setup = conn.setup();
    let screen = setup
        .roots
        .get(screen_num)
        .ok_or_else(|| Error::ScreenCapture("the X display has no such screen".into()))?;
    let root = screen.root;
    let whole = (0i16, 0i16, screen.width_in_pixels, screen.height_in_pixels);
    // Each monitor on its own, so a small code on one of them is not downscaled with the rest.
    let monitors: Vec<(i16, i16, u16, u16)> = conn
        .randr_get_monitors(root, true)
        .ok()
        .and_then(|c| c.reply().ok())
        .map(|r| {
            r.monitors
                .iter()
                .map(|m| (m.x, m.y, m.width, m.height))
                .filter(|m| m.2 > 0 && m.3 > 0)
                .collect()
        })
        .filter(|m: &Vec<_>| !m.is_empty())
        .unwrap_or_else(|| vec![whole]);
    let lsb_first = setup.image_byte_order == ImageOrder::LSB_FIRST;
    let mut frames = Vec::new();
    for (i, (x, y, w, h)) in monitors.into_iter().enumerate() {
        // Asked before the X server sends (and we copy) the pixels.
        check_image_size(u32::from(w), u32::from(h), &format!("screen {}", i + 1))?;
        let reply = conn
            .get_image(ImageFormat::Z_PIXMAP, root, x, y, w, h, !0)
            .map_err(|e| fail("cannot capture the screen", &e))?
            .reply()
            .map_err(|e| fail("cannot capture the screen", &e))?;
        let bpp = setup
            .pixmap_formats
            .iter()
            .find(|f| f.depth == reply.depth)
            .map(|f| f.bits_per_pixel)
            .unwrap_or(0);
        if bpp != 32 || reply.depth < 24 {
            return Err(Error::ScreenCapture(format!(
                "the X display's {}-bit colour depth is not supported",
                reply.depth
            )));
        }
        let (w, h) = (u32::from(w), u32::from(h));
        let mut rgba = Vec::with_capacity(reply.data.len());
        for px in reply.data.chunks_exact(4) {
            let (r, g, b) = if lsb_first {
                (px[2], px[1], px[0])
            } else {
                (px[1], px[2], px[3])
            };
            rgba.extend_from_slice(&[r, g, b, 255]);
        }
        let image = RgbaImage::from_raw(w, h, rgba)
            .ok_or_else(|| Error::ScreenCapture("the X server sent a short image".into()))?;
        frames.push(Frame {
            image: DynamicImage::ImageRgba8(image),
            origin: format!("screen {}", i + 1),
        });
    }
    Ok(frames)
}

#[cfg(not(all(unix, not(target_os = "macos"), not(target_os = "android"))))]
fn capture_screens(_portal: bool, _timeout: Option<std::time::Duration>) -> Result<Vec<Frame>> {
    Err(Error::ScreenCapture(
        "capturing the screen is not supported on this platform yet; save a screenshot and scan \
         the file, or copy the QR code's image and scan the clipboard"
            .into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_yields_its_images_in_order_and_skips_other_files() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.png", "a.bmp"] {
            image::GrayImage::new(4, 4)
                .save(dir.path().join(name))
                .unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let mut src = ImageDir::new(dir.path()).unwrap();
        assert_eq!(src.len(), 2);
        let first = src.next_frame().unwrap().unwrap();
        assert!(first.origin.ends_with("a.bmp"));
        assert!(src.next_frame().unwrap().unwrap().origin.ends_with("b.png"));
        assert!(src.next_frame().unwrap().is_none());
    }

    #[test]
    fn a_file_that_is_not_an_image_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.png");
        std::fs::write(&p, "hello, not a picture").unwrap();
        let e = ImageFile::new(&p).next_frame().unwrap_err();
        assert!(matches!(e, Error::Image { .. }), "{e}");
        let e = ImageFile::new(dir.path().join("missing.png"))
            .next_frame()
            .unwrap_err();
        assert!(e.to_string().contains("missing.png"), "{e}");
    }

    /// A valid PNG of `side` x `side` one-bit pixels, all white: a few kilobytes that decode to
    /// `side`^2 bytes or more.
    fn huge_png(side: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, side, side);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        enc.set_compression(png::Compression::Fast);
        let mut w = enc.write_header().unwrap();
        let mut stream = w.stream_writer().unwrap();
        let row = vec![0xffu8; side.div_ceil(8) as usize];
        for _ in 0..side {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
        w.finish().unwrap();
        out
    }

    // See: issue 16 ("Limits before work"): an 11000x11000 PNG asks for 121 MB of gray pixels
    // and more once converted; it is refused from its header.
    #[test]
    fn issue16_a_huge_image_is_refused_before_decoding() {
        let png = huge_png(11_000);
        assert!(png.len() < 200_000, "{} bytes", png.len());
        let started = std::time::Instant::now();
        let e = load_image_bytes(&png, "big.png").unwrap_err();
        assert!(
            matches!(
                e,
                Error::ImageTooLarge {
                    width: 11_000,
                    height: 11_000,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("too large"), "{e}");
        // Decoding 121 million pixels takes far longer than reading a header.
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.png");
        std::fs::write(&p, &png).unwrap();
        let e = ImageFile::new(&p).next_frame().unwrap_err();
        assert!(matches!(e, Error::ImageTooLarge { .. }), "{e}");
        assert!(e.to_string().contains("big.png"), "{e}");
        // One side over the limit, few pixels.
        let e = check_image_size(MAX_IMAGE_SIDE + 1, 1, "wide").unwrap_err();
        assert!(matches!(e, Error::ImageTooLarge { .. }), "{e}");
        // A large screen passes.
        check_image_size(7680, 4320, "8k").unwrap();
        check_image_size(3 * 3840, 2160, "three 4k").unwrap();
        let ok = load_image_bytes(&huge_png(2000), "fine.png").unwrap();
        assert_eq!((ok.width(), ok.height()), (2000, 2000));
    }

    #[test]
    fn images_in_memory_decode_and_garbage_is_a_clear_error() {
        let mut png = Vec::new();
        image::GrayImage::new(7, 5)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let img = load_image_bytes(&png, "drop.png").unwrap();
        assert_eq!((img.width(), img.height()), (7, 5));
        let e = load_image_bytes(b"hello, not a picture", "notes.png").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot read the image notes.png: not a PNG, JPEG, WebP, BMP or GIF image"
        );
        // A real PNG header with the rest cut off.
        let e = load_image_bytes(&png[..png.len() / 2], "cut.png").unwrap_err();
        assert!(matches!(e, Error::Image { .. }), "{e}");
    }
}
