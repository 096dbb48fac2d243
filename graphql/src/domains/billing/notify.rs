//! Billing notifications through a per-tenant outbox (`notifications`).
//!
//! Rows are queued in the same transaction as what caused them (a payment's receipt) or
//! by a sweep (reminders 7, 3 and 1 days before due). Each row has a `dedupe_key`, unique,
//! so each reminder and receipt is queued once whatever reruns. Delivery claims PENDING
//! rows with `FOR UPDATE SKIP LOCKED`, sends through a [`Channel`], marks them SENT.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use klustera_entities::tenant::bill;

use crate::common::error::ApiResult;
use crate::common::types::Rupiah;

/// Reminder offsets, in days before the due date.
pub const REMINDER_DAYS: [i64; 3] = [7, 3, 1];

/// Where messages go: email over SMTP, or the log.
#[async_trait::async_trait]
pub trait Channel: Send + Sync {
    fn name(&self) -> &'static str;
    async fn send(&self, recipient: &str, subject: &str, body: &str) -> Result<(), String>;
}

/// Queues the receipt of payment `payment_id` to the unit's primary contact (owner first).
pub async fn queue_receipt(
    db: &impl ConnectionTrait,
    bill: &bill::Model,
    payment_id: i64,
    amount: Rupiah,
) -> ApiResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO notifications (dedupe_key, kind, bill_id, resident_id, recipient, subject, body) \
         SELECT 'receipt:' || $1::text, 'RECEIPT', $2, r.id, r.email, \
                'Tanda terima pembayaran ' || $3, \
                'Pembayaran Rp ' || $4::text || ' untuk tagihan ' || $3 || ' telah kami terima. Terima kasih.' \
         FROM resident_units ru JOIN residents r ON r.id = ru.resident_id \
         WHERE ru.unit_id = $5 AND ru.ends_on IS NULL AND r.email IS NOT NULL \
         ORDER BY (ru.relation = 'OWNER') DESC, r.id LIMIT 1 \
         ON CONFLICT (dedupe_key) DO NOTHING",
        [payment_id.into(), bill.id.into(), bill.period.clone().into(), amount.0.into(), bill.unit_id.into()],
    ))
    .await?;
    Ok(())
}

/// Queues the receipt of a booking's payment (`payment_id` of `booking_payments`) to the
/// booking's unit's primary contact (owner first), like a bill's.
pub async fn queue_booking_receipt(
    db: &impl ConnectionTrait,
    booking_id: i64,
    unit_id: i64,
    payment_id: i64,
    what: &str,
    amount: Rupiah,
) -> ApiResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO notifications (dedupe_key, kind, booking_id, resident_id, recipient, subject, body) \
         SELECT 'booking-receipt:' || $1::text, 'RECEIPT', $2, r.id, r.email, \
                'Tanda terima pembayaran ' || $3, \
                'Pembayaran Rp ' || $4::text || ' untuk ' || $3 || ' telah kami terima. Terima kasih.' \
         FROM resident_units ru JOIN residents r ON r.id = ru.resident_id \
         WHERE ru.unit_id = $5 AND ru.ends_on IS NULL AND r.email IS NOT NULL \
         ORDER BY (ru.relation = 'OWNER') DESC, r.id LIMIT 1 \
         ON CONFLICT (dedupe_key) DO NOTHING",
        [payment_id.into(), booking_id.into(), what.into(), amount.0.into(), unit_id.into()],
    ))
    .await?;
    Ok(())
}

/// Queues the reminders due `today` (7, 3 and 1 days before due) for unpaid bills.
pub async fn queue_reminders(db: &impl ConnectionTrait, today: NaiveDate) -> ApiResult<u64> {
    let res = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO notifications (dedupe_key, kind, bill_id, resident_id, recipient, subject, body) \
             SELECT 'reminder:' || b.id || ':' || (b.due_on - $1::date), 'REMINDER', b.id, c.id, c.email, \
                    'Pengingat tagihan ' || b.period, \
                    'Tagihan ' || b.period || ' sebesar Rp ' || (b.total - b.paid) || \
                    ' jatuh tempo ' || to_char(b.due_on, 'DD-MM-YYYY') || '.' \
             FROM bills b \
             CROSS JOIN LATERAL ( \
                SELECT r.id, r.email FROM resident_units ru JOIN residents r ON r.id = ru.resident_id \
                WHERE ru.unit_id = b.unit_id AND ru.ends_on IS NULL AND r.email IS NOT NULL \
                ORDER BY (ru.relation = 'OWNER') DESC, r.id LIMIT 1) c \
             WHERE b.status IN ('UNPAID', 'PARTIALLY_PAID') AND (b.due_on - $1::date) = ANY($2) \
             ON CONFLICT (dedupe_key) DO NOTHING",
            [today.into(), REMINDER_DAYS.to_vec().into()],
        ))
        .await?;
    Ok(res.rows_affected())
}

#[derive(FromQueryResult)]
struct Pending {
    id: i64,
    recipient: String,
    subject: String,
    body: String,
}

/// Sends up to `limit` pending notifications; returns how many were sent. A failed send
/// stays PENDING (FAILED after 5 attempts) and is retried by the next delivery.
pub async fn deliver(
    db: &impl ConnectionTrait,
    channel: &dyn Channel,
    limit: i64,
) -> ApiResult<usize> {
    let pending = Pending::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id, recipient, subject, body FROM notifications WHERE status = 'PENDING' \
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
        [limit.into()],
    ))
    .all(db)
    .await?;
    let mut sent = 0;
    for n in pending {
        let outcome = channel.send(&n.recipient, &n.subject, &n.body).await;
        let update = match &outcome {
            Ok(()) => Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE notifications SET status = 'SENT', sent_at = now(), attempts = attempts + 1 WHERE id = $1",
                [n.id.into()],
            ),
            Err(e) => Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE notifications SET attempts = attempts + 1, last_error = $2, \
                 status = CASE WHEN attempts + 1 >= 5 THEN 'FAILED' ELSE 'PENDING' END WHERE id = $1",
                [n.id.into(), e.clone().into()],
            ),
        };
        db.execute_raw(update).await?;
        if outcome.is_ok() {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Enqueues a delivery run for the tenant (one live at a time), in the caller's transaction.
pub async fn schedule_delivery(db: &impl ConnectionTrait, tenant: &str) -> ApiResult<()> {
    use crate::common::jobs::{enqueue, kind::DELIVER_NOTIFICATIONS};
    let key = format!("{DELIVER_NOTIFICATIONS}:{tenant}");
    enqueue(
        db,
        tenant,
        DELIVER_NOTIFICATIONS,
        serde_json::json!({}),
        Some(key),
        false,
    )
    .await?;
    Ok(())
}
