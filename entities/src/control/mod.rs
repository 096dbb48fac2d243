//! Control-plane tables (schema `control`).

pub mod super_admin;
pub mod tenant;
