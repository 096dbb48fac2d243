//! Tenant tables: no schema name, resolved in the schema the transaction is bound to.

pub mod announcement;
pub mod announcement_target;
pub mod bill;
pub mod block;
pub mod booking;
pub mod complaint;
pub mod complaint_attachment;
pub mod facility;
pub mod poll;
pub mod resident;
pub mod resident_unit;
pub mod unit;
pub mod user;
