//! Midtrans orders out of the happy path: an expired checkout paid after all, and
//! refunds as their own records (Midtrans full and partial refunds, cash given back by a
//! manager), with exact amounts.

use serde_json::{Value, json};

use klustera::dev::fake_midtrans::FakeMidtrans;

use crate::app::{TestApp, code, row_of};
use crate::billing::{PERIOD, billing_app, bills_of};

struct Checkout<'a> {
    app: &'a TestApp,
    fake: &'a FakeMidtrans,
    order: String,
    gross: i64,
}

impl Checkout<'_> {
    /// Posts a signed notification of `status` for the order's full amount; returns the
    /// HTTP status and the gateway's answer.
    async fn notify(&self, status: &str) -> (u16, Value) {
        let resp = self
            .app
            .client()
            .post(self.app.url("/webhooks/midtrans"))
            .json(
                &self
                    .fake
                    .notification(&self.order, &format!("{}.00", self.gross), status),
            )
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap())
    }

    /// Posts a signed `refund`/`partial_refund` notification saying the order's refunds
    /// gave back `refunded` so far.
    async fn refund(&self, status: &str, refunded: i64) -> (u16, Value) {
        let body = self.fake.refund_notification(
            &self.order,
            &format!("{}.00", self.gross),
            status,
            refunded,
        );
        let resp = self
            .app
            .client()
            .post(self.app.url("/webhooks/midtrans"))
            .json(&body)
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap())
    }
}

async fn checkout<'a>(
    app: &'a TestApp,
    fake: &'a FakeMidtrans,
    token: &str,
    bill: &str,
) -> Checkout<'a> {
    let (order, gross) = crate::billing::checkout(app, token, bill).await;
    Checkout {
        app,
        fake,
        order,
        gross,
    }
}

/// `(status, paid, [method:amount:kept|refunded])` of a bill.
async fn state(app: &TestApp, token: &str, bill: &str) -> (String, i64, Vec<String>) {
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            "query($b: ID!) { bill(id: $b) { status paid } }",
            json!({"b": bill}),
        )
        .await;
    let payments = app
        .rows(
            "alpha",
            &format!(
                "SELECT concat_ws(':', method, amount, CASE WHEN refunded_at IS NULL THEN 'kept' ELSE 'refunded' END) FROM payments \
                 WHERE bill_id = {} ORDER BY id",
                row_of(&json!(bill))
            ),
        )
        .await;
    (
        body["data"]["bill"]["status"].as_str().unwrap().into(),
        body["data"]["bill"]["paid"].as_i64().unwrap(),
        payments,
    )
}

#[tokio::test]
async fn an_expired_checkout_settled_later_still_pays_the_bill_once() {
    let (app, fake, _sink) = billing_app().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bill = bills_of(&app, "alpha", &token).await.remove(0);
    let id = bill["id"].as_str().unwrap();
    let total = bill["total"].as_i64().unwrap();
    let order = checkout(&app, &fake, &token, id).await;
    assert_eq!(order.gross, total);

    assert_eq!(
        order.notify("pending").await,
        (200, json!({"status": "PENDING"}))
    );
    assert_eq!(
        order.notify("expire").await,
        (200, json!({"status": "FAILED"}))
    );
    assert_eq!(state(&app, &token, id).await, ("UNPAID".into(), 0, vec![]));
    // The bank's money arrives after all (Midtrans settles a late transfer).
    assert_eq!(
        order.notify("settlement").await,
        (200, json!({"status": "applied"}))
    );
    assert_eq!(
        state(&app, &token, id).await,
        ("PAID".into(), total, vec![format!("MIDTRANS:{total}:kept")])
    );
    // A late "expire" or a repeated settlement changes nothing.
    assert_eq!(
        order.notify("expire").await,
        (200, json!({"status": "ignored"}))
    );
    assert_eq!(
        order.notify("settlement").await,
        (200, json!({"status": "ignored"}))
    );
    assert_eq!(
        state(&app, &token, id).await,
        ("PAID".into(), total, vec![format!("MIDTRANS:{total}:kept")])
    );
}

