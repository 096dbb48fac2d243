//! Refresh tokens: opaque, stored hashed in `control.refresh_tokens`, rotated on use.
//!
//! These statements run on the control-plane pool in their own short transactions, not
//! in the request's tenant transaction: revoking a family after a detected reuse must be
//! committed even though the request that detected it fails.

use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::common::context::Role;
use crate::common::error::{ApiError, ApiResult};

pub const REFRESH_TTL_DAYS: i64 = 30;

/// What a valid refresh token stood for.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub family_id: Uuid,
    pub tenant: Option<String>,
    pub user_id: i64,
    pub role: Role,
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "rt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Issues a token in `family_id` (a new family for a new sign-in).
pub async fn issue(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    tenant: Option<&str>,
    user_id: i64,
    role: Role,
) -> ApiResult<String> {
    let token = new_secret();
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO control.refresh_tokens (id, family_id, token_hash, tenant_slug, subject, role, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            Uuid::new_v4().into(),
            family_id.into(),
            digest(&token).into(),
            tenant.map(str::to_owned).into(),
            user_id.to_string().into(),
            role.as_str().into(),
            (Utc::now() + Duration::days(REFRESH_TTL_DAYS)).into(),
        ],
    ))
    .await?;
    Ok(token)
}

/// Spends `token` and returns its grant plus a fresh token of the same family.
///
/// A token that was already spent means it leaked (or was raced): the whole family is
/// revoked, committed, and the caller gets `UNAUTHENTICATED`.
pub async fn rotate(db: &DatabaseConnection, token: &str) -> ApiResult<(RefreshGrant, String)> {
    const REJECTED: ApiError = ApiError::Unauthenticated("refresh token is invalid or expired");
    let tx = db.begin().await?;
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, family_id, tenant_slug, subject, role, expires_at < now() AS expired, \
                    used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked \
             FROM control.refresh_tokens WHERE token_hash = $1 FOR UPDATE",
            [digest(token).into()],
        ))
        .await?
        .ok_or(REJECTED)?;
    let id: Uuid = row.try_get("", "id")?;
    let family_id: Uuid = row.try_get("", "family_id")?;
    if row.try_get::<bool>("", "revoked")? || row.try_get::<bool>("", "expired")? {
        return Err(REJECTED);
    }
    if row.try_get::<bool>("", "used")? {
        revoke_family_in(&tx, family_id).await?;
        tx.commit().await?;
        tracing::warn!(%family_id, "refresh token reuse: family revoked");
        return Err(ApiError::Unauthenticated(
            "refresh token reuse detected; sign in again",
        ));
    }
    let grant = RefreshGrant {
        family_id,
        tenant: row.try_get("", "tenant_slug")?,
        user_id: row
            .try_get::<String>("", "subject")?
            .parse()
            .map_err(|_| REJECTED)?,
        role: Role::parse(&row.try_get::<String>("", "role")?).ok_or(REJECTED)?,
    };
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.refresh_tokens SET used_at = now() WHERE id = $1",
        [id.into()],
    ))
    .await?;
    let next = issue(
        &tx,
        family_id,
        grant.tenant.as_deref(),
        grant.user_id,
        grant.role,
    )
    .await?;
    tx.commit().await?;
    Ok((grant, next))
}

/// Revokes the family of `token` (logout). Unknown tokens are ignored: logout is idempotent.
pub async fn revoke(db: &DatabaseConnection, token: &str) -> ApiResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.refresh_tokens SET revoked_at = now() \
         WHERE revoked_at IS NULL AND family_id = \
               (SELECT family_id FROM control.refresh_tokens WHERE token_hash = $1)",
        [digest(token).into()],
    ))
    .await?;
    Ok(())
}

async fn revoke_family_in(db: &impl ConnectionTrait, family_id: Uuid) -> ApiResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE control.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
        [family_id.into()],
    ))
    .await?;
    Ok(())
}

/// Whom a token names, read without spending it (so the caller can refuse it first).
pub struct Peek {
    pub tenant: Option<String>,
    pub user_id: i64,
}

pub async fn peek(db: &DatabaseConnection, token: &str) -> ApiResult<Option<Peek>> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT tenant_slug, subject FROM control.refresh_tokens WHERE token_hash = $1",
            [digest(token).into()],
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let Ok(user_id) = row.try_get::<String>("", "subject")?.parse() else {
        return Ok(None);
    };
    Ok(Some(Peek {
        tenant: row.try_get("", "tenant_slug")?,
        user_id,
    }))
}
