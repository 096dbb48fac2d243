//! Paying for bookings, chosen per facility (`payment`):
//!
//! - `MIDTRANS`: the booking gets a Snap checkout of its own order kind
//!   (`billing::midtrans::checkout` with [`OrderFor::Booking`]), through the same webhook.
//!   Exactly once, as for bills: the webhook locks the order row and moves its state only
//!   forward, so only the first PAID notification reaches [`settle_order`], which locks the
//!   booking row; `booking_payments.midtrans_order_id` is unique besides. A settlement
//!   confirms a booking still held for payment; money for a booking that no longer holds
//!   its slot (expired, cancelled, rejected meanwhile) is recorded as owed back.
//! - `NEXT_BILL`: the booking is confirmed at once and its quote lines (and deposit) wait
//!   in `booking_charges` for the unit's next generated bill, which takes them exactly once
//!   (`billing::service::generate_batch`). Cancelled before that bill: the charges are
//!   withdrawn and nothing is owed back. Those are steps of the booking's own life, so
//!   they live in `service` ([`service::charge_to_next_bill`]); this module is the Midtrans
//!   side.
//!
//! Refunds: Midtrans refunds a booking order (from its dashboard; there is no payout API
//! here) and notifies the same webhook. [`refund_order`] records what the notification
//! gave back beyond what is already recorded as a `booking_refunds` row of its own, under
//! the booking's row lock: exactly once per notification however often it is delivered,
//! never more than the order's payment brought in. The booking's `paid` drops by exactly
//! the refund, and `refundDue` (what the office still owes back after a cancellation or a
//! rejection) by as much, never below 0.
//!
//! Receipts go through billing's notification outbox, in the settling transaction.

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use klustera_entities::states::FacilityPayment;
use klustera_entities::tenant::booking::BookingStatus;

use super::service::{self, owed};
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::tenancy::TenantTx;
use crate::common::types::{Rupiah, TenantSlug};
use crate::common::viewer::Viewer;
use crate::domains::billing::midtrans::{
    self, BookingPaid, BookingRefunded, Checkout, OrderFor, SnapClient,
};
use crate::domains::billing::notify;

