//! Live scanning: read a streaming source (the webcam) until a frame holds a QR code.
//!
//! [`scan_live`] decodes every frame it gets within a per-frame budget (see [`decode_frame`]:
//! the costlier steps rotate over consecutive frames), hands a small JPEG preview to the
//! caller a few times a second (not every frame: the preview is for aiming, and full-rate
//! video over IPC would cost more than the decoding), and returns the moment a code is read.
//! It never reads another frame after that, so the caller drops the source (turning the camera
//! off) at once. It also stops when the caller cancels, when the preview receiver has gone
//! away, when the source runs out, and after [`LiveOptions::idle_timeout`] without a code, so a
//! forgotten scan screen does not leave the camera on.

use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::DynamicImage;

use super::decode::{decode_frame, LiveState};
use super::source::FrameSource;
use crate::{Error, Result};

/// How a live scan runs.
#[derive(Debug, Clone, Copy)]
pub struct LiveOptions {
    /// The least time between two previews.
    pub preview_every: Duration,
    /// The preview's width in pixels (the height keeps the frame's aspect ratio).
    pub preview_width: u32,
    /// Give up after this long without a code.
    pub idle_timeout: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            // About 4 previews a second: smooth enough to aim, cheap enough to ignore.
            preview_every: Duration::from_millis(250),
            preview_width: 480,
            idle_timeout: Duration::from_secs(120),
        }
    }
}

/// One preview: a downscaled frame as JPEG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The JPEG bytes.
    pub jpeg: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// How a live scan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveOutcome {
    /// A frame held these codes (every distinct text, in order).
    Found {
        /// Where the frame came from (the camera's name).
        origin: String,
        /// The decoded texts.
        texts: Vec<String>,
    },
    /// The caller cancelled, or the preview receiver went away.
    Cancelled,
    /// The source has no more frames.
    Ended,
    /// No code within the idle timeout.
    TimedOut,
}

/// Reads `source` until a frame holds a code or the scan stops (see the module docs).
/// `on_preview` gets each preview and returns `false` when nobody is listening any more.
pub fn scan_live(
    source: &mut dyn FrameSource,
    cancel: &AtomicBool,
    options: LiveOptions,
    on_preview: &mut dyn FnMut(Preview) -> bool,
) -> Result<LiveOutcome> {
    let started = Instant::now();
    let mut last_preview: Option<Instant> = None;
    // Each frame gets a share of the decoder's costlier steps, the next frames the rest.
    let mut state = LiveState::default();
    loop {
        if cancel.load(Ordering::SeqCst) {
            return Ok(LiveOutcome::Cancelled);
        }
        if started.elapsed() >= options.idle_timeout {
            return Ok(LiveOutcome::TimedOut);
        }
        let Some(frame) = source.next_frame()? else {
            return Ok(LiveOutcome::Ended);
        };
        let texts = decode_frame(&frame.image, &mut state);
        if !texts.is_empty() {
            return Ok(LiveOutcome::Found {
                origin: frame.origin,
                texts,
            });
        }
        if last_preview.is_none_or(|t| t.elapsed() >= options.preview_every) {
            last_preview = Some(Instant::now());
            let preview = preview_of(&frame.image, options.preview_width)?;
            if !on_preview(preview) {
                return Ok(LiveOutcome::Cancelled);
            }
        }
    }
}

