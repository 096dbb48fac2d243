//! What every handler gets: the application's state, built once at start-up by
//! [`crate::app::build`].

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use klustera_graphql::AppSchema;
use klustera_graphql::common::tenancy::Binder;
use klustera_graphql::domains::auth::TokenKeys;
use klustera_graphql::domains::auth::sessions::AuthVersions;
use klustera_graphql::domains::billing::notify::Channel;

use super::documents::Documents;
use crate::config::Config;
use crate::pubsub::PubSub;
use crate::telemetry::Metrics;
use crate::tenancy::suspension::Suspensions;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Queries (and, later, subscriptions): no per-field hooks.
    pub schema: AppSchema,
    /// Mutations: the same types, with the audit extension.
    pub mutation_schema: AppSchema,
    /// Binds operations, subscriptions' reads and webhooks to their tenant, on the
    /// operations' own pool (one connection, one transaction per running operation).
    pub binder: Binder,
    /// Pool for the rest of the tenant-side work: jobs, subscriptions, provisioning.
    pub db: DatabaseConnection,
    pub keys: TokenKeys,
    /// Logins' current auth versions: a token of an older one is refused.
    pub auth_versions: Arc<AuthVersions>,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    /// Domain events: published after commits, read by subscriptions.
    pub events: Arc<PubSub>,
    /// Tenants suspended while connections of theirs are open (from every process).
    pub suspensions: Arc<Suspensions>,
    /// Notification channel for the job workers.
    pub channel: Arc<dyn Channel>,
    /// Parsed documents, shared by HTTP and WebSocket operations.
    pub documents: Arc<Documents>,
}
