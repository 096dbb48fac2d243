//! Role guards for fields: `#[graphql(guard = "RoleGuard::staff()")]`.

use async_graphql::{Context, Guard, Result};

use crate::common::context::{ContextExt, Role};
use crate::common::error::ApiError;

pub struct RoleGuard {
    allowed: &'static [Role],
}

impl RoleGuard {
    /// Managers only.
    pub fn manager() -> Self {
        Self {
            allowed: &[Role::Manager],
        }
    }

    /// Managers and security staff.
    pub fn staff() -> Self {
        Self {
            allowed: &[Role::Manager, Role::Security],
        }
    }

    /// Residents only.
    pub fn resident() -> Self {
        Self {
            allowed: &[Role::Resident],
        }
    }

    /// Managers and residents (a resident's own data).
    pub fn manager_or_resident() -> Self {
        Self {
            allowed: &[Role::Manager, Role::Resident],
        }
    }

    /// Any signed-in tenant user.
    pub fn member() -> Self {
        Self {
            allowed: &[Role::Manager, Role::Security, Role::Resident],
        }
    }
}

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        let principal = ctx.request()?.principal()?;
        if self.allowed.contains(&principal.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden("your role may not do this").into())
        }
    }
}
