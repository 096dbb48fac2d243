//! Tenancy: the product's first promise lives here.
//!
//! # Layout
//! - [`resolve`]: which tenant an HTTP request names (Host subdomain or `X-Tenant`).
//! - [`provision`]: operators' tooling: create, list, migrate, suspend, resume, drop.
//! - [`suspension`]: news of suspended tenants for every instance (open WebSocket
//!   connections of a suspended tenant close).
//!
//! Binding work to a tenant is `klustera_graphql::common::tenancy`: tenant data is only
//! ever read or written through a `TenantTx`, which only its `bind` creates. Its
//! `search_path` is set with `set_config(.., true)`, which PostgreSQL discards at COMMIT or
//! ROLLBACK, so a pooled connection goes back to the pool with the server default and
//! cannot carry one tenant's schema into the next request.

pub mod provision;
pub mod resolve;
pub mod suspension;