fn stmt(sql: &str, values: impl IntoIterator<Item = sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// Opens a Midtrans Snap checkout for what booking `id` still owes: its household or
/// staff, a MIDTRANS facility, a booking held for payment.
pub async fn checkout(
    db: &TenantTx,
    snap: &SnapClient,
    tenant: &TenantSlug,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<Checkout> {
    let row = service::get_booking(db, viewer, id).await?;
    let facility = service::find_facility(db, row.facility_id).await?;
    if facility.payment != FacilityPayment::Midtrans {
        return Err(ApiError::bad_input(
            "bookingId",
            "this facility's bookings go on the unit's next bill",
        ));
    }
    if row.status != BookingStatus::PendingPayment || owed(&row) <= 0 {
        return Err(ApiError::bad_input(
            "bookingId",
            "nothing to pay on this booking",
        ));
    }
    midtrans::checkout(db, snap, tenant, OrderFor::Booking(id), owed(&row)).await
}

/// Applies a booking order's settlement (the order row is locked by the caller's
/// transaction): the payment, the booking's `paid` and, once nothing is owed, its
/// confirmation; the receipt. Returns what subscribers hear after commit.
pub async fn settle_order(
    db: &impl ConnectionTrait,
    tenant: &TenantSlug,
    paid: &BookingPaid,
) -> ApiResult<DomainEvent> {
    let row = service::lock_booking(db, paid.booking_id).await?;
    let applied = paid.amount.min(owed(&row));
    if applied <= 0 {
        tracing::warn!(order_id = %paid.order_id, "Midtrans settlement for a booking with nothing owed");
        return Ok(service::changed(&row));
    }
    let payment = db
        .query_one_raw(stmt(
            "INSERT INTO booking_payments (booking_id, method, amount, midtrans_order_id, reference) \
             VALUES ($1, 'MIDTRANS', $2, $3, $4) RETURNING id",
            [
                row.id.into(),
                applied.into(),
                paid.order_id.clone().into(),
                paid.reference.clone().into(),
            ],
        ))
        .await?
        .ok_or(ApiError::NotFound("payment"))?;
    let payment_id: i64 = payment.try_get_by_index(0)?;
    let now_paid = row.paid + applied;
    let held = row.status == BookingStatus::PendingPayment;
    let (status, refund) = if held {
        let done = now_paid == row.total + row.deposit;
        let status = if done {
            BookingStatus::Confirmed
        } else {
            row.status
        };
        (status, row.refund_due)
    } else {
        // The slot is no longer this booking's: the money is owed back.
        (row.status, Some(row.refund_due.unwrap_or(0) + applied))
    };
    let hold = if status == BookingStatus::PendingPayment {
        row.hold_expires_at
    } else {
        None
    };
    let updated = service::save_payment_state(db, row.id, now_paid, status, refund, hold).await?;
    let facility = service::find_facility(db, row.facility_id).await?;
    notify::queue_booking_receipt(
        db,
        row.id,
        row.unit_id,
        payment_id,
        &format!(
            "booking {} {}",
            facility.name,
            row.starts_at.format("%Y-%m-%d %H:%M")
        ),
        Rupiah(applied),
    )
    .await?;
    notify::schedule_delivery(db, tenant.as_str()).await?;
    Ok(service::changed(&updated))
}

#[derive(FromQueryResult)]
struct OrderPayment {
    id: i64,
    amount: i64,
    refunded: i64,
}

/// Applies a Midtrans refund of a booking order that has given back `refunded_so_far` in
/// all (the order row is locked by the caller's transaction): records what is not
/// recorded yet as a refund of the order's payment, takes it off the booking's `paid` and
/// `refund_due`. When the settlement applied only part of the order (the booking owed
/// less), the part never applied is what a refund gives back first. `None`: nothing new
/// (a redelivery, an older notification, or an order whose money never reached the
/// booking); else what subscribers hear after commit.
pub async fn refund_order(
    db: &impl ConnectionTrait,
    r: &BookingRefunded,
) -> ApiResult<Option<DomainEvent>> {
    let row = service::lock_booking(db, r.booking_id).await?;
    let Some(payment) = OrderPayment::find_by_statement(stmt(
        "SELECT p.id, p.amount, \
                (SELECT coalesce(sum(f.amount), 0) FROM booking_refunds f WHERE f.payment_id = p.id)::bigint AS refunded \
         FROM booking_payments p WHERE p.midtrans_order_id = $1 AND p.booking_id = $2",
        [r.order_id.clone().into(), row.id.into()],
    ))
    .one(db)
    .await?
    else {
        return Ok(None);
    };
    let never_applied = r.gross - payment.amount;
    let due_back = (r.refunded_so_far - never_applied).clamp(0, payment.amount);
    // `paid` bounds it too: it is what the booking's payments brought in less what was
    // given back, so it only falls short when money left the booking another way.
    let amount = (due_back - payment.refunded).min(row.paid);
    if amount <= 0 {
        return Ok(None);
    }
    db.execute_raw(stmt(
        "INSERT INTO booking_refunds (booking_id, payment_id, amount, source, midtrans_key) \
         VALUES ($1, $2, $3, 'MIDTRANS', $4)",
        [
            row.id.into(),
            payment.id.into(),
            amount.into(),
            format!("{}:{}", r.order_id, r.refunded_so_far).into(),
        ],
    ))
    .await?;
    let refund_due = row.refund_due.map(|due| (due - amount).max(0));
    let updated = service::save_payment_state(
        db,
        row.id,
        row.paid - amount,
        row.status,
        refund_due,
        row.hold_expires_at,
    )
    .await?;
    Ok(Some(service::changed(&updated)))
}
