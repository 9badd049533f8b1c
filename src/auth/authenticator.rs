//! The live token book behind every RPC: resolves a call's bearer token to its grant, and is
//! replaced whole on reload.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use super::check::{Denied, Grant};
use super::config::{AuthConfig, Book, book};
use super::token::{Digest, bearer, hash_token};

/// What a call presented: the digest of its bearer token, if it had one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential(Option<Digest>);

impl Credential {
    /// From the `authorization` metadata value, if any.
    pub fn from_header(header: Option<&str>) -> Self {
        Self(header.and_then(bearer).map(hash_token))
    }
}

pub struct Authenticator {
    book: RwLock<Arc<Book>>,
    listen: SocketAddr,
    open: Arc<Grant>,
}

impl Authenticator {
    /// From the `[auth]` section for a server on `listen`; refuses an unauthenticated
    /// non-loopback server (see [`super::config::book`]).
    pub fn new(section: Option<&AuthConfig>, listen: SocketAddr) -> Result<Self, String> {
        let book = book(section, listen)?;
        Ok(Self {
            book: RwLock::new(Arc::new(book)),
            listen,
            open: Arc::new(Grant::open()),
        })
    }

    /// No authentication (loopback servers in tests and tools).
    pub fn open() -> Self {
        Self::new(None, ([127, 0, 0, 1], 0).into()).expect("loopback is open")
    }

    /// Whether calls need a token.
    pub fn is_enabled(&self) -> bool {
        matches!(*self.current(), Book::Tokens(_))
    }

    /// The grant of `credential` under the current book.
    pub fn grant(&self, credential: &Credential) -> Result<Arc<Grant>, Denied> {
        match &*self.current() {
            Book::Open => Ok(self.open.clone()),
            Book::Tokens(tokens) => {
                let digest = credential.0.as_ref().ok_or(Denied::Unauthenticated(
                    "missing bearer token (authorization: Bearer <token>)",
                ))?;
                tokens
                    .find(digest)
                    .cloned()
                    .ok_or(Denied::Unauthenticated("unknown bearer token"))
            }
        }
    }

    /// Replaces the book with `section`'s; the old one stays when `section` is invalid.
    /// Returns the number of tokens now in force.
    pub fn reload(&self, section: Option<&AuthConfig>) -> Result<usize, String> {
        let book = book(section, self.listen)?;
        let tokens = match &book {
            Book::Open => 0,
            Book::Tokens(tokens) => tokens.len(),
        };
        *self.book.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(book);
        Ok(tokens)
    }

    fn current(&self) -> Arc<Book> {
        self.book.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::token::to_hex;

    fn section(token: &str) -> AuthConfig {
        toml::from_str(&format!(
            "[[tokens]]\nsha256 = \"{}\"\ntenants = [\"acme\"]\nscopes = [\"read\"]",
            to_hex(&hash_token(token))
        ))
        .unwrap()
    }

    fn bearer_of(token: &str) -> Credential {
        Credential::from_header(Some(&format!("Bearer {token}")))
    }

    #[test]
    fn resolves_known_tokens_and_refuses_the_rest() {
        let auth = Authenticator::new(Some(&section("s3cret")), ([0, 0, 0, 0], 1).into()).unwrap();
        assert!(auth.is_enabled());
        assert_eq!(auth.grant(&bearer_of("s3cret")).unwrap().scopes.len(), 1);
        assert!(matches!(
            auth.grant(&bearer_of("guess")),
            Err(Denied::Unauthenticated(_))
        ));
        assert!(matches!(
            auth.grant(&Credential::from_header(None)),
            Err(Denied::Unauthenticated(_))
        ));
        assert!(matches!(
            auth.grant(&Credential::from_header(Some("s3cret"))),
            Err(Denied::Unauthenticated(_))
        ));
    }

    #[test]
    fn reload_swaps_the_tokens_and_keeps_the_old_ones_on_error() {
        let auth = Authenticator::new(Some(&section("old")), ([0, 0, 0, 0], 1).into()).unwrap();
        assert_eq!(auth.reload(Some(&section("new"))), Ok(1));
        assert!(auth.grant(&bearer_of("old")).is_err());
        assert!(auth.grant(&bearer_of("new")).is_ok());
        // Dropping [auth] on a public address would open the server: refused, "new" stays.
        assert!(auth.reload(None).is_err());
        assert!(auth.grant(&bearer_of("new")).is_ok());
        assert!(auth.grant(&Credential::from_header(None)).is_err());
    }

    #[test]
    fn an_open_server_grants_everything_without_a_token() {
        let auth = Authenticator::open();
        assert!(!auth.is_enabled());
        assert_eq!(
            *auth.grant(&Credential::from_header(None)).unwrap(),
            Grant::open()
        );
    }
}