/// The frame downscaled to `width` (never upscaled) as a JPEG of moderate quality.
pub fn preview_of(image: &DynamicImage, width: u32) -> Result<Preview> {
    let (w, h) = (image.width(), image.height());
    let small = if w > width && width > 0 {
        let height = ((u64::from(h) * u64::from(width)) / u64::from(w)).max(1) as u32;
        image.resize_exact(width, height, FilterType::Triangle)
    } else {
        image.clone()
    };
    let rgb = small.to_rgb8();
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), 70)
        .encode_image(&rgb)
        .map_err(|e| Error::Camera(format!("cannot encode a preview: {e}")))?;
    Ok(Preview {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::testutil::draw;
    use crate::qr::Frame;
    use image::GrayImage;
    use std::sync::Arc;

    const URI: &str = "otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXP&issuer=ACME";

    /// Frames from a list, counting reads; sets `dropped` when dropped (the camera turned off).
    struct Frames {
        frames: Vec<GrayImage>,
        read: usize,
        dropped: Arc<AtomicBool>,
    }

    impl FrameSource for Frames {
        fn next_frame(&mut self) -> Result<Option<Frame>> {
            let Some(f) = self.frames.get(self.read) else {
                return Ok(None);
            };
            self.read += 1;
            Ok(Some(Frame {
                image: DynamicImage::ImageLuma8(f.clone()),
                origin: "test camera".into(),
            }))
        }
    }

    impl Drop for Frames {
        fn drop(&mut self) {
            self.dropped.store(true, Ordering::SeqCst);
        }
    }

    fn blank() -> GrayImage {
        GrayImage::from_pixel(640, 360, image::Luma([180]))
    }

    fn source(frames: Vec<GrayImage>) -> (Frames, Arc<AtomicBool>) {
        let dropped = Arc::new(AtomicBool::new(false));
        (
            Frames {
                frames,
                read: 0,
                dropped: dropped.clone(),
            },
            dropped,
        )
    }

    fn every_frame() -> LiveOptions {
        LiveOptions {
            preview_every: Duration::ZERO,
            ..LiveOptions::default()
        }
    }

    #[test]
    fn stops_at_the_first_frame_with_a_code() {
        let code = draw(URI, 5, (640, 360), (200, 60));
        let (mut src, dropped) = source(vec![blank(), blank(), code, blank(), blank()]);
        let mut previews = Vec::new();
        let outcome = scan_live(&mut src, &AtomicBool::new(false), every_frame(), &mut |p| {
            previews.push(p);
            true
        })
        .unwrap();
        assert_eq!(
            outcome,
            LiveOutcome::Found {
                origin: "test camera".into(),
                texts: vec![URI.into()]
            }
        );
        // Not one frame more than the one that held the code.
        assert_eq!(src.read, 3);
        // A preview per frame without a code, each a JPEG the preview width wide.
        assert_eq!(previews.len(), 2);
        for p in &previews {
            assert_eq!(&p.jpeg[..3], &[0xFF, 0xD8, 0xFF]);
            assert_eq!((p.width, p.height), (480, 270));
            let back = image::load_from_memory(&p.jpeg).unwrap();
            assert_eq!((back.width(), back.height()), (480, 270));
        }
        drop(src);
        assert!(dropped.load(Ordering::SeqCst));
    }

    #[test]
    fn previews_are_rate_limited() {
        let (mut src, _) = source(vec![blank(); 6]);
        let mut n = 0;
        let options = LiveOptions {
            preview_every: Duration::from_secs(3600),
            ..LiveOptions::default()
        };
        let outcome = scan_live(&mut src, &AtomicBool::new(false), options, &mut |_| {
            n += 1;
            true
        })
        .unwrap();
        assert_eq!(outcome, LiveOutcome::Ended);
        assert_eq!((src.read, n), (6, 1));
    }

    #[test]
    fn cancel_and_a_gone_receiver_stop_the_scan() {
        let (mut src, _) = source(vec![blank(); 5]);
        let cancel = AtomicBool::new(true);
        let outcome = scan_live(&mut src, &cancel, every_frame(), &mut |_| true).unwrap();
        assert_eq!((outcome, src.read), (LiveOutcome::Cancelled, 0));

        let (mut src, _) = source(vec![blank(); 5]);
        let outcome = scan_live(
            &mut src,
            &AtomicBool::new(false),
            every_frame(),
            &mut |_| false,
        )
        .unwrap();
        assert_eq!((outcome, src.read), (LiveOutcome::Cancelled, 1));
    }

    #[test]
    fn gives_up_after_the_idle_timeout() {
        let (mut src, _) = source(vec![blank(); 5]);
        let options = LiveOptions {
            idle_timeout: Duration::ZERO,
            ..LiveOptions::default()
        };
        let outcome = scan_live(&mut src, &AtomicBool::new(false), options, &mut |_| true).unwrap();
        assert_eq!((outcome, src.read), (LiveOutcome::TimedOut, 0));
    }

    #[test]
    fn small_frames_are_not_upscaled() {
        let p = preview_of(&DynamicImage::ImageLuma8(blank()), 1280).unwrap();
        assert_eq!((p.width, p.height), (640, 360));
    }
}
