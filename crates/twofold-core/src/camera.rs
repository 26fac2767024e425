//! The webcam as a [`FrameSource`], through nokhwa (V4L2 on Linux, AVFoundation on macOS,
//! Media Foundation on Windows). Only built with the `camera` cargo feature.
//!
//! The camera streams from [`Camera::open`] until the value is dropped, which stops it. With no
//! camera connected, opening fails with [`Error::NoCamera`] ("no camera found").

use image::DynamicImage;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{ApiBackend, CameraIndex, RequestedFormat, RequestedFormatType};

use crate::qr::{Frame, FrameSource};
use crate::{Error, Result};

/// The names of the cameras this process can see, in index order (empty when there are none).
pub fn list() -> Result<Vec<String>> {
    let devices =
        nokhwa::query(ApiBackend::Auto).map_err(|e| camera_error("cannot list cameras", &e))?;
    Ok(devices.iter().map(|d| d.human_name()).collect())
}

/// What to do when the system refuses the camera, for this platform.
const ALLOW_CAMERA: &str = if cfg!(target_os = "macos") {
    "allow Twofold in System Settings > Privacy & Security > Camera, then try again"
} else if cfg!(target_os = "windows") {
    "turn on camera access for desktop apps in Settings > Privacy & security > Camera"
} else {
    "add your user to the `video` group (sudo usermod -aG video $USER), log in again, and \
     check that no other app holds the camera"
};

/// A camera failure as [`Error::CameraDenied`] when the system refused access (permissions,
/// privacy settings), else as [`Error::Camera`] with `what` and the backend's words.
fn camera_error(what: &str, detail: &dyn std::fmt::Display) -> Error {
    let detail = detail.to_string();
    let lower = detail.to_ascii_lowercase();
    let denied = [
        "permission denied",
        "os error 13",
        "not authorized",
        "access denied",
        "eacces",
    ]
    .iter()
    .any(|p| lower.contains(p));
    if denied {
        Error::CameraDenied(format!("{what}: {detail}; {ALLOW_CAMERA}"))
    } else {
        Error::Camera(format!("{what}: {detail}"))
    }
}

/// An open, streaming webcam.
pub struct Camera {
    inner: nokhwa::Camera,
    name: String,
}

impl std::fmt::Debug for Camera {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Camera").field("name", &self.name).finish()
    }
}

impl Camera {
    /// Opens camera `index` (0 is the first of [`list`]) at its highest frame rate and starts
    /// streaming. [`Error::NoCamera`] when there is no camera at all.
    pub fn open(index: u32) -> Result<Self> {
        let names = list()?;
        let name = match names.get(index as usize) {
            Some(n) => n.clone(),
            None if names.is_empty() => return Err(Error::NoCamera),
            None => {
                return Err(Error::Camera(format!(
                    "there is no camera {index}; {} found",
                    names.len()
                )))
            }
        };
        let format =
            RequestedFormat::new::<RgbFormat>(RequestedFormatType::AbsoluteHighestFrameRate);
        let mut inner = nokhwa::Camera::new(CameraIndex::Index(index), format)
            .map_err(|e| camera_error(&format!("cannot open {name}"), &e))?;
        inner
            .open_stream()
            .map_err(|e| camera_error(&format!("cannot start {name}"), &e))?;
        Ok(Camera { inner, name })
    }

    /// The camera's name as the system reports it.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl FrameSource for Camera {
    fn next_frame(&mut self) -> Result<Option<Frame>> {
        let buffer = self
            .inner
            .frame()
            .map_err(|e| camera_error("cannot read a frame", &e))?;
        // The frame's size is the camera's word; checked before decoding allocates for it.
        let size = buffer.resolution();
        crate::qr::source::check_image_size(size.width(), size.height(), &self.name)?;
        let rgb = buffer
            .decode_image::<RgbFormat>()
            .map_err(|e| Error::Camera(format!("cannot decode a frame: {e}")))?;
        Ok(Some(Frame {
            image: DynamicImage::ImageRgb8(rgb),
            origin: self.name.clone(),
        }))
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        // Turn the camera (and its light) off the moment scanning ends.
        let _ = self.inner.stop_stream();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a machine without a camera (CI, this container) opening one is a clear error.
    #[test]
    fn no_camera_is_a_clear_error() {
        if !list().unwrap_or_default().is_empty() {
            eprintln!("a camera is connected; skipping the no-camera check");
            return;
        }
        let e = Camera::open(0).unwrap_err();
        assert!(matches!(e, Error::NoCamera), "{e:?}");
        assert_eq!(e.to_string(), "no camera found");
    }

    #[test]
    fn a_refused_camera_says_how_to_allow_it() {
        let e = camera_error(
            "cannot open HD Webcam",
            &"Could not open device: Permission denied (os error 13)",
        );
        assert!(matches!(e, Error::CameraDenied(_)), "{e:?}");
        let text = e.to_string();
        assert!(
            text.starts_with("camera access denied: cannot open HD Webcam"),
            "{text}"
        );
        assert!(text.contains(ALLOW_CAMERA), "{text}");

        let e = camera_error("cannot read a frame", &"device busy");
        assert!(matches!(e, Error::Camera(_)), "{e:?}");
        assert_eq!(e.to_string(), "camera: cannot read a frame: device busy");
    }
}