#[tokio::test]
async fn a_refunded_order_gives_back_exactly_its_payment() {
    let (app, fake, _sink) = billing_app().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bills = bills_of(&app, "alpha", &token).await;

    // A bill paid wholly through Midtrans, then refunded: it owes everything again.
    let id = bills[0]["id"].as_str().unwrap();
    let total = bills[0]["total"].as_i64().unwrap();
    let order = checkout(&app, &fake, &token, id).await;
    assert_eq!(
        order.notify("refund").await,
        (200, json!({"status": "ignored"})),
        "nothing to refund yet"
    );
    order.notify("settlement").await;
    assert_eq!(
        order.notify("refund").await,
        (200, json!({"status": "REFUNDED"}))
    );
    assert_eq!(
        state(&app, &token, id).await,
        (
            "UNPAID".into(),
            0,
            vec![format!("MIDTRANS:{total}:refunded")]
        )
    );
    // Delivered again, the refund is not applied twice.
    assert_eq!(
        order.notify("refund").await,
        (200, json!({"status": "ignored"}))
    );
    assert_eq!(state(&app, &token, id).await.1, 0);

    // Cash first, then Midtrans for the rest; refunding the order takes back only its part.
    let id = bills[1]["id"].as_str().unwrap();
    let total = bills[1]["total"].as_i64().unwrap();
    let order = checkout(&app, &fake, &token, id).await;
    let cash = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!, $a: Rupiah!) { recordPayment(input: {billId: $b, amount: $a, method: CASH}) { amount } }",
            json!({"b": id, "a": total - 2_500}),
        )
        .await;
    assert_eq!(
        cash["data"]["recordPayment"]["amount"],
        total - 2_500,
        "{cash}"
    );
    order.notify("settlement").await;
    assert_eq!(state(&app, &token, id).await.1, total);
    order.notify("refund").await;
    assert_eq!(
        state(&app, &token, id).await,
        (
            "PARTIALLY_PAID".into(),
            total - 2_500,
            vec![
                format!("CASH:{}:kept", total - 2_500),
                "MIDTRANS:2500:refunded".to_owned()
            ]
        )
    );
}

/// `[source:amount]` of a bill's refunds as the API lists them.
async fn refunds(app: &TestApp, token: &str, bill: &str) -> Vec<String> {
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            "query($b: ID!) { bill(id: $b) { refunds { source amount paymentId reason createdAt } } }",
            json!({"b": bill}),
        )
        .await;
    body["data"]["bill"]["refunds"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|r| format!("{}:{}", r["source"].as_str().unwrap(), r["amount"]))
        .collect()
}

#[tokio::test]
async fn partial_refunds_take_back_only_their_amounts_once_each() {
    let (app, fake, _sink) = billing_app().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bill = bills_of(&app, "alpha", &token).await.remove(0);
    let id = bill["id"].as_str().unwrap();
    let total = bill["total"].as_i64().unwrap();
    let order = checkout(&app, &fake, &token, id).await;
    order.notify("settlement").await;
    let paid = format!("MIDTRANS:{total}:kept");

    // Rp 1,000 of the order given back: the bill owes exactly that again.
    assert_eq!(
        order.refund("partial_refund", 1_000).await,
        (200, json!({"status": "REFUNDED"}))
    );
    assert_eq!(
        state(&app, &token, id).await,
        ("PARTIALLY_PAID".into(), total - 1_000, vec![paid.clone()])
    );
    // Delivered again: nothing more.
    assert_eq!(
        order.refund("partial_refund", 1_000).await,
        (200, json!({"status": "ignored"}))
    );
    // A second partial refund (Rp 2,500 more, 3,500 in all), then the first one late.
    assert_eq!(
        order.refund("partial_refund", 3_500).await,
        (200, json!({"status": "REFUNDED"}))
    );
    assert_eq!(
        order.refund("partial_refund", 1_000).await,
        (200, json!({"status": "ignored"}))
    );
    assert_eq!(
        state(&app, &token, id).await,
        ("PARTIALLY_PAID".into(), total - 3_500, vec![paid])
    );
    // More than the order is refused; the rest, as a full refund, empties the payment.
    assert_eq!(order.refund("partial_refund", total + 1).await.0, 400);
    assert_eq!(
        order.refund("refund", total).await,
        (200, json!({"status": "REFUNDED"}))
    );
    assert_eq!(
        state(&app, &token, id).await,
        (
            "UNPAID".into(),
            0,
            vec![format!("MIDTRANS:{total}:refunded")]
        )
    );
    assert_eq!(
        refunds(&app, &token, id).await,
        vec![
            "MIDTRANS:1000".to_owned(),
            "MIDTRANS:2500".to_owned(),
            format!("MIDTRANS:{}", total - 3_500)
        ]
    );
    let report = app
        .gql(
            Some("alpha"),
            Some(&token),
            "query($p: String!) { collectionReport(period: $p) { collected refunded } }",
            json!({"p": PERIOD}),
        )
        .await;
    assert_eq!(
        report["data"]["collectionReport"],
        json!({"collected": 0, "refunded": total}),
        "{report}"
    );
}

const REFUND: &str = "mutation($p: ID!, $a: Rupiah!, $r: String!) { \
    recordRefund(input: {paymentId: $p, amount: $a, reason: $r}) { status paid refunds { source amount reason } } }";

