//! Privacy rules and SQL: a resident's data export, anonymisation, the retention sweep.
//!
//! Anonymisation replaces a resident's direct identifiers by a stable pseudonym
//! ([`pseudonym`]) in one transaction, under the resident row's lock: a second request, or
//! the retention sweep meeting a manager's request, finds it done and changes nothing.
//! Bills, payments, refunds, votes, bookings and the audit trail stay (financial records
//! are kept five years) and refer to the resident by id, whose name is now the pseudonym.
//! What people wrote in free text about or for the resident (complaints, comments,
//! booking notes, payment references, notifications, audit notes) keeps its words, with
//! the resident's identifiers replaced by the pseudonym.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};
use serde_json::Value as Json;

use klustera_entities::tenant::resident;

use crate::common::audit;
use crate::common::context::Role;
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::types::required_text;
use crate::common::viewer::Viewer;
use crate::domains::auth::access;
use crate::domains::property::service::{get_resident, get_visible_resident};

/// Bounds of the retention period, in days.
pub const RETENTION_DAYS: std::ops::RangeInclusive<i32> = 30..=3650;

/// The pseudonym of resident `id`: "Penghuni" and six hex digits, a bijection of the id's
/// low 24 bits (distinct for up to 16.7 million residents, the same on every run).
pub fn pseudonym(id: i64) -> String {
    let low = (id as u64) & 0xFF_FFFF;
    let mixed = (low.wrapping_mul(0x9E37_79B1) & 0xFF_FFFF) ^ 0xA5_C3E1;
    format!("Penghuni {mixed:06X}")
}

// ---- settings ------------------------------------------------------------------------

pub async fn retention_days(db: &impl ConnectionTrait) -> ApiResult<i32> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT former_resident_retention_days AS days FROM privacy_settings",
        ))
        .await?
        .ok_or(ApiError::NotFound("privacy settings"))?;
    Ok(row.try_get("", "days")?)
}

pub async fn set_retention_days(db: &impl ConnectionTrait, days: i32) -> ApiResult<i32> {
    if !RETENTION_DAYS.contains(&days) {
        return Err(ApiError::bad_input(
            "formerResidentRetentionDays",
            format!(
                "between {} and {} days",
                RETENTION_DAYS.start(),
                RETENTION_DAYS.end()
            ),
        ));
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE privacy_settings SET former_resident_retention_days = $1",
        [days.into()],
    ))
    .await?;
    Ok(days)
}

// ---- export --------------------------------------------------------------------------

/// Everything the tenant holds about resident `resident_id`, as one JSON document, for
/// the resident themself or a manager. A resident asking for someone outside their
/// household gets `NOT_FOUND`; for someone of their household, `FORBIDDEN`.
pub async fn export(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    tenant: &str,
    resident_id: i64,
) -> ApiResult<Json> {
    get_visible_resident(db, viewer, resident_id).await?;
    if viewer.role() != Role::Manager && viewer.resident_id() != Some(resident_id) {
        return Err(ApiError::Forbidden(
            "only the resident themself or a manager may export their data",
        ));
    }
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            EXPORT,
            [resident_id.into(), tenant.into()],
        ))
        .await?
        .ok_or(ApiError::NotFound("resident"))?;
    Ok(row.try_get("", "doc")?)
}

/// One statement, so the document is one consistent snapshot. `$1`: the resident, `$2`:
/// the tenant's slug (their sessions are control-plane rows). No secret leaves: no
/// password hash, no token hash, no internal complaint note, and of a secret ballot only
/// that it was cast.
const EXPORT: &str = r#"
WITH me AS (SELECT coalesce(array_agg(id ORDER BY id), '{}') AS users FROM users WHERE resident_id = $1),
     links AS (SELECT id, unit_id, starts_on, ends_on FROM resident_units WHERE resident_id = $1),
     targets AS (
        SELECT ARRAY['resident:' || $1::text]
               || ARRAY(SELECT 'user:' || u FROM me, unnest(me.users) u)
               || ARRAY(SELECT 'link:' || id FROM links) AS ids)
