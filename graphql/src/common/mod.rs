//! The shared machinery every domain stands on: the request's context and its tenant
//! transaction, the error type, ids and parsing newtypes, batching and loading, live
//! events, jobs, limits and the audit log. Nothing here knows a domain.

pub mod audit;
pub mod batch;
pub mod by_id;
pub mod context;
pub mod error;
pub mod events;
pub mod guard;
pub mod ids;
pub mod inline;
pub mod introspection;
pub mod jobs;
pub mod limits;
pub mod live;
pub mod loader;
pub mod nulls;
pub mod pagination;
pub mod principal;
pub mod rate_limit;
pub(crate) mod rows;
pub mod tenancy;
pub mod types;
pub mod viewer;
