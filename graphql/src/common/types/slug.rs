//! Tenant slugs and the schema names derived from them.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use crate::common::error::ApiError;

/// Slugs that would collide with control-plane names or host names.
const RESERVED: &[&str] = &["control", "public", "www", "api", "admin", "pg-catalog"];

#[allow(clippy::unwrap_used)] // a literal pattern, checked by the tests below
static SLUG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9-]{1,40}$").unwrap());

/// A tenant's identifier: `^[a-z][a-z0-9-]{1,40}$`, not reserved.
///
/// The tenant's schema name is derived from it ([`TenantSlug::schema_name`]) and is
/// always quoted where it appears in SQL ([`TenantSlug::quoted_schema`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantSlug(String);

impl TenantSlug {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        if !SLUG.is_match(raw) {
            return Err(ApiError::bad_input(
                "slug",
                "must match ^[a-z][a-z0-9-]{1,40}$ (lowercase letter first)",
            ));
        }
        if RESERVED.contains(&raw) {
            return Err(ApiError::bad_input("slug", format!("'{raw}' is reserved")));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `t_<slug>` with dashes turned into underscores.
    pub fn schema_name(&self) -> String {
        format!("t_{}", self.0.replace('-', "_"))
    }

    /// The schema name as a quoted SQL identifier. The slug alphabet has no quote, so
    /// quoting cannot be escaped, but it is quoted anyway: the rule is "always quoted".
    pub fn quoted_schema(&self) -> String {
        format!("\"{}\"", self.schema_name())
    }
}

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_slugs_derive_quoted_schema_names() {
        let slug = TenantSlug::parse("green-valley").unwrap();
        assert_eq!(slug.schema_name(), "t_green_valley");
        assert_eq!(slug.quoted_schema(), "\"t_green_valley\"");
    }

    #[test]
    fn rejects_bad_and_reserved_slugs() {
        for raw in [
            "a",
            "1abc",
            "Abc",
            "a_b",
            "a;drop",
            "control",
            &"a".repeat(42),
        ] {
            assert!(TenantSlug::parse(raw).is_err(), "{raw} accepted");
        }
    }
}