SELECT jsonb_build_object(
  'generatedAt', now(),
  'resident', (SELECT jsonb_build_object('id', r.id, 'fullName', r.full_name, 'phone', r.phone,
        'email', r.email, 'identityNumber', r.identity_number, 'createdAt', r.created_at,
        'archivedAt', r.archived_at, 'anonymisedAt', r.anonymised_at)
     FROM residents r WHERE r.id = $1),
  'household', (SELECT coalesce(jsonb_agg(jsonb_build_object('linkId', l.id, 'unitId', u.id,
        'block', b.name, 'unit', u.number, 'relation', ru.relation, 'startsOn', l.starts_on,
        'endsOn', l.ends_on) ORDER BY l.id), '[]')
     FROM links l JOIN resident_units ru ON ru.id = l.id JOIN units u ON u.id = l.unit_id
     JOIN blocks b ON b.id = u.block_id),
  'logins', (SELECT coalesce(jsonb_agg(jsonb_build_object('userId', u.id, 'role', u.role,
        'email', u.email, 'phone', u.phone, 'displayName', u.display_name,
        'createdAt', u.created_at, 'disabledAt', u.disabled_at,
        'sessions', (SELECT coalesce(jsonb_agg(jsonb_build_object('startedAt', s.started_at,
                'lastRefreshedAt', s.last_at, 'expiresAt', s.expires_at, 'active', s.active)
                ORDER BY s.started_at), '[]')
             FROM (SELECT min(t.issued_at) AS started_at, max(t.issued_at) AS last_at,
                          max(t.expires_at) AS expires_at,
                          bool_or(t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > now()) AS active
                   FROM control.refresh_tokens t
                   WHERE t.tenant_slug = $2 AND t.subject = u.id::text GROUP BY t.family_id) s)
        ) ORDER BY u.id), '[]')
     FROM users u WHERE u.resident_id = $1),
  'bills', (SELECT coalesce(jsonb_agg(jsonb_build_object('billId', b.id, 'unitId', b.unit_id,
        'period', b.period, 'dueOn', b.due_on, 'status', b.status, 'subtotal', b.subtotal,
        'ppn', b.ppn, 'lateFee', b.late_fee, 'total', b.total, 'paid', b.paid,
        'voidReason', b.void_reason,
        'items', (SELECT coalesce(jsonb_agg(jsonb_build_object('description', i.description,
                'quantity', i.quantity, 'unitPrice', i.unit_price, 'amount', i.amount, 'ppn', i.ppn)
                ORDER BY i.id), '[]') FROM bill_items i WHERE i.bill_id = b.id),
        'payments', (SELECT coalesce(jsonb_agg(jsonb_build_object('paymentId', p.id,
                'method', p.method, 'amount', p.amount, 'reference', p.reference,
                'paidAt', p.paid_at) ORDER BY p.id), '[]') FROM payments p WHERE p.bill_id = b.id),
        'refunds', (SELECT coalesce(jsonb_agg(jsonb_build_object('refundId', f.id,
                'paymentId', f.payment_id, 'amount', f.amount, 'source', f.source,
                'reason', f.reason, 'createdAt', f.created_at) ORDER BY f.id), '[]')
             FROM refunds f WHERE f.bill_id = b.id)
        ) ORDER BY b.period, b.id), '[]')
     FROM bills b
     WHERE EXISTS (SELECT 1 FROM links l WHERE l.unit_id = b.unit_id
                   AND to_date(b.period, 'YYYY-MM') <= coalesce(l.ends_on, 'infinity'::date)
                   AND (to_date(b.period, 'YYYY-MM') + interval '1 month' - interval '1 day')::date >= l.starts_on)),
  'complaints', (SELECT coalesce(jsonb_agg(jsonb_build_object('complaintId', c.id,
        'unitId', c.unit_id, 'category', c.category, 'priority', c.priority, 'status', c.status,
        'title', c.title, 'description', c.description, 'createdAt', c.created_at,
        'resolvedAt', c.resolved_at, 'closedAt', c.closed_at,
        'attachments', (SELECT coalesce(jsonb_agg(a.url ORDER BY a.id), '[]')
             FROM complaint_attachments a WHERE a.complaint_id = c.id)) ORDER BY c.id), '[]')
     FROM complaints c WHERE c.resident_id = $1),
  'comments', (SELECT coalesce(jsonb_agg(jsonb_build_object('commentId', m.id,
        'complaintId', m.complaint_id, 'body', m.body, 'createdAt', m.created_at) ORDER BY m.id), '[]')
     FROM complaint_comments m, me WHERE m.author_user_id = ANY(me.users) AND NOT m.internal),
  'votes', (SELECT coalesce(jsonb_agg(CASE WHEN p.ballot = 'OPEN'
          THEN jsonb_build_object('pollId', p.id, 'poll', p.title, 'ballot', p.ballot,
               'voted', true, 'option', o.label, 'castAt', v.cast_at)
          ELSE jsonb_build_object('pollId', p.id, 'poll', p.title, 'ballot', p.ballot, 'voted', true)
          END ORDER BY p.id), '[]')
     FROM votes v JOIN polls p ON p.id = v.poll_id JOIN poll_options o ON o.id = v.option_id
     WHERE v.resident_id = $1),
  'bookings', (SELECT coalesce(jsonb_agg(jsonb_build_object('bookingId', k.id,
        'facility', f.name, 'unitId', k.unit_id, 'startsAt', k.starts_at, 'endsAt', k.ends_at,
        'partySize', k.party_size, 'status', k.status, 'total', k.total, 'deposit', k.deposit,
        'paid', k.paid, 'note', k.note, 'reason', k.reason, 'createdAt', k.created_at) ORDER BY k.id), '[]')
     FROM bookings k JOIN facilities f ON f.id = k.facility_id, me
     WHERE k.resident_id = $1 OR k.booked_by = ANY(me.users)),
  'notifications', (SELECT coalesce(jsonb_agg(jsonb_build_object('notificationId', n.id,
        'kind', n.kind, 'recipient', n.recipient, 'subject', n.subject, 'body', n.body,
        'status', n.status, 'createdAt', n.created_at, 'sentAt', n.sent_at) ORDER BY n.id), '[]')
     FROM notifications n WHERE n.resident_id = $1),
  'audit', (SELECT coalesce(jsonb_agg(jsonb_build_object('at', a.at, 'actor', a.actor,
        'actorRole', a.actor_role, 'operation', a.operation, 'targets', to_jsonb(a.target_ids),
        'note', a.note) ORDER BY a.id), '[]')
     FROM audit_log a, me, targets
     WHERE a.actor = ANY(me.users::text[]) OR a.target_ids && targets.ids)
) AS doc
"#;

