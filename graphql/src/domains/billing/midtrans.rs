//! Midtrans Snap: creating payments, and applying its HTTP notifications exactly once.
//!
//! An order pays a bill or a booking (its own order kind). Order ids are
//! `<tenant slug>.<bill id>.<nonce>` or `<tenant slug>.bk<booking id>.<nonce>`: slugs
//! contain no dot, so the webhook finds the tenant from the order id alone. This module
//! moves orders and settles bills; a booking order's settlement and refunds are handed
//! back ([`Outcome::BookingPaid`], [`Outcome::BookingRefunded`]) for the bookings domain
//! to apply in the same transaction.

use rand::Rng;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use serde::Deserialize;
use sha2::{Digest, Sha512};

use super::service::{self, NewPayment, Refunded, Settled};
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::tenancy::TenantTx;
use crate::common::types::{Rupiah, TenantSlug};
use klustera_entities::states::{BillStatus, OrderStatus, PaymentMethod};
use klustera_entities::tenant::bill;

/// `SHA512(order_id + status_code + gross_amount + server_key)`, lowercase hex, over the
/// strings exactly as received (`100000` and `100000.00` hash differently).
pub fn signature(
    order_id: &str,
    status_code: &str,
    gross_amount: &str,
    server_key: &str,
) -> String {
    let mut h = Sha512::new();
    for part in [order_id, status_code, gross_amount, server_key] {
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Constant-time check of a received signature.
pub fn signature_valid(n: &Notification, server_key: &str) -> bool {
    let expected = signature(&n.order_id, &n.status_code, &n.gross_amount, server_key);
    let received = n.signature_key.to_ascii_lowercase();
    expected.len() == received.len()
        && expected
            .bytes()
            .zip(received.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// An HTTP notification, as Midtrans posts it (fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct Notification {
    pub order_id: String,
    pub status_code: String,
    pub gross_amount: String,
    pub signature_key: String,
    pub transaction_status: String,
    #[serde(default)]
    pub fraud_status: Option<String>,
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub payment_type: Option<String>,
    /// On `refund` and `partial_refund`: what the order's refunds gave back so far, in all.
    #[serde(default)]
    pub refund_amount: Option<String>,
}

/// Where a notification moves an order: Midtrans' `transaction_status` (+ `fraud_status`
/// for card captures); never [`OrderStatus::Created`], which only the checkout writes.
pub fn next_status(transaction_status: &str, fraud_status: Option<&str>) -> Option<OrderStatus> {
    use OrderStatus as S;
    Some(match (transaction_status, fraud_status) {
        ("capture", Some("challenge")) => S::Pending,
        ("capture", Some("deny")) => S::Failed,
        ("capture" | "settlement", _) => S::Paid,
        ("pending" | "authorize", _) => S::Pending,
        ("deny" | "cancel" | "expire" | "failure", _) => S::Failed,
        ("refund" | "partial_refund", _) => S::Refunded,
        _ => return None,
    })
}

/// What an order pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderFor {
    Bill(i64),
    Booking(i64),
}

impl OrderFor {
    /// The order id's middle part.
    fn key(self) -> String {
        match self {
            Self::Bill(id) => id.to_string(),
            Self::Booking(id) => format!("bk{id}"),
        }
    }
}

/// Tenant and what an order id pays.
pub fn parse_order_id(order_id: &str) -> Option<(TenantSlug, OrderFor)> {
    let mut parts = order_id.split('.');
    let slug = TenantSlug::parse(parts.next()?).ok()?;
    let key = parts.next()?;
    let target = match key.strip_prefix("bk") {
        Some(booking) => OrderFor::Booking(booking.parse().ok()?),
        None => OrderFor::Bill(key.parse().ok()?),
    };
    parts.next()?;
    parts.next().is_none().then_some((slug, target))
}

/// The Snap API client (`POST {base}/snap/v1/transactions`, server key as basic auth).
#[derive(Clone)]
pub struct SnapClient {
    http: reqwest::Client,
    base_url: String,
    server_key: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SnapToken {
    pub token: String,
    pub redirect_url: String,
}

impl SnapClient {
    pub fn new(base_url: &str, server_key: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(15))
                .build()
                .unwrap_or_default(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            server_key: server_key.to_owned(),
        }
    }

    pub fn server_key(&self) -> &str {
        &self.server_key
    }

    async fn create(&self, order_id: &str, gross_amount: i64) -> ApiResult<SnapToken> {
        let body = serde_json::json!({
            "transaction_details": {"order_id": order_id, "gross_amount": gross_amount},
        });
        let resp = self
            .http
            .post(format!("{}/snap/v1/transactions", self.base_url))
            .basic_auth(&self.server_key, Some(""))
            .header("accept", "application/json")
            .json(&body)
            .send()
            .await
            .map_err(ApiError::internal)?;
        if !resp.status().is_success() {
            let status = resp.status();
            tracing::error!(%status, "Midtrans Snap refused the transaction");
            return Err(ApiError::internal(std::io::Error::other(format!(
                "midtrans answered {status}"
            ))));
        }
        resp.json::<SnapToken>().await.map_err(ApiError::internal)
    }
}

/// What `createPayment` returns.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub order_id: String,
    pub gross_amount: i64,
    pub token: SnapToken,
}

/// Opens a Snap transaction for what `bill` still owes.
///
/// The bill is not locked: what a settlement applies is decided when it arrives (never
/// more than is then owed). The Snap call is made without holding a connection when the
/// operation has written nothing yet ([`TenantTx::without_connection`]), so a slow Midtrans
/// neither starves the pool nor delays payments on the bill.
pub async fn create_payment(
    db: &TenantTx,
    snap: &SnapClient,
    tenant: &TenantSlug,
    bill: &bill::Model,
) -> ApiResult<Checkout> {
    let outstanding = bill.total - bill.paid;
    if bill.status == BillStatus::Void || outstanding <= 0 {
        return Err(ApiError::bad_input("billId", "nothing to pay on this bill"));
    }
    checkout(db, snap, tenant, OrderFor::Bill(bill.id), outstanding).await
}

/// Opens a Snap transaction of `amount` for `target` (a bill or a booking) and records
/// its order. The Snap call holds no connection when the operation has written nothing
/// yet ([`TenantTx::without_connection`]).
pub async fn checkout(
    db: &TenantTx,
    snap: &SnapClient,
    tenant: &TenantSlug,
    target: OrderFor,
    amount: i64,
) -> ApiResult<Checkout> {
    let nonce: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(8)
        .map(char::from)
        .collect();
    let order_id = format!("{tenant}.{}.{nonce}", target.key());
    let token = db
        .without_connection(snap.create(&order_id, amount))
        .await??;
    let (bill, booking) = match target {
        OrderFor::Bill(id) => (Some(id), None),
        OrderFor::Booking(id) => (None, Some(id)),
    };
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO midtrans_orders (order_id, bill_id, booking_id, gross_amount, snap_token, redirect_url) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        [
            order_id.clone().into(),
            bill.into(),
            booking.into(),
            amount.into(),
            token.token.clone().into(),
            token.redirect_url.clone().into(),
        ],
    ))
    .await?;
    Ok(Checkout {
        order_id,
        gross_amount: amount,
        token,
    })
}

