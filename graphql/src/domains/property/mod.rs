//! Property: blocks, units, residents and the links between residents and units.
//!
//! # Layout
//! - [`service`]: the rules and the SQL; takes any `ConnectionTrait` (the request's
//!   tenant transaction in the API, a provisioning transaction in the CLI).
//! - [`loaders`]: per-request batch loaders for unit -> residents, resident -> units,
//!   unit -> block.
//! - [`model`]: GraphQL objects built from entities.
//! - [`schema`]: query and mutation fields: guard, call one service function, map.

pub mod loaders;
pub mod model;
pub mod prefetch;
pub mod schema;
pub mod service;
