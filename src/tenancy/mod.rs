//! Tenancy: the product's first promise lives here.
//!
//! # Layout
//! - [`resolve`]: which tenant an HTTP request names (Host subdomain or `X-Tenant`).
//! - [`bind`]: opens the operation's transaction and binds it to the tenant schema with a
//!   transaction-local `search_path`; commits or rolls it back at the end.
//! - [`provision`]: operators' tooling: create, list, migrate, suspend, resume, drop.
//! - [`suspension`]: news of suspended tenants for every instance (open WebSocket
//!   connections of a suspended tenant close).
//!
//! Invariant: tenant data is only ever read or written inside a transaction opened by
//! [`bind::begin_bound`]. Its `search_path` is set with `set_config(.., true)`, which
//! PostgreSQL discards at COMMIT or ROLLBACK, so a pooled connection goes back to the pool
//! with the server default and cannot carry one tenant's schema into the next request.

pub mod bind;
pub mod provision;
pub mod resolve;
pub mod suspension;