#[tokio::test]
async fn managers_record_cash_refunds_that_never_exceed_the_payment() {
    let (app, fake, _sink) = billing_app().await;
    let logins = app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bills = bills_of(&app, "alpha", &token).await;
    let id = bills[0]["id"].as_str().unwrap();
    let total = bills[0]["total"].as_i64().unwrap();
    let cash = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!, $a: Rupiah!) { recordPayment(input: {billId: $b, amount: $a, method: CASH}) { id } }",
            json!({"b": id, "a": total}),
        )
        .await;
    let payment = cash["data"]["recordPayment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            REFUND,
            json!({"p": payment, "a": 4_000, "r": "kelebihan bayar"}),
        )
        .await;
    assert_eq!(
        body["data"]["recordRefund"],
        json!({"status": "PARTIALLY_PAID", "paid": total - 4_000,
               "refunds": [{"source": "MANUAL", "amount": 4_000, "reason": "kelebihan bayar"}]}),
        "{body}"
    );
    // What is left of the payment is the most that can still be given back.
    let over = app
        .gql(
            Some("alpha"),
            Some(&token),
            REFUND,
            json!({"p": payment, "a": total - 4_000 + 1, "r": "lagi"}),
        )
        .await;
    assert_eq!(code(&over), "BAD_USER_INPUT", "{over}");
    for (args, wanted) in [
        (json!({"p": payment, "a": 0, "r": "nol"}), "BAD_USER_INPUT"),
        (json!({"p": payment, "a": 1, "r": "  "}), "BAD_USER_INPUT"),
        (
            json!({"p": id, "a": 1, "r": "bukan pembayaran"}),
            "NOT_FOUND",
        ),
    ] {
        let body = app.gql(Some("alpha"), Some(&token), REFUND, args).await;
        assert_eq!(code(&body), wanted, "{body}");
    }
    let rest = app
        .gql(
            Some("alpha"),
            Some(&token),
            REFUND,
            json!({"p": payment, "a": total - 4_000, "r": "batal"}),
        )
        .await;
    assert_eq!(rest["data"]["recordRefund"]["status"], "UNPAID", "{rest}");
    assert_eq!(rest["data"]["recordRefund"]["paid"], 0, "{rest}");
    assert_eq!(
        state(&app, &token, id).await.2,
        vec![format!("CASH:{total}:refunded")]
    );
    // Audited, by whom and on what.
    let audit = app
        .rows(
            "alpha",
            "SELECT actor_role || ' ' || array_to_string(target_ids, ',') FROM audit_log \
             WHERE operation = 'recordRefund' ORDER BY id",
        )
        .await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    for row in &audit {
        assert!(
            row.starts_with("MANAGER bill:") && row.contains(",refund:"),
            "{row}"
        );
    }

    // Residents may not; Midtrans payments are refunded in Midtrans.
    let (resident, _) = app.login("alpha", &logins.resident).await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&resident),
            REFUND,
            json!({"p": payment, "a": 1, "r": "x"}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let other = bills[1]["id"].as_str().unwrap();
    let order = checkout(&app, &fake, &token, other).await;
    order.notify("settlement").await;
    let midtrans = app
        .rows(
            "alpha",
            &format!(
                "SELECT id::text FROM payments WHERE bill_id = {}",
                row_of(&json!(other))
            ),
        )
        .await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            REFUND,
            json!({"p": crate::app::gid("Payment", midtrans[0].parse().unwrap()), "a": 1, "r": "x"}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
}

/// Two refunds of one payment at once, each for 60% of it: exactly one is recorded. The
/// test holds the refunds table so the first request waits with the bill locked, fires the
/// second, and releases only once both wait: without the bill's lock both would check the
/// same "nothing refunded yet" and both would write.
#[tokio::test]
async fn two_refunds_at_once_never_give_back_more_than_was_paid() {
    let (app, _fake, _sink) = billing_app().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bill = bills_of(&app, "alpha", &token).await.remove(0);
    let id = bill["id"].as_str().unwrap();
    let total = bill["total"].as_i64().unwrap();
    let cash = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!, $a: Rupiah!) { recordPayment(input: {billId: $b, amount: $a, method: CASH}) { id } }",
            json!({"b": id, "a": total}),
        )
        .await;
    let payment = cash["data"]["recordPayment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let share = total * 6 / 10;
    let refund = || {
        app.gql(
            Some("alpha"),
            Some(&token),
            REFUND,
            json!({"p": payment, "a": share, "r": "dobel"}),
        )
    };
    let held = app.hold("LOCK TABLE t_alpha.refunds IN SHARE MODE").await;
    let (a, b) = tokio::join!(refund(), async {
        app.until_lock_waiters(1).await;
        tokio::join!(refund(), async {
            app.until_lock_waiters(2).await;
            held.release().await;
        })
        .0
    });
    let mut codes: Vec<&str> = [&a, &b]
        .iter()
        .map(|body| {
            if body["errors"].is_null() {
                "ok"
            } else {
                code(body)
            }
        })
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, ["BAD_USER_INPUT", "ok"], "{a} {b}");
    assert_eq!(
        state(&app, &token, id).await,
        (
            "PARTIALLY_PAID".into(),
            total - share,
            vec![format!("CASH:{total}:kept")]
        )
    );
}
