//! A receipt travels with a signal handed to several sinks and tells whoever handed it out when
//! every sink has taken it (delivered it, written it, or given it up by its own rules). Each
//! sink holds its own copy ([`Receipt::share`]) and calls [`Receipt::taken`] when done; when the
//! last copy goes, the `on_taken` callback runs, once. A copy dropped without `taken` (a sink
//! that stopped half way, e.g. at shutdown) abandons the receipt: the callback never runs, so
//! the signal stays owed and can be handed out again (in cluster mode, by another replica).
//!
//! Alone (no cluster) the sinks get [`Receipt::none`], which does nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

type OnTaken = Box<dyn FnOnce() + Send>;

struct Shared {
    on_taken: Mutex<Option<OnTaken>>,
    abandoned: AtomicBool,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if self.abandoned.load(Ordering::Acquire) {
            return;
        }
        let on_taken = self
            .on_taken
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(on_taken) = on_taken {
            on_taken();
        }
    }
}

/// One holder's copy of a signal's receipt.
pub struct Receipt {
    shared: Option<Arc<Shared>>,
    taken: bool,
}

impl Receipt {
    /// A receipt whose `on_taken` runs once every copy was taken.
    pub fn new(on_taken: impl FnOnce() + Send + 'static) -> Self {
        Self {
            shared: Some(Arc::new(Shared {
                on_taken: Mutex::new(Some(Box::new(on_taken))),
                abandoned: AtomicBool::new(false),
            })),
            taken: false,
        }
    }

    /// A receipt nobody waits for.
    pub fn none() -> Self {
        Self {
            shared: None,
            taken: false,
        }
    }

    /// Another holder's copy: the receipt is done only when this copy is taken too.
    pub fn share(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            taken: false,
        }
    }

    /// This holder is done with the signal.
    pub fn taken(mut self) {
        self.taken = true;
    }
}

impl Drop for Receipt {
    fn drop(&mut self) {
        if let Some(shared) = &self.shared
            && !self.taken
        {
            shared.abandoned.store(true, Ordering::Release);
        }
    }
}

impl std::fmt::Debug for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.shared.is_some() {
            "Receipt"
        } else {
            "Receipt(none)"
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn counted() -> (Receipt, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        let counter = count.clone();
        let receipt = Receipt::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        (receipt, count)
    }

    #[test]
    fn runs_once_when_the_last_copy_is_taken() {
        let (receipt, count) = counted();
        let (audit, webhook) = (receipt.share(), receipt.share());
        receipt.taken();
        audit.taken();
        assert_eq!(
            count.load(Ordering::SeqCst),
            0,
            "the webhook still holds it"
        );
        webhook.taken();
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_copy_dropped_without_being_taken_abandons_it() {
        let (receipt, count) = counted();
        let stopped = receipt.share();
        receipt.taken();
        drop(stopped);
        assert_eq!(count.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn none_is_taken_or_dropped_without_effect() {
        Receipt::none().share().taken();
        drop(Receipt::none());
    }
}
