//! Tokens as SHA-256 digests: hashing, hex, the `Bearer` header, and the token book, looked up
//! in constant time per entry.

use std::sync::Arc;

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq;

use super::check::Grant;

/// A token's SHA-256 digest.
pub type Digest = [u8; 32];

pub fn hash_token(token: &str) -> Digest {
    Sha256::digest(token.as_bytes()).into()
}

pub fn to_hex(digest: &Digest) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// 64 hex digits (either case) as a digest.
pub fn from_hex(hex: &str) -> Result<Digest, String> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 || !bytes.iter().all(u8::is_ascii_hexdigit) {
        return Err("sha256 must be 64 hex digits (the output of `rapport hash-token`)".into());
    }
    let mut digest = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let pair = std::str::from_utf8(pair).expect("ascii");
        digest[i] = u8::from_str_radix(pair, 16).expect("hex digits");
    }
    Ok(digest)
}

/// The token of an `authorization` header value `Bearer <token>` (scheme case-insensitive).
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The configured tokens' digests and grants.
#[derive(Debug, Default)]
pub struct TokenBook {
    entries: Vec<(Digest, Arc<Grant>)>,
}

impl TokenBook {
    pub fn new(entries: Vec<(Digest, Arc<Grant>)>) -> Self {
        Self { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The grant of the token with this digest. Every entry is compared, each in constant time,
    /// so the time taken does not tell how much of a digest matched.
    pub fn find(&self, digest: &Digest) -> Option<&Arc<Grant>> {
        let mut found = None;
        for (candidate, grant) in &self.entries {
            if bool::from(candidate.ct_eq(digest)) {
                found = Some(grant);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::check::{Scope, Tenants};

    #[test]
    fn hashes_like_sha256sum() {
        // printf 'secret' | sha256sum
        assert_eq!(
            to_hex(&hash_token("secret")),
            "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"
        );
    }

    #[test]
    fn hex_round_trips_and_rejects_bad_input() {
        let digest = hash_token("x");
        assert_eq!(from_hex(&to_hex(&digest)), Ok(digest));
        assert_eq!(from_hex(&to_hex(&digest).to_uppercase()), Ok(digest));
        assert!(from_hex("abc").is_err());
        assert!(from_hex(&"g".repeat(64)).is_err());
        assert!(from_hex(&"é".repeat(32)).is_err());
    }

    #[test]
    fn reads_the_bearer_scheme_only() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
    }

    #[test]
    fn finds_the_grant_of_a_known_digest_only() {
        let grant = Arc::new(Grant {
            name: "bot".into(),
            tenants: Tenants::All,
            scopes: vec![Scope::Read],
        });
        let book = TokenBook::new(vec![(hash_token("right"), grant.clone())]);
        assert_eq!(book.find(&hash_token("right")), Some(&grant));
        assert_eq!(book.find(&hash_token("wrong")), None);
    }
}
