//! Integration tests: the real app over real PostgreSQL, one fresh database per test.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod announcements;
mod app;
mod auth;
mod billing;
mod cli;
mod complaints;
mod crash;
mod dataloader;
mod http_contract;
mod isolation;
mod live;
mod live_node;
mod mutants;
mod property;
mod schema_drift;
mod smtp_sink;
mod transactions;