// ---- anonymisation -------------------------------------------------------------------

/// What an anonymisation did.
pub struct Anonymised {
    pub resident: resident::Model,
    /// False when the resident had been anonymised before (nothing changed now).
    pub newly: bool,
    /// The resident's logins, whose access ended.
    pub users: Vec<i64>,
    /// Access events to publish once the transaction committed.
    pub events: Vec<DomainEvent>,
    /// The reason given, with the resident's identifiers replaced by the pseudonym.
    pub note: Option<String>,
}

/// Anonymises resident `resident_id` (managers' operation; the caller checked the role),
/// with a reason (1 to 500 characters) kept, scrubbed, in the audit row.
pub async fn anonymise_on_request(
    db: &impl ConnectionTrait,
    control: &DatabaseConnection,
    tenant: &str,
    resident_id: i64,
    reason: &str,
) -> ApiResult<Anonymised> {
    let reason = required_text("reason", reason, 500)?;
    anonymise(db, control, tenant, resident_id, Some(&reason)).await
}

/// Replaces resident `resident_id`'s direct identifiers by their pseudonym, in the
/// transaction `db`, and ends their logins' access. Idempotent: a resident anonymised
/// before is left as is (`newly: false`).
pub async fn anonymise(
    db: &impl ConnectionTrait,
    control: &DatabaseConnection,
    tenant: &str,
    resident_id: i64,
    reason: Option<&str>,
) -> ApiResult<Anonymised> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT full_name, phone, email, identity_number, anonymised_at IS NOT NULL AS done \
             FROM residents WHERE id = $1 FOR UPDATE",
            [resident_id.into()],
        ))
        .await?
        .ok_or(ApiError::NotFound("resident"))?;
    let alias = pseudonym(resident_id);
    if row.try_get::<bool>("", "done")? {
        return Ok(Anonymised {
            resident: get_resident(db, resident_id).await?,
            newly: false,
            users: vec![],
            events: vec![],
            note: Some("already anonymised: nothing changed".into()),
        });
    }
    let mut identifiers: Vec<String> = vec![row.try_get("", "full_name")?];
    identifiers.extend(row.try_get::<Option<String>>("", "phone")?);
    identifiers.extend(row.try_get::<Option<String>>("", "email")?);
    identifiers.extend(row.try_get::<Option<String>>("", "identity_number")?);
    let logins = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, email, phone, display_name FROM users WHERE resident_id = $1 ORDER BY id FOR UPDATE",
            [resident_id.into()],
        ))
        .await?;
    let mut users = vec![];
    for login in &logins {
        users.push(login.try_get::<i64>("", "id")?);
        identifiers.extend(login.try_get::<Option<String>>("", "email")?);
        identifiers.extend(login.try_get::<Option<String>>("", "phone")?);
        identifiers.push(login.try_get("", "display_name")?);
    }
    let pattern = identifier_pattern(&identifiers);
    let run = |sql: &'static str, values: Vec<Value>| async move {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await
    };
    let scrub = |sql: &'static str| {
        run(
            sql,
            vec![
                resident_id.into(),
                pattern.clone().into(),
                alias.clone().into(),
                users.clone().into(),
            ],
        )
    };
    if !pattern.is_empty() {
        for sql in SCRUB {
            scrub(sql).await?;
        }
        // The audit trail is append-only but for this: notes, nothing else, in this
        // transaction only.
        run(
            "SELECT set_config('klustera.audit_scrub', 'on', true)",
            vec![],
        )
        .await?;
        run(
            "UPDATE audit_log SET note = left(regexp_replace(note, $1, $2, 'gi'), 1000) \
             WHERE note ~* $1",
            vec![pattern.clone().into(), alias.clone().into()],
        )
        .await?;
        run(
            "SELECT set_config('klustera.audit_scrub', '', true)",
            vec![],
        )
        .await?;
    }
    run(
        "UPDATE residents SET full_name = $2, phone = NULL, email = NULL, identity_number = NULL, \
                anonymised_at = now(), archived_at = coalesce(archived_at, now()) WHERE id = $1",
        vec![resident_id.into(), alias.clone().into()],
    )
    .await?;
    run(
        "UPDATE resident_units SET ends_on = GREATEST(current_date, starts_on) \
         WHERE resident_id = $1 AND ends_on IS NULL",
        vec![resident_id.into()],
    )
    .await?;
    run(
        "UPDATE calendar_feeds SET revoked_at = now() WHERE resident_id = $1 AND revoked_at IS NULL",
        vec![resident_id.into()],
    )
    .await?;
    // No stand-in address: the login keeps a placeholder only because a login needs an
    // identifier, and can never sign in again.
    run(
        "UPDATE users SET email = 'penghuni-' || id || '@anonymised.invalid', phone = NULL, \
                display_name = $2, password_hash = '!' WHERE resident_id = $1",
        vec![resident_id.into(), alias.clone().into()],
    )
    .await?;
    let mut events = vec![];
    for &user in &users {
        events.push(access::end_for_good(db, control, tenant, user).await?);
    }
    let note = match reason {
        Some(reason) if !pattern.is_empty() => {
            let row = db
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT left(regexp_replace($1, $2, $3, 'gi'), 1000) AS note",
                    [reason.into(), pattern.clone().into(), alias.clone().into()],
                ))
                .await?
                .ok_or(ApiError::NotFound("note"))?;
            Some(row.try_get("", "note")?)
        }
        other => other.map(str::to_owned),
    };
    Ok(Anonymised {
        resident: get_resident(db, resident_id).await?,
        newly: true,
        users,
        events,
        note,
    })
}

