//! When to retry a delivery and how long to wait: exponential backoff with full jitter
//! (a uniform wait between zero and a cap that doubles per retry), within a time budget.

use std::time::Duration;

/// What an attempt's result means for the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// Worth another try: timeouts, connection errors, 5xx, 408, 429.
    Retry,
    /// The receiver refused it for good (other 4xx, 3xx).
    Rejected,
}

/// The verdict on an HTTP status; `None` means no response (timeout, connection error).
pub fn verdict(status: Option<u16>) -> Verdict {
    match status {
        None => Verdict::Retry,
        Some(200..=299) => Verdict::Delivered,
        Some(408 | 429 | 500..=599) => Verdict::Retry,
        Some(_) => Verdict::Rejected,
    }
}

/// The backoff cap before retry number `retry` (0 for the first retry).
pub fn cap(retry: u32, initial: Duration, max: Duration) -> Duration {
    initial
        .saturating_mul(2u32.saturating_pow(retry.min(30)))
        .min(max)
}

/// A full-jitter wait: uniform in `[0, cap]`.
pub fn jittered(cap: Duration) -> Duration {
    let nanos = cap.as_nanos().min(u128::from(u64::MAX)) as u64;
    Duration::from_nanos(rand::random_range(0..=nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_transient_failures_only() {
        assert_eq!(verdict(Some(200)), Verdict::Delivered);
        assert_eq!(verdict(Some(204)), Verdict::Delivered);
        for status in [Some(503), Some(500), Some(429), Some(408), None] {
            assert_eq!(verdict(status), Verdict::Retry, "{status:?}");
        }
        for status in [400, 401, 404, 301] {
            assert_eq!(verdict(Some(status)), Verdict::Rejected, "{status}");
        }
    }

    #[test]
    fn the_cap_doubles_up_to_the_maximum_and_the_wait_stays_under_it() {
        let (initial, max) = (Duration::from_millis(100), Duration::from_secs(1));
        let caps: Vec<u128> = (0..6).map(|r| cap(r, initial, max).as_millis()).collect();
        assert_eq!(caps, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(cap(1000, initial, max), max);
        for _ in 0..100 {
            assert!(jittered(initial) <= initial);
        }
    }
}
