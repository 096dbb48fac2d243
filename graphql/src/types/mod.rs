//! Domain newtypes that parse: once built, the value is valid.

mod email;
mod money;
mod phone;
mod slug;

pub use email::Email;
pub use money::{Period, Rupiah};
pub use phone::Phone;
pub use slug::TenantSlug;
