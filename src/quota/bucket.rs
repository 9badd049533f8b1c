//! A token bucket: `rate` tokens a second, holding at most `burst`; a turn takes one.

use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn full(burst: f64, now: Instant) -> Self {
        Self {
            tokens: burst,
            last: now,
        }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self, rate: f64, burst: f64, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Refilled to the brim by `now`: forgetting it changes nothing.
    pub fn is_full(&self, rate: f64, burst: f64, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens + elapsed * rate >= burst
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn allows_a_burst_then_the_rate() {
        let start = Instant::now();
        let mut bucket = Bucket::full(3.0, start);
        assert!((0..3).all(|_| bucket.take(2.0, 3.0, start)));
        assert!(!bucket.take(2.0, 3.0, start));
        // Half a second at 2/s refills one token.
        let later = start + Duration::from_millis(500);
        assert!(bucket.take(2.0, 3.0, later));
        assert!(!bucket.take(2.0, 3.0, later));
    }

    #[test]
    fn never_holds_more_than_the_burst() {
        let start = Instant::now();
        let mut bucket = Bucket::full(2.0, start);
        let much_later = start + Duration::from_secs(3600);
        assert!(bucket.is_full(1.0, 2.0, much_later));
        assert_eq!(
            (0..5).filter(|_| bucket.take(1.0, 2.0, much_later)).count(),
            2
        );
        assert!(!bucket.is_full(1.0, 2.0, much_later));
    }
}
