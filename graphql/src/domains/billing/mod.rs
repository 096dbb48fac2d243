//! Billing and payments: tariffs, monthly bills, payments (manual and Midtrans Snap),
//! notifications, collection reports.
//!
//! # Layout
//! - [`factory`]: tariffs -> bill items, pure integer arithmetic (rounding documented there).
//! - [`service`]: the rules and SQL: generation batches, payments, sweeps, reports.
//! - [`midtrans`]: Snap client, signature, notification state machine.
//! - [`notify`]: the notification outbox and the `Channel` trait.
//! - [`export`]: CSV and XLSX of a period's bills.
//! - [`loaders`], [`prefetch`], [`model`], [`schema`]: the GraphQL side.

pub mod export;
pub mod factory;
pub mod loaders;
pub mod midtrans;
pub mod model;
pub mod notify;
pub mod prefetch;
pub mod schema;
pub mod service;