#[derive(FromQueryResult)]
struct OrderRow {
    bill_id: Option<i64>,
    booking_id: Option<i64>,
    gross_amount: i64,
    status: OrderStatus,
}

/// A booking order's first PAID notification, for the bookings domain to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingPaid {
    pub booking_id: i64,
    pub order_id: String,
    /// The order's amount.
    pub amount: i64,
    /// Midtrans' transaction id.
    pub reference: Option<String>,
}

/// A booking order's refund notification, for the bookings domain to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRefunded {
    pub booking_id: i64,
    pub order_id: String,
    /// The order's amount.
    pub gross: i64,
    /// What the order's refunds gave back so far, in all, as Midtrans reports it.
    pub refunded_so_far: i64,
}

/// What a notification did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A payment was settled (first delivery of a PAID state).
    Paid(Box<Settled>),
    /// A refund of the order's payment was recorded (first delivery of it).
    Refunded(Box<Refunded>),
    /// A booking order was paid (first delivery of a PAID state): the caller applies it
    /// to the booking in the same transaction.
    BookingPaid(BookingPaid),
    /// A booking order was refunded (any delivery): the caller records what it gave back
    /// beyond what is recorded, in the same transaction.
    BookingRefunded(BookingRefunded),
    /// The order moved to another state without money changing hands.
    Moved(OrderStatus),
    /// Duplicate or out of order: nothing changed.
    Ignored,
}

