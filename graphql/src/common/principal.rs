//! Who a verified token says the caller is.

/// Roles a token can carry.
pub use klustera_entities::states::Role;

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
    /// `ver`: the login's `auth_version` when the token was issued; a request is refused
    /// once the login's current one differs (super admins: always 0).
    pub auth_version: i32,
}