/// The free text that may name the resident, each statement with `$1` the resident, `$2`
/// the identifiers' pattern, `$3` the pseudonym, `$4` their logins. Lengths stay within
/// each column's bound (the pseudonym may be longer than what it replaces).
const SCRUB: [&str; 9] = [
    "UPDATE complaints SET title = left(regexp_replace(title, $2, $3, 'gi'), 200), \
            description = left(regexp_replace(description, $2, $3, 'gi'), 5000) \
     WHERE resident_id = $1 AND (title ~* $2 OR description ~* $2)",
    "UPDATE complaint_comments SET body = left(regexp_replace(body, $2, $3, 'gi'), 5000) \
     WHERE (complaint_id IN (SELECT id FROM complaints WHERE resident_id = $1) OR author_user_id = ANY($4)) \
       AND body ~* $2",
    "UPDATE bookings SET note = left(regexp_replace(note, $2, $3, 'gi'), 1000), \
            reason = left(regexp_replace(reason, $2, $3, 'gi'), 1000) \
     WHERE (resident_id = $1 OR booked_by = ANY($4)) AND (note ~* $2 OR reason ~* $2)",
    "UPDATE notifications SET recipient = $3, subject = regexp_replace(subject, $2, $3, 'gi'), \
            body = regexp_replace(body, $2, $3, 'gi'), \
            status = CASE status WHEN 'PENDING' THEN 'FAILED' ELSE status END, \
            last_error = CASE status WHEN 'PENDING' THEN 'recipient anonymised' ELSE last_error END \
     WHERE resident_id = $1",
    "UPDATE payments SET reference = regexp_replace(reference, $2, $3, 'gi') \
     WHERE bill_id IN (SELECT b.id FROM bills b JOIN resident_units ru ON ru.unit_id = b.unit_id \
                       WHERE ru.resident_id = $1) AND reference ~* $2",
    "UPDATE refunds SET reason = left(regexp_replace(reason, $2, $3, 'gi'), 500) \
     WHERE bill_id IN (SELECT b.id FROM bills b JOIN resident_units ru ON ru.unit_id = b.unit_id \
                       WHERE ru.resident_id = $1) AND reason ~* $2",
    "UPDATE bills SET void_reason = regexp_replace(void_reason, $2, $3, 'gi') \
     WHERE unit_id IN (SELECT unit_id FROM resident_units WHERE resident_id = $1) \
       AND void_reason ~* $2",
    "UPDATE one_off_charges SET note = regexp_replace(note, $2, $3, 'gi') \
     WHERE unit_id IN (SELECT unit_id FROM resident_units WHERE resident_id = $1) \
       AND note ~* $2",
    "UPDATE announcements SET title = left(regexp_replace(title, $2, $3, 'gi'), 200), \
            body = left(regexp_replace(body, $2, $3, 'gi'), 20000) \
     WHERE id IN (SELECT announcement_id FROM announcement_targets WHERE resident_id = $1) \
       AND (title ~* $2 OR body ~* $2)",
];

