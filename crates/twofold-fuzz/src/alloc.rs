//! A counting allocator: the largest single allocation and the peak of live bytes of the
//! current execution, per thread. The binary and the test install it as `#[global_allocator]`;
//! without that, every figure reads zero.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

/// [`System`], counting.
pub struct Counting;

fn grew(size: usize) {
    // `try_with`: a thread being torn down has no counters left, and allocating must not fail.
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add(size as isize);
        live.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

fn shrank(size: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(size as isize)));
}

// SAFETY of the whole impl: every method forwards to `System` with the caller's arguments; the
// counting touches only thread-local `Cell`s, which never allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        p
    }
}

/// What one execution allocated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// The largest single allocation, bytes.
    pub largest: usize,
    /// The peak of bytes live at once above what was live when the execution started.
    pub peak: usize,
}

/// Starts measuring an execution on this thread.
pub fn start() {
    let live = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(live));
    LARGEST.with(|l| l.set(0));
}

/// What this thread allocated since [`start`], measured against `base` live bytes.
pub fn usage_since(base: isize) -> Usage {
    Usage {
        largest: LARGEST.with(Cell::get),
        peak: PEAK.with(Cell::get).saturating_sub(base).max(0) as usize,
    }
}

/// Bytes live on this thread now (the base for [`usage_since`]).
pub fn live() -> isize {
    LIVE.with(Cell::get)
}
