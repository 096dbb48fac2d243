//! Tenant tables: no schema name, resolved through the transaction's `search_path`.

pub mod announcement;
pub mod announcement_target;
pub mod bill;
pub mod block;
pub mod complaint;
pub mod complaint_attachment;
pub mod poll;
pub mod resident;
pub mod resident_unit;
pub mod unit;
pub mod user;
