//! Tenant tables: no schema name, resolved through the transaction's `search_path`.

pub mod announcement;
pub mod announcement_target;
pub mod audit_log;
pub mod bill;
pub mod bill_item;
pub mod block;
pub mod complaint;
pub mod complaint_attachment;
pub mod complaint_comment;
pub mod payment;
pub mod poll;
pub mod resident;
pub mod resident_unit;
pub mod tariff;
pub mod unit;
pub mod user;
