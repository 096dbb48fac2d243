//! The Klustera gateway server: configuration, HTTP edge, tenancy, CLI.
//!
//! # Layout
//! - [`config`]: the one typed configuration, loaded from env (+ optional `klustera.toml`).
//! - [`app`]: builds the application state and router from a config; tests use it too.
//! - [`http`]: the HTTP edge: `/graphql` (POST, GET + GraphiQL), `/graphql/ws`
//!   (subscriptions), webhooks, `/health`, `/metrics`.
//! - [`pubsub`]: tenant-scoped event fan-out (in-process, or across instances via Redis).
//! - [`tenancy`]: which tenant a request is for ([`tenancy::resolve`]), binding it to a
//!   transaction ([`tenancy::bind`]), and the operators' tooling ([`tenancy::provision`]).
//! - [`auth`]: bearer tokens off HTTP headers.
//! - [`jobs`]: durable job workers and the recurring-job scheduler.
//! - [`notify`]: notification channels (SMTP, log).
//! - [`embedded_pg`]: the private PostgreSQL cluster used when no `DATABASE_URL` is set.
//! - [`cli`]: `klustera serve | schema | demo | tenant ...`.
//! - [`web_client`]: builds `web-client/` with npm for `klustera demo --serve`.
//! - [`telemetry`]: tracing and Prometheus metrics.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod dev;
pub mod embedded_pg;
pub mod http;
pub mod jobs;
pub mod notify;
pub mod pubsub;
pub mod rate_limit;
pub mod telemetry;
pub mod tenancy;
pub mod web_client;
