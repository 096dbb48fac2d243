//! Tenant transactions: the one way any code reaches a tenant's rows.
//!
//! A [`TenantTx`] is a transaction bound to one tenant's schema by a transaction-local
//! `search_path` (`set_config(.., true)`, gone when the transaction ends, whatever happens to
//! the connection afterwards). Only [`bind`] creates one, and this module is the only code
//! that sets `search_path`. API operations, WebSocket operations, subscriptions' reads,
//! jobs, webhooks, the CLI and provisioning all use it.
//!
//! - [`bind`]: [`TenantTx`] and the ways to open one: refusing unknown, suspended and
//!   not-yet-migrated tenants (everything that serves users), or as they are (operators'
//!   tools, provisioning and migrations).
//! - `pool`: the operations' own connection pool ([`TxPool`]), private to this module.

pub mod bind;
mod pool;

pub use bind::{Binder, BoundTenant, TenantTx};
pub(crate) use pool::query_err;
pub use pool::{IDLE_CHECK, TxObserver, TxPool};
