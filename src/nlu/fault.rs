//! Fault injection for the end-to-end tests, compiled only with the `fault-injection` feature
//! (which `cargo test` turns on through the crate's dev-dependency on itself, and no build of
//! `rapport serve` has): a switch that makes the inference thread panic on its next batch, as a
//! panic inside ONNX Runtime would, so a test can watch health and turns follow the dead thread.
//! There is no configuration key or environment variable behind it: only code holding the
//! [`Nlu`] can trip it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Nlu;

/// Shared by the [`Nlu`] (which trips it) and its model on the inference thread (which panics
/// once it is tripped).
#[derive(Debug, Clone, Default)]
pub struct FaultSwitch(Arc<AtomicBool>);

impl FaultSwitch {
    fn trip(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Called by the inference thread before each batch.
    pub fn panic_if_tripped(&self) {
        if self.0.load(Ordering::SeqCst) {
            panic!("fault injection: the inference thread was told to panic");
        }
    }
}

impl Nlu {
    /// Makes the inference thread panic when it takes its next batch (fault injection for
    /// tests only).
    #[doc(hidden)]
    pub fn panic_inference_thread_on_next_batch(&self) {
        self.fault.trip();
    }
}
