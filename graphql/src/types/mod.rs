//! Domain newtypes that parse: once built, the value is valid.

mod phone;
mod slug;

pub use phone::Phone;
pub use slug::TenantSlug;
