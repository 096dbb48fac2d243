//! Who a verified token says the caller is.

/// Roles a token can carry.
#[derive(
    async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    SuperAdmin,
    Manager,
    Resident,
    Security,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SuperAdmin => "SUPER_ADMIN",
            Self::Manager => "MANAGER",
            Self::Resident => "RESIDENT",
            Self::Security => "SECURITY",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::SuperAdmin,
            Self::Manager,
            Self::Resident,
            Self::Security,
        ]
        .into_iter()
        .find(|r| r.as_str() == raw)
    }
}

/// The authenticated caller, from a verified access token.
#[derive(Debug, Clone)]
pub struct Principal {
    /// `sub`: the user id in the tenant (or the super admin id).
    pub user_id: i64,
    pub role: Role,
    /// `tenant` claim: a tenant slug, or `control` for super admins.
    pub tenant: String,
    /// For residents: the resident record the user is.
    pub resident_id: Option<i64>,
}
