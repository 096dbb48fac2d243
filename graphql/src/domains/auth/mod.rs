//! Sign-in: passwords, access tokens (JWT), rotating refresh tokens.
//!
//! # Layout
//! - [`tokens`]: signing and verifying access JWTs (HS256 only, typed claims).
//! - [`password`]: argon2id hashing, run off the async runtime.
//! - [`refresh`]: opaque refresh tokens in `control.refresh_tokens`, rotated on use;
//!   reusing a spent one revokes its whole family.
//! - [`service`]: login / refresh / logout as the API sees them.
//! - [`access`]: disabling, enabling, role changes and signing out everywhere.
//! - [`sessions`]: whether a token's login still has the access it was issued for.
//! - [`browser`]: browser sessions, whose refresh token lives in an HttpOnly cookie.
//! - [`schema`]: the GraphQL fields.

pub mod access;
pub mod accounts;
pub mod browser;
pub mod password;
pub mod refresh;
pub mod schema;
pub mod service;
pub mod sessions;
pub mod tokens;

pub use browser::{BrowserSession, CookieChange};
pub use tokens::{AccessClaims, TokenKeys};