impl Outcome {
    /// What subscribers hear once the notification's transaction committed.
    pub fn event(&self) -> Option<DomainEvent> {
        match self {
            Self::Paid(settled) => Some(settled.event()),
            Self::Refunded(refunded) => Some(refunded.event()),
            Self::BookingPaid(_) | Self::BookingRefunded(_) | Self::Moved(_) | Self::Ignored => {
                None
            }
        }
    }
}

/// Applies a verified notification of `tenant`'s order exactly once, whatever the order
/// or number of deliveries: the order row is locked, states only move forward (PAID is
/// final except for refunds), the payment row is unique per order, and a refund records
/// only what Midtrans says was refunded beyond what is already recorded.
pub async fn apply_notification(
    db: &impl ConnectionTrait,
    tenant: &TenantSlug,
    n: &Notification,
) -> ApiResult<Outcome> {
    let order = OrderRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT bill_id, booking_id, gross_amount, status FROM midtrans_orders WHERE order_id = $1 FOR UPDATE",
        [n.order_id.clone().into()],
    ))
    .one(db)
    .await?
    .ok_or(ApiError::NotFound("order"))?;
    let amount = parse_amount(&n.gross_amount)
        .ok_or(ApiError::bad_input("gross_amount", "not an amount"))?;
    if amount != order.gross_amount {
        return Err(ApiError::bad_input(
            "gross_amount",
            "does not match the order",
        ));
    }
    let next = next_status(&n.transaction_status, n.fraud_status.as_deref())
        .ok_or(ApiError::bad_input("transaction_status", "unknown status"))?;
    use OrderStatus as S;
    let allowed = matches!(
        (order.status, next),
        (S::Created | S::Pending | S::Failed, S::Paid)
            | (S::Created, S::Pending)
            | (S::Created | S::Pending, S::Failed)
            | (S::Paid | S::Refunded, S::Refunded)
    );
    if !allowed {
        return Ok(Outcome::Ignored);
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE midtrans_orders SET status = $2, updated_at = now() WHERE order_id = $1",
        [n.order_id.clone().into(), next.into()],
    ))
    .await?;
    let bill_id = match (order.bill_id, order.booking_id) {
        (Some(bill), _) => bill,
        (None, Some(booking_id)) => {
            return Ok(match next {
                S::Paid => Outcome::BookingPaid(BookingPaid {
                    booking_id,
                    order_id: n.order_id.clone(),
                    amount: order.gross_amount,
                    reference: n.transaction_id.clone(),
                }),
                S::Refunded => Outcome::BookingRefunded(BookingRefunded {
                    booking_id,
                    order_id: n.order_id.clone(),
                    gross: order.gross_amount,
                    refunded_so_far: refunded_so_far(n, order.gross_amount)?,
                }),
                other => Outcome::Moved(other),
            });
        }
        (None, None) => return Err(ApiError::NotFound("order")),
    };
    match next {
        S::Paid => {
            let locked = service::lock_bill(db, bill_id).await?;
            // Money arrived: apply what is still owed (a manual payment may have come first).
            let owed = (locked.total - locked.paid).min(order.gross_amount);
            if owed <= 0 || locked.status == BillStatus::Void {
                tracing::warn!(order_id = %n.order_id, "Midtrans settlement for a bill with nothing owed");
                return Ok(Outcome::Moved(S::Paid));
            }
            let settled = service::settle(
                db,
                tenant.as_str(),
                &locked,
                NewPayment {
                    method: PaymentMethod::Midtrans,
                    amount: Rupiah(owed),
                    reference: n.transaction_id.clone(),
                    midtrans_order_id: Some(n.order_id.clone()),
                    recorded_by: None,
                },
            )
            .await?;
            Ok(Outcome::Paid(Box::new(settled)))
        }
        S::Refunded => {
            let so_far = refunded_so_far(n, order.gross_amount)?;
            Ok(
                match service::refund_order(db, &n.order_id, order.gross_amount, so_far).await? {
                    Some(refunded) => Outcome::Refunded(Box::new(refunded)),
                    None => Outcome::Ignored,
                },
            )
        }
        other => Ok(Outcome::Moved(other)),
    }
}

