//! Domain newtypes that parse: once built, the value is valid.

use crate::common::error::{ApiError, ApiResult};

mod email;
mod money;
mod nik;
mod phone;
mod slug;

pub use email::Email;
pub use money::{Period, Rupiah, mul_div_round, ppn_of};
pub use nik::Nik;
pub use phone::Phone;
pub use slug::TenantSlug;

/// Trimmed, non-empty text of at most `max` characters, or `BAD_USER_INPUT` on `field`.
pub(crate) fn required_text(field: &'static str, raw: &str, max: usize) -> ApiResult<String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ApiError::bad_input(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(ApiError::bad_input(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}
