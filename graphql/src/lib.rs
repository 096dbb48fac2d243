//! The GraphQL API: schema, resolvers, dataloaders and the domain services under them.
//!
//! # Layout: two layers
//! - [`common`]: the shared machinery, knowing no domain: the request's context and its
//!   tenant transaction, [`ApiError`] (mapped once to `extensions.code`), ids and parsing
//!   newtypes, batching and loading, live events, jobs, limits, the audit extension.
//! - [`domains`]: one folder per domain (`auth`, `property`, `billing`, `polls`,
//!   `announcements`, `complaints`, `bookings`), each on the same template: `model` (GraphQL objects),
//!   `service` (access rules + SQL), `schema` (thin resolvers), `loaders` (batching).
//!   Domains depend on `common`, never the other way round.
//!
//! This crate knows nothing about HTTP: the server builds a [`RequestContext`], hands it
//! to [`attach_request_data`], executes, and commits or rolls back the tenant transaction.
//! Subscriptions get a [`common::live::Live`] as well.

pub mod common;
pub mod domains;
pub mod node;

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

pub use common::context::{ContextExt, Principal, RequestContext, Role, TenantScope};
pub use common::error::{ApiError, ApiResult, Reportable};

use common::loader::TenantLoader;

#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    domains::auth::schema::AuthQuery,
    domains::property::schema::PropertyQuery,
    domains::billing::schema::BillingQuery,
    domains::polls::schema::PollQuery,
    domains::announcements::schema::AnnouncementQuery,
    domains::complaints::schema::ComplaintQuery,
    domains::bookings::schema::BookingQuery,
    domains::privacy::schema::PrivacyQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    domains::auth::schema::AuthMutation,
    domains::auth::schema::AccountMutation,
    domains::property::schema::PropertyMutation,
    domains::billing::schema::BillingMutation,
    domains::polls::schema::PollMutation,
    domains::announcements::schema::AnnouncementMutation,
    domains::complaints::schema::ComplaintMutation,
    domains::bookings::schema::BookingMutation,
    domains::privacy::schema::PrivacyMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(
    domains::polls::schema::PollSubscription,
    domains::announcements::schema::AnnouncementSubscription,
    domains::complaints::schema::ComplaintSubscription,
    domains::billing::schema::BillingSubscription,
    domains::bookings::schema::BookingSubscription,
);

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// The control-plane pool: refresh tokens, super admins, platform audit. Never tenant data.
#[derive(Clone)]
pub struct ControlPlane {
    pub db: DatabaseConnection,
}

/// Operation limits, from configuration.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    /// `false`: introspection is off for every request. When on, the server may still
    /// turn it off per request (production: for all but super admins, see
    /// [`common::introspection`]).
    pub introspection: bool,
    /// "Did you mean" in validation errors (they tell field names to whoever asks).
    pub suggestions: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 12,
            max_complexity: 50_000,
            max_aliases: 30,
            max_directives: 10,
            introspection: true,
            suggestions: true,
        }
    }
}

fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
}

/// What the schema's resolvers reach beyond the request: made by the server.
#[derive(Clone)]
pub struct Services {
    pub control: ControlPlane,
    pub keys: domains::auth::TokenKeys,
    /// Midtrans Snap, when a server key is configured.
    pub snap: Option<domains::billing::midtrans::SnapClient>,
    /// Rate limits (sign-in attempts).
    pub limiter: common::rate_limit::Limiter,
}

/// Builds the executable schema. No side effects: connections are made by the caller.
///
/// `audited` adds the audit extension. The server builds two schemas from the same types:
/// one for mutations (audited) and one for queries, which so pay no per-field hook.
pub fn build_schema(services: Services, limits: &Limits, audited: bool) -> AppSchema {
    let mut b = builder()
        .data(services.control)
        .data(services.keys)
        .data(services.limiter);
    if let Some(snap) = services.snap {
        b = b.data(snap);
    }
    if audited {
        b = b.extension(common::audit::AuditLog);
    }
    b = b
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_directives(limits.max_directives)
        .limit_recursive_depth(32);
    if !limits.introspection {
        b = b.disable_introspection();
    }
    if !limits.introspection || !limits.suggestions {
        b = b.disable_suggestions();
    }
    b.finish()
}

/// The SDL, as checked in at `graphql/schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// Puts the request context and, for tenant-bound requests, fresh dataloaders on `request`.
pub fn attach_request_data(
    mut request: async_graphql::Request,
    ctx: RequestContext,
) -> async_graphql::Request {
    if let Some(scope) = &ctx.tenant {
        // Cached per request: the prefetch primes it, the per-node resolvers read it.
        let loader = DataLoader::with_cache(
            TenantLoader::new(scope.tx()),
            tokio::spawn,
            HashMapCache::<common::batch::IdHasher>::new(),
        );
        request = request.data(loader);
    }
    request.data(ctx)
}