/// What a refund notification says the order's refunds gave back in all: its
/// `refund_amount` (between 1 and the order's amount), or the whole order for a `refund`
/// without one.
fn refunded_so_far(n: &Notification, gross: i64) -> ApiResult<i64> {
    match (n.refund_amount.as_deref(), n.transaction_status.as_str()) {
        (Some(raw), _) => {
            parse_amount(raw)
                .filter(|a| (1..=gross).contains(a))
                .ok_or(ApiError::bad_input(
                    "refund_amount",
                    "not an amount of the order",
                ))
        }
        // A full refund says so even without the amount.
        (None, "refund") => Ok(gross),
        (None, _) => Err(ApiError::bad_input("refund_amount", "missing")),
    }
}

/// `"100000.00"` or `"100000"` -> 100000; fractions of a rupiah are refused.
fn parse_amount(raw: &str) -> Option<i64> {
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    if !frac.chars().all(|c| c == '0') {
        return None;
    }
    whole.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_documented_vector() {
        assert_eq!(
            signature(
                "1111",
                "200",
                "100000.00",
                "askvnoibnosifnboseofinbofinfgbiufglnbfg"
            ),
            "edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80a1f181a79b997ac178a236fcff35af263fc4d4c231"
        );
        assert_ne!(
            signature(
                "1111",
                "200",
                "100000",
                "askvnoibnosifnboseofinbofinfgbiufglnbfg"
            ),
            signature(
                "1111",
                "200",
                "100000.00",
                "askvnoibnosifnboseofinbofinfgbiufglnbfg"
            )
        );
    }

    #[test]
    fn order_ids_name_tenant_and_bill() {
        let (slug, bill) = parse_order_id("green-valley.42.Ab3dEf9h").unwrap();
        assert_eq!((slug.as_str(), bill), ("green-valley", OrderFor::Bill(42)));
        let (_, booking) = parse_order_id("green-valley.bk7.Ab3dEf9h").unwrap();
        assert_eq!(booking, OrderFor::Booking(7));
        assert!(parse_order_id("green.bkx.y").is_none());
        assert!(parse_order_id("green.x.y").is_none());
        assert!(parse_order_id("1111").is_none());
    }

    fn notification(order_id: &str, gross_amount: &str, signature_key: String) -> Notification {
        Notification {
            order_id: order_id.into(),
            status_code: "200".into(),
            gross_amount: gross_amount.into(),
            signature_key,
            transaction_status: "settlement".into(),
            fraud_status: None,
            transaction_id: None,
            payment_type: None,
            refund_amount: None,
        }
    }

    #[test]
    fn only_the_exact_signature_is_valid() {
        let key = "SB-Mid-server-key";
        let good = signature("alpha.1.abc", "200", "150000.00", key);
        assert!(signature_valid(
            &notification("alpha.1.abc", "150000.00", good.clone()),
            key
        ));
        assert!(
            signature_valid(
                &notification("alpha.1.abc", "150000.00", good.to_ascii_uppercase()),
                key
            ),
            "hex case does not matter"
        );
        // One hex digit changed, anywhere: same length, different bytes.
        for at in [0, 64, good.len() - 1] {
            let mut forged = good.clone().into_bytes();
            forged[at] = if forged[at] == b'0' { b'1' } else { b'0' };
            let forged = String::from_utf8(forged).unwrap();
            assert!(!signature_valid(
                &notification("alpha.1.abc", "150000.00", forged),
                key
            ));
        }
        // Two hex digits swapped: the differences would cancel out in an XOR fold.
        let mut swapped = good.clone().into_bytes();
        let other = (1..swapped.len())
            .find(|&i| swapped[i] != swapped[0])
            .unwrap();
        swapped.swap(0, other);
        let swapped = String::from_utf8(swapped).unwrap();
        assert!(!signature_valid(
            &notification("alpha.1.abc", "150000.00", swapped),
            key
        ));
        assert!(!signature_valid(
            &notification(
                "alpha.1.abc",
                "150000.00",
                good[..good.len() - 2].to_owned()
            ),
            key
        ));
        assert!(!signature_valid(
            &notification("alpha.1.abc", "150000.00", String::new()),
            key
        ));
        assert!(!signature_valid(
            &notification("alpha.1.abc", "150001.00", good.clone()),
            key
        ));
        assert!(!signature_valid(
            &notification("alpha.1.abc", "150000.00", good),
            "another-key"
        ));
    }

    #[test]
    fn order_ids_have_exactly_three_parts() {
        assert!(parse_order_id("alpha.7.nonce").is_some());
        assert_eq!(
            parse_order_id("alpha.7.nonce").unwrap().1,
            OrderFor::Bill(7)
        );
        assert!(parse_order_id("alpha.7").is_none(), "no nonce");
        assert!(parse_order_id("alpha.7.nonce.more").is_none());
        assert!(parse_order_id("Not A Slug.7.nonce").is_none());
        assert!(parse_order_id("").is_none());
    }

    #[test]
    fn every_midtrans_status_has_its_state() {
        use OrderStatus::*;
        for (status, fraud, state) in [
            ("capture", Some("accept"), Some(Paid)),
            ("capture", None, Some(Paid)),
            ("capture", Some("challenge"), Some(Pending)),
            ("capture", Some("deny"), Some(Failed)),
            ("settlement", None, Some(Paid)),
            ("settlement", Some("challenge"), Some(Paid)),
            ("pending", None, Some(Pending)),
            ("authorize", None, Some(Pending)),
            ("deny", None, Some(Failed)),
            ("cancel", None, Some(Failed)),
            ("expire", None, Some(Failed)),
            ("failure", None, Some(Failed)),
            ("refund", None, Some(Refunded)),
            ("partial_refund", None, Some(Refunded)),
            ("chargeback", None, None),
            ("", None, None),
        ] {
            assert_eq!(next_status(status, fraud), state, "{status} {fraud:?}");
        }
    }

    #[test]
    fn amounts_are_whole_rupiah() {
        assert_eq!(parse_amount("100000"), Some(100_000));
        assert_eq!(parse_amount("100000.0"), Some(100_000));
        assert_eq!(parse_amount("1.00"), Some(1));
        assert_eq!(parse_amount("100000.05"), None);
        assert_eq!(parse_amount("100000.50"), None);
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount(""), None);
    }

    #[test]
    fn statuses_map_as_documented() {
        assert_eq!(next_status("settlement", None), Some(OrderStatus::Paid));
        assert_eq!(
            next_status("capture", Some("accept")),
            Some(OrderStatus::Paid)
        );
        assert_eq!(
            next_status("capture", Some("challenge")),
            Some(OrderStatus::Pending)
        );
        assert_eq!(next_status("expire", None), Some(OrderStatus::Failed));
        assert_eq!(next_status("refund", None), Some(OrderStatus::Refunded));
        assert_eq!(parse_amount("100000.00"), Some(100_000));
        assert_eq!(parse_amount("100000.50"), None);
    }
}
