//! GraphQL fields of sign-in: `login`, `refreshToken`, `logout`, `me`.

use async_graphql::{Context, Object, Result, SimpleObject};

use super::service::{self, Session};
use crate::ControlPlane;
use crate::common::context::{ContextExt, Principal, Role};
use crate::common::ids::{ResidentId, UserId};
use crate::domains::auth::TokenKeys;

#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for the `Authorization` header; valid 15 minutes.
    access_token: String,
    /// Unix time (seconds) the access token expires.
    access_token_expires_at: i64,
    /// Opaque, single-use; trade it for a new pair with `refreshToken`. Valid 30 days.
    refresh_token: String,
    user: Viewer,
}

/// The signed-in caller.
#[derive(SimpleObject, Clone)]
pub struct Viewer {
    /// The user's id (a super admin's is their control-plane id).
    id: UserId,
    role: Role,
    tenant: String,
    /// The resident record of a RESIDENT user.
    resident_id: Option<ResidentId>,
}

impl From<&Principal> for Viewer {
    fn from(p: &Principal) -> Self {
        Self {
            id: UserId::new(p.user_id),
            role: p.role,
            tenant: p.tenant.clone(),
            resident_id: p.resident_id.map(ResidentId::new),
        }
    }
}

impl From<Session> for AuthPayload {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            access_token_expires_at: s.access_expires_at,
            refresh_token: s.refresh_token,
            user: Viewer::from(&s.principal),
        }
    }
}

#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The caller, from the access token.
    async fn me(&self, ctx: &Context<'_>) -> Result<Viewer> {
        Ok(Viewer::from(ctx.request()?.principal()?))
    }
}

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs in with an email or phone number and a password. On a request bound to a
    /// tenant this signs in that tenant's users; without a tenant, super admins.
    async fn login(
        &self,
        ctx: &Context<'_>,
        identifier: String,
        password: String,
    ) -> Result<AuthPayload> {
        let session = service::login(
            ctx.request()?,
            &ctx.data::<ControlPlane>()?.db,
            ctx.data::<TokenKeys>()?,
            &identifier,
            password,
        )
        .await?;
        Ok(session.into())
    }

    /// Trades a refresh token for a new access token and a new refresh token. The old one
    /// is spent: presenting it again revokes every token of that sign-in.
    async fn refresh_token(&self, ctx: &Context<'_>, refresh_token: String) -> Result<AuthPayload> {
        let session = service::refresh(
            ctx.request()?,
            &ctx.data::<ControlPlane>()?.db,
            ctx.data::<TokenKeys>()?,
            &refresh_token,
        )
        .await?;
        Ok(session.into())
    }

    /// Ends the sign-in the refresh token belongs to. Access tokens already issued stay
    /// valid until they expire (at most 15 minutes).
    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> Result<bool> {
        service::logout(&ctx.data::<ControlPlane>()?.db, &refresh_token).await?;
        Ok(true)
    }
}

#[derive(async_graphql::InputObject)]
pub struct CreateAccountInput {
    role: Role,
    email: Option<String>,
    phone: Option<String>,
    /// At least 8 characters.
    password: String,
    display_name: String,
    /// Required for RESIDENT logins: the resident record the login acts as.
    resident_id: Option<ResidentId>,
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates a login for this tenant (manager only). Returns the new user's id.
    #[graphql(guard = "crate::common::guard::RoleGuard::manager()")]
    async fn create_user_account(
        &self,
        ctx: &Context<'_>,
        input: CreateAccountInput,
    ) -> Result<UserId> {
        let resident_id = input.resident_id.map(|id| id.row()).transpose()?;
        let user = super::accounts::create(
            ctx.tenant_tx()?,
            super::accounts::NewAccount {
                role: input.role,
                email: input.email,
                phone: input.phone,
                password: input.password,
                display_name: input.display_name,
                resident_id,
            },
        )
        .await?;
        ctx.request()?.audit_target(format!("user:{}", user.id));
        Ok(UserId::new(user.id))
    }
}
