//! The signature: `X-Rapport-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
//! with the timestamp also sent as `X-Rapport-Timestamp` (Unix seconds), so a receiver can
//! refuse old (replayed) deliveries and a timestamp cannot be changed without the secret.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "x-rapport-signature";
pub const TIMESTAMP_HEADER: &str = "x-rapport-timestamp";
/// Carries the signal id: the same signal always has the same key, across retries.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// `sha256=<hex>` of `"<timestamp>.<body>"` under `secret`.
pub fn signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_the_hmac_sha256_a_receiver_computes_of_timestamp_dot_body() {
        // Python: hmac.new(b"key", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
        assert_eq!(
            signature(b"key", 1_700_000_000, br#"{"a":1}"#),
            "sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
        );
        assert_ne!(signature(b"key", 1, b"x"), signature(b"key", 2, b"x"));
        assert_ne!(signature(b"key", 1, b"x"), signature(b"other", 1, b"x"));
    }
}
