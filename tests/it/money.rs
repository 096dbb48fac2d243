//! Money under forced concurrency: payments that overlap for certain, not by luck.
//!
//! The test holds `LOCK TABLE payments IN SHARE MODE`, which every payment path needs to
//! get past (its INSERT), fires the competing requests one after another, and releases
//! the table only once every request is waiting for a lock (`pg_stat_activity`). With the
//! payment paths' own locks, the later request waits on the bill (or the order) and then
//! decides on what the earlier one committed; without them, both would decide on the
//! same stale bill and both would write.

use serde_json::{Value, json};

use klustera::dev::fake_midtrans::FakeMidtrans;

use crate::app::{TestApp, code, row_of};
use crate::billing::{PERIOD, billing_app, bills_of, checkout};
use crate::smtp_sink::SmtpSink;

const PAY: &str = "mutation($b: ID!, $a: Rupiah!) { recordPayment(input: {billId: $b, amount: $a, method: CASH}) { amount method } }";
const LOCK_PAYMENTS: &str = "LOCK TABLE t_alpha.payments IN SHARE MODE";

/// The bill as the manager reads it, and the payment rows of the bill in the database.
async fn bill_state(app: &TestApp, token: &str, id: &str) -> (Value, Vec<String>) {
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            "query($b: ID!) { bill(id: $b) { status total paid outstanding } }",
            json!({"b": id}),
        )
        .await;
    let rows = app
        .rows(
            "alpha",
            &format!(
                "SELECT method || ':' || amount FROM payments WHERE bill_id = {} ORDER BY id",
                row_of(&json!(id))
            ),
        )
        .await;
    (body["data"]["bill"].clone(), rows)
}

/// Sends `first`, waits until it waits on a lock, sends `second`, waits until both wait,
/// then releases `held`; returns both answers.
async fn overlapped<A, B>(
    app: &TestApp,
    held: crate::app::Held,
    first: A,
    second: B,
) -> (A::Output, B::Output)
where
    A: Future,
    B: Future,
{
    tokio::join!(first, async {
        app.until_lock_waiters(1).await;
        tokio::join!(second, async {
            app.until_lock_waiters(2).await;
            held.release().await;
        })
        .0
    })
}

/// A billing app with tenant `alpha` and its first bill: (app, fakes, manager token, bill id, total).
async fn alpha_bill() -> (TestApp, (FakeMidtrans, SmtpSink), String, String, i64) {
    let (app, fake, sink) = billing_app().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bill = bills_of(&app, "alpha", &token).await.remove(0);
    let id = bill["id"].as_str().unwrap().to_owned();
    let total = bill["total"].as_i64().unwrap();
    (app, (fake, sink), token, id, total)
}

#[tokio::test]
async fn two_cash_payments_at_once_add_up_and_never_overpay() {
    let (app, _fakes, token, id, total) = alpha_bill().await;
    let third = total / 3;

    // Both fit: both land, and `paid` is their exact sum (no lost update).
    let held = app.hold(LOCK_PAYMENTS).await;
    let pay = |amount: i64| {
        app.gql(
            Some("alpha"),
            Some(&token),
            PAY,
            json!({"b": id, "a": amount}),
        )
    };
    let (a, b) = overlapped(&app, held, pay(third), pay(third)).await;
    assert_eq!(a["data"]["recordPayment"]["amount"], third, "{a}");
    assert_eq!(b["data"]["recordPayment"]["amount"], third, "{b}");
    let (bill, rows) = bill_state(&app, &token, &id).await;
    assert_eq!(bill["paid"], 2 * third, "{bill}");
    assert_eq!(bill["status"], "PARTIALLY_PAID");
    assert_eq!(rows, vec![format!("CASH:{third}"), format!("CASH:{third}")]);

    // Each pays the whole rest: the first lands, the second is refused on what it sees
    // after the first committed.
    let rest = total - 2 * third;
    let held = app.hold(LOCK_PAYMENTS).await;
    let (a, b) = overlapped(&app, held, pay(rest), pay(rest)).await;
    assert_eq!(a["data"]["recordPayment"]["amount"], rest, "{a}");
    assert_eq!(code(&b), "BAD_USER_INPUT", "{b}");
    assert_eq!(b["errors"][0]["extensions"]["field"], "amount");
    let (bill, rows) = bill_state(&app, &token, &id).await;
    assert_eq!(bill["paid"], total, "{bill}");
    assert_eq!(bill["outstanding"], 0);
    assert_eq!(bill["status"], "PAID");
    assert_eq!(
        rows.len(),
        3,
        "exactly the payments that were accepted: {rows:?}"
    );
    let sum: i64 = app
        .rows(
            "alpha",
            &format!(
                "SELECT sum(amount)::text FROM payments WHERE bill_id = {}",
                row_of(&json!(id))
            ),
        )
        .await[0]
        .parse()
        .unwrap();
    assert_eq!(
        sum, total,
        "payment rows add up to what the bill says is paid"
    );
}

#[tokio::test]
async fn a_settlement_racing_a_cash_payment_applies_only_what_is_still_owed() {
    let (app, (fake, _sink), token, id, total) = alpha_bill().await;
    let (order, gross) = checkout(&app, &token, &id).await;
    assert_eq!(gross, total, "a checkout of the whole bill");

    // The cash payment takes the bill first; the settlement of the whole bill arrives
    // while it is still open.
    let held = app.hold(LOCK_PAYMENTS).await;
    let cash = app.gql(
        Some("alpha"),
        Some(&token),
        PAY,
        json!({"b": id, "a": total - 1000}),
    );
    let settlement = app
        .client()
        .post(app.url("/webhooks/midtrans"))
        .json(&fake.notification(&order, &format!("{total}.00"), "settlement"))
        .send();
    let (cash, settled) = overlapped(&app, held, cash, settlement).await;
    assert_eq!(
        cash["data"]["recordPayment"]["amount"],
        total - 1000,
        "{cash}"
    );
    assert_eq!(settled.unwrap().status(), 200);

    let (bill, rows) = bill_state(&app, &token, &id).await;
    assert_eq!(bill["paid"], total, "{bill}");
    assert_eq!(bill["status"], "PAID");
    assert_eq!(
        rows,
        vec![format!("CASH:{}", total - 1000), "MIDTRANS:1000".to_owned()],
        "the settlement applied only the 1,000 left after the cash payment"
    );
}

#[tokio::test]
async fn duplicate_settlements_of_one_order_at_once_apply_once() {
    let (app, (fake, _sink), token, id, total) = alpha_bill().await;
    let (order, gross) = checkout(&app, &token, &id).await;
    assert_eq!(gross, total, "a checkout of the whole bill");
    let settle = || {
        app.client()
            .post(app.url("/webhooks/midtrans"))
            .json(&fake.notification(&order, &format!("{total}.00"), "settlement"))
            .send()
    };
    let held = app.hold(LOCK_PAYMENTS).await;
    let (first, second) = overlapped(&app, held, settle(), settle()).await;
    let mut outcomes = Vec::new();
    for answer in [first.unwrap(), second.unwrap()] {
        assert_eq!(answer.status(), 200, "Midtrans must stop retrying both");
        outcomes.push(answer.json::<Value>().await.unwrap()["status"].clone());
    }
    assert_eq!(outcomes, vec![json!("applied"), json!("ignored")]);
    let (bill, rows) = bill_state(&app, &token, &id).await;
    assert_eq!(bill["paid"], total, "{bill}");
    assert_eq!(bill["status"], "PAID");
    assert_eq!(rows, vec![format!("MIDTRANS:{total}")]);
}
