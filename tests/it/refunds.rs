//! Midtrans orders out of the happy path: an expired checkout paid after all, and the
//! refunds the gateway handles today (a full refund of a settled order), with exact amounts.

use serde_json::{Value, json};

use klustera::dev::fake_midtrans::FakeMidtrans;

use crate::app::{TestApp, row_of};
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
