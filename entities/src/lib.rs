//! SeaORM entities: the shapes of rows, and nothing else.
//!
//! # Layout
//! - [`control`]: tables of the `control` schema (schema-qualified in their definitions).
//! - [`states`]: the closed sets of states of TEXT columns, one enum each (also the
//!   GraphQL enums).
//! - [`tenant`]: tables of a tenant schema. They carry no schema name on purpose: they
//!   resolve in the schema the transaction was bound to (`klustera_graphql::common::tenancy`),
//!   which is the only thing that decides which tenant a statement touches.
//!
//! Entities are not API types: the GraphQL objects in `klustera-graphql` are built from
//! them, so a column added here is not exposed until someone decides to expose it.

pub mod control;
pub mod states;
pub mod tenant;
