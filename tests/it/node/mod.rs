//! Global Object Identification: every node type fetched through `node(id:)` and
//! `nodes(ids:)` as the caller may see it; an id of another type is `NOT_FOUND`, through
//! `node` and through the type's own field.

mod billing_complaints_announcements;
mod property_auth_polls;
