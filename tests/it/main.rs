//! Integration tests: the real app over real PostgreSQL, one fresh database per test.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod announcements;
mod app;
mod auth;
mod billing;
mod billing_live;
mod bookings;
mod bookings_live;
mod bookings_pay;
mod cancel;
mod cli;
mod complaints;
mod crash;
mod dataloader;
mod http_contract;
mod isolation;
mod jobs;
mod live;
mod live_edges;
mod live_node;
mod money;
mod mutants;
mod node;
mod property;
mod refunds;
mod reports;
mod rows;
mod scheduler;
mod schema_drift;
mod smtp_sink;
mod suspended;
mod transactions;
mod votes;
mod web;
