//! Sign-in: passwords, access tokens (JWT), rotating refresh tokens.
//!
//! # Layout
//! - [`tokens`]: signing and verifying access JWTs (HS256 only, typed claims).
//! - [`password`]: argon2id hashing, run off the async runtime.
//! - [`refresh`]: opaque refresh tokens in `control.refresh_tokens`, rotated on use;
//!   reusing a spent one revokes its whole family.
//! - [`service`]: login / refresh / logout as the API sees them.
//! - [`schema`]: the GraphQL fields.

pub mod accounts;
pub mod password;
pub mod refresh;
pub mod schema;
pub mod service;
pub mod tokens;

pub use tokens::{AccessClaims, TokenKeys};