/// A PostgreSQL regular expression (ARE, matched case-insensitively) of the resident's
/// identifiers as people write them: the whole name and each of its words of 4 letters
/// or more (as words), email addresses, the NIK, and phone numbers in their `+62`, `62`
/// and `0` forms. Longest first. Empty when there is nothing to look for.
pub fn identifier_pattern(identifiers: &[String]) -> String {
    let mut parts: Vec<String> = vec![];
    for id in identifiers
        .iter()
        .map(|s| s.trim())
        .filter(|s| s.len() >= 3)
    {
        if let Some(national) = id.strip_prefix("+62") {
            parts.push(format!("(\\+62|62|0){}", escape(national)));
            continue;
        }
        parts.push(escape(id));
        if id.contains(char::is_whitespace) {
            for word in id.split_whitespace().filter(|w| w.chars().count() >= 4) {
                parts.push(format!("\\m{}\\M", escape(word)));
            }
        }
    }
    parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
    parts.dedup();
    parts.join("|")
}

/// Every ASCII character but letters and digits escaped: in an ARE, a backslash before a
/// non-alphanumeric character makes it literal.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

// ---- retention -----------------------------------------------------------------------

/// Anonymises, on the tenant's local date `today`, every former resident whose last
/// household membership ended (or whose record was archived) at least the configured
/// retention period ago. Each gets an audit row (actor `system`). Returns the residents
/// anonymised now and the access events to publish once `db` committed.
pub async fn retention_sweep(
    db: &impl ConnectionTrait,
    control: &DatabaseConnection,
    tenant: &str,
    time_zone: &str,
    today: NaiveDate,
) -> ApiResult<(Vec<i64>, Vec<DomainEvent>)> {
    let days = retention_days(db).await?;
    let due = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT r.id FROM residents r \
             WHERE r.anonymised_at IS NULL \
               AND NOT EXISTS (SELECT 1 FROM resident_units ru WHERE ru.resident_id = r.id AND ru.ends_on IS NULL) \
               AND GREATEST((SELECT max(ru.ends_on) FROM resident_units ru WHERE ru.resident_id = r.id), \
                            (r.archived_at AT TIME ZONE $2)::date) + $3 <= $1 \
             ORDER BY r.id",
            [today.into(), time_zone.into(), days.into()],
        ))
        .await?;
    let mut done = vec![];
    let mut events = vec![];
    for row in due {
        let id: i64 = row.try_get("", "id")?;
        let a = anonymise(db, control, tenant, id, None).await?;
        if !a.newly {
            continue;
        }
        let mut targets = vec![format!("resident:{id}")];
        targets.extend(a.users.iter().map(|u| format!("user:{u}")));
        audit::record_system(
            db,
            tenant,
            "retentionAnonymise",
            targets,
            Some(format!(
                "former resident: the retention period of {days} days passed"
            )),
        )
        .await?;
        done.push(id);
        events.extend(a.events);
    }
    Ok((done, events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_and_distinct() {
        assert_eq!(pseudonym(7), pseudonym(7));
        let mut seen = std::collections::HashSet::new();
        for id in 1..200_000 {
            assert!(seen.insert(pseudonym(id)), "{id}");
        }
        assert!(pseudonym(1).starts_with("Penghuni "));
        assert_eq!(pseudonym(1).len(), "Penghuni 7F3A2C".len());
    }

    #[test]
    fn the_pattern_escapes_and_knows_phone_forms() {
        let p = identifier_pattern(&[
            "Budi Santoso".into(),
            "+6281200000001".into(),
            "budi.s+1@mail.test".into(),
        ]);
        assert!(p.contains("(\\+62|62|0)81200000001"), "{p}");
        assert!(p.contains("budi\\.s\\+1\\@mail\\.test"), "{p}");
        assert!(p.contains("\\mSantoso\\M"), "{p}");
        let whole = p.find("Budi\\ Santoso").unwrap();
        assert!(whole < p.find("\\mBudi\\M").unwrap(), "longest first: {p}");
        assert_eq!(identifier_pattern(&["".into(), "ab".into()]), "");
    }
}
