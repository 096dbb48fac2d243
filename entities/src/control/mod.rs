//! Control-plane tables (schema `control`).

pub mod job;
pub mod refresh_token;
pub mod super_admin;
pub mod tenant;
