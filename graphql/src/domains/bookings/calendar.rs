//! Private calendar feeds: a resident's (their household's bookings) and a facility's (all
//! of its bookings, for staff), served as iCalendar by the server at
//! `GET /calendar/<token>.ics`.
//!
//! A token is `<tenant slug>.<secret>`: the slug picks the tenant (slugs have no dot), the
//! secret the feed. Only the secret's SHA-256 is stored, so a leaked table is no feed; a
//! feed is revoked by rotating (a new secret) or revoking it. A feed shows what its owner
//! may see: a resident's, the bookings of the units they live in now; a facility's, made
//! by a manager, every booking that holds its slot. Never other households' details to a
//! resident.

use chrono::{DateTime, FixedOffset};
use rand::Rng;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use sha2::{Digest, Sha256};

use super::service::{self, FREEING};
use crate::common::context::Role;
use crate::common::error::{ApiError, ApiResult};
use crate::common::types::TenantSlug;
use crate::common::viewer::Viewer;

fn stmt(sql: &str, values: impl IntoIterator<Item = sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whose feed: the caller's own (residents), or a facility's (managers).
fn owner(viewer: &Viewer, facility: Option<i64>) -> ApiResult<(&'static str, i64)> {
    match (viewer.role(), facility, viewer.resident_id()) {
        (Role::Resident, None, Some(resident)) => Ok(("resident_id", resident)),
        (Role::Manager | Role::SuperAdmin, Some(f), _) => Ok(("facility_id", f)),
        (Role::Resident, Some(_), _) => Err(ApiError::Forbidden(
            "facility feeds are for managers; residents get their own",
        )),
        _ => Err(ApiError::bad_input(
            "facilityId",
            "staff ask for a facility's feed",
        )),
    }
}

/// Makes a new feed for the caller (or a facility), revoking the live one. Returns the
/// token, shown once.
pub async fn rotate(
    db: &impl ConnectionTrait,
    tenant: &TenantSlug,
    viewer: &Viewer,
    facility: Option<i64>,
) -> ApiResult<String> {
    let (column, id) = owner(viewer, facility)?;
    if let Some(f) = facility {
        service::find_facility(db, f).await?;
    }
    revoke(db, viewer, facility).await?;
    let secret: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    db.execute_raw(stmt(
        &format!("INSERT INTO calendar_feeds (secret_hash, {column}) VALUES ($1, $2)"),
        [hash(&secret).into(), id.into()],
    ))
    .await?;
    Ok(format!("{tenant}.{secret}"))
}

/// Revokes the caller's (or a facility's) live feed; whether there was one.
pub async fn revoke(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    facility: Option<i64>,
) -> ApiResult<bool> {
    let (column, id) = owner(viewer, facility)?;
    let done = db
        .execute_raw(stmt(
            &format!(
                "UPDATE calendar_feeds SET revoked_at = now() WHERE {column} = $1 AND revoked_at IS NULL"
            ),
            [id.into()],
        ))
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Tenant and secret of a token; `None` for anything else.
pub fn parse_token(token: &str) -> Option<(TenantSlug, &str)> {
    let (slug, secret) = token.split_once('.')?;
    let ok = secret.len() == 40 && secret.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then_some((TenantSlug::parse(slug).ok()?, secret))
}

/// One booking in a feed.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FeedEntry {
    pub id: i64,
    pub facility: String,
    pub unit: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub status: String,
}

/// A feed's title and bookings (from 30 days back), or `NOT_FOUND` for an unknown or
/// revoked secret.
pub async fn entries(
    db: &impl ConnectionTrait,
    secret: &str,
) -> ApiResult<(String, Vec<FeedEntry>)> {
    let feed = db
        .query_one_raw(stmt(
            "SELECT resident_id, facility_id, \
                    COALESCE((SELECT name FROM facilities WHERE id = facility_id), 'Booking saya') AS title \
             FROM calendar_feeds WHERE secret_hash = $1 AND revoked_at IS NULL",
            [hash(secret).into()],
        ))
        .await?
        .ok_or(ApiError::NotFound("calendar feed"))?;
    let resident: Option<i64> = feed.try_get("", "resident_id")?;
    let facility: Option<i64> = feed.try_get("", "facility_id")?;
    let title: String = feed.try_get("", "title")?;
    let freeing: Vec<String> = FREEING.iter().map(sea_orm::ActiveEnum::to_value).collect();
    let rows = FeedEntry::find_by_statement(stmt(
        "SELECT b.id, f.name AS facility, bl.name || ' ' || u.number AS unit, b.starts_at, b.ends_at, b.status \
         FROM bookings b JOIN facilities f ON f.id = b.facility_id \
         JOIN units u ON u.id = b.unit_id JOIN blocks bl ON bl.id = u.block_id \
         WHERE b.status <> ALL($3) AND b.ends_at > now() - interval '30 days' \
           AND ($2::bigint IS NULL OR b.facility_id = $2) \
           AND ($1::bigint IS NULL OR b.unit_id IN \
                (SELECT unit_id FROM resident_units WHERE resident_id = $1 AND ends_on IS NULL)) \
         ORDER BY b.starts_at, b.id LIMIT 5000",
        [resident.into(), facility.into(), freeing.into()],
    ))
    .all(db)
    .await?;
    Ok((title, rows))
}
