//! Who may call the API: bearer tokens, kept only as SHA-256 hashes, each granting some tenants
//! and some scopes; the rule that a server reachable from the network must have them; TLS
//! settings for the listener. The token book is swapped whole on reload, so open streams see
//! a revoked token at their next turn or signal.
//!
//! Pure parts ([`config`], [`token`], [`check`]) are unit-tested without a socket; the gRPC layer
//! only asks [`Authenticator::grant`] and maps a [`Denied`] to a status.

mod authenticator;
mod check;
mod config;
mod reload;
mod security;
mod tls;
mod token;

pub use authenticator::{Authenticator, Credential};
pub use check::{Denied, Grant, Scope, Tenants};
pub use config::{AuthConfig, AuthMode, TokenConfig};
pub use reload::{auth_section, reload_file, reload_on_hangup};
pub use security::Security;
pub use tls::{TlsConfig, server_tls};
pub use token::{Digest, from_hex, hash_token, to_hex};
