//! Behaviour that mutation testing (`scripts/mutants`) found unchecked: each test here
//! fails with a mutant that the rest of the suite let through (named in its comment).
//! Test names start with the module the mutants were in, which is how the script picks
//! them (`mutants::midtrans`, `mutants::payments`, ...).

use serde_json::{Value, json};

use klustera::dev::fake_midtrans::{FakeMidtrans, notification};
use klustera_graphql::common::jobs;

use crate::app::TestApp;
use crate::billing::{PERIOD, SERVER_KEY, billing_app, checkout};
use crate::smtp_sink::SmtpSink;

/// An app wired to a fake Midtrans, with tenant `alpha` (3 units), its manager's token
/// and this period's bills.
async fn billed_app() -> (TestApp, FakeMidtrans, SmtpSink, String) {
    let (app, fake, sink) = billing_app().await;
    app.tenant("alpha", 3, 3).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    (app, fake, sink, token)
}

/// `(id, total)` of every bill of the period, by unit.
async fn bills(app: &TestApp, token: &str) -> Vec<(String, i64)> {
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            "{ bills(first: 10) { edges { node { id total unit { number } } } } }",
            json!({}),
        )
        .await;
    let mut bills: Vec<(String, String, i64)> = body["data"]["bills"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["unit"]["number"].as_str().unwrap().to_owned(),
                n["id"].as_str().unwrap().to_owned(),
                n["total"].as_i64().unwrap(),
            )
        })
        .collect();
    bills.sort();
    bills
        .into_iter()
        .map(|(_, id, total)| (id, total))
        .collect()
}

/// Posts a signed notification of `order` for `gross` rupiah; returns the HTTP status.
async fn notify(app: &TestApp, order: &str, gross: i64, status: &str) -> u16 {
    app.client()
        .post(app.url("/webhooks/midtrans"))
        .json(&notification(
            SERVER_KEY,
            order,
            &format!("{gross}.00"),
            status,
        ))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn pay_cash(app: &TestApp, token: &str, bill: &str, amount: i64) {
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            "mutation($b: ID!, $a: Rupiah!) { recordPayment(input: {billId: $b, amount: $a, method: CASH}) { amount } }",
            json!({"b": bill, "a": amount}),
        )
        .await;
    assert_eq!(body["data"]["recordPayment"]["amount"], amount, "{body}");
}

async fn bill(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            "query($b: ID!) { bill(id: $b) { status total paid outstanding payments { method amount refunded } } }",
            json!({"b": id}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["bill"].clone()
}

fn payments(bill: &Value) -> Vec<(String, i64, bool)> {
    bill["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["method"].as_str().unwrap().to_owned(),
                p["amount"].as_i64().unwrap(),
                p["refunded"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// A settlement applies what is owed when it arrives, not what the checkout asked for.
/// (Mutant: `owed = (total + paid).min(gross)` in `apply_notification`.)
#[tokio::test]
async fn midtrans_settlement_after_a_cash_payment_applies_only_the_rest() {
    let (app, _fake, _sink, token) = billed_app().await;
    let (id, total) = bills(&app, &token).await.remove(0);
    let (order, gross) = checkout(&app, &token, &id).await;
    assert_eq!(gross, total);
    pay_cash(&app, &token, &id, 100_000).await;

    assert_eq!(notify(&app, &order, gross, "settlement").await, 200);
    let b = bill(&app, &token, &id).await;
    assert_eq!(
        (b["status"].as_str(), b["paid"].as_i64()),
        (Some("PAID"), Some(total))
    );
    assert_eq!(
        payments(&b),
        vec![
            ("CASH".to_owned(), 100_000, false),
            ("MIDTRANS".to_owned(), total - 100_000, false),
        ]
    );
}

/// A settlement for a bill paid in cash meanwhile, or voided, moves no money and is still
/// acknowledged. (Mutants: `owed <= 0 && status == "VOID"` and `status != "VOID"` in
/// `apply_notification`.)
#[tokio::test]
async fn midtrans_settlement_for_a_bill_paid_or_voided_meanwhile_moves_no_money() {
    let (app, _fake, _sink, token) = billed_app().await;
    let all = bills(&app, &token).await;
    let ((paid_id, paid_total), (void_id, _)) = (all[0].clone(), all[1].clone());
    let paid_order = checkout(&app, &token, &paid_id).await;
    let void_order = checkout(&app, &token, &void_id).await;
    pay_cash(&app, &token, &paid_id, paid_total).await;
    let void = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!) { voidBill(id: $b, reason: \"salah tagih\") { status } }",
            json!({"b": void_id}),
        )
        .await;
    assert_eq!(void["data"]["voidBill"]["status"], "VOID", "{void}");

    for (order, gross) in [&paid_order, &void_order] {
        assert_eq!(notify(&app, order, *gross, "settlement").await, 200);
    }
    let paid = bill(&app, &token, &paid_id).await;
    assert_eq!(paid["paid"], paid_total);
    assert_eq!(
        payments(&paid),
        vec![("CASH".to_owned(), paid_total, false)]
    );
    let void = bill(&app, &token, &void_id).await;
    assert_eq!(
        (void["status"].as_str(), void["paid"].as_i64()),
        (Some("VOID"), Some(0))
    );
    assert!(payments(&void).is_empty());
    assert_eq!(
        app.rows(
            "alpha",
            "SELECT status FROM midtrans_orders ORDER BY created_at"
        )
        .await,
        vec!["PAID", "PAID"]
    );
}

/// A refund gives back exactly the order's payment: a paid bill owes it all again, an
/// overdue one stays overdue, and a repeated refund changes nothing. (Mutants in
/// `refund_order_payment`: `paid + amount`, `paid / amount`, `status != "PAID"`.)
#[tokio::test]
async fn payments_a_refund_makes_the_bill_owe_again_in_its_own_state() {
    let (app, _fake, _sink, token) = billed_app().await;
    let all = bills(&app, &token).await;
    let ((paid_id, paid_total), (late_id, late_total)) = (all[0].clone(), all[1].clone());

    let (order, gross) = checkout(&app, &token, &paid_id).await;
    assert_eq!(notify(&app, &order, gross, "settlement").await, 200);
    assert_eq!(bill(&app, &token, &paid_id).await["status"], "PAID");
    assert_eq!(notify(&app, &order, gross, "refund").await, 200);
    let b = bill(&app, &token, &paid_id).await;
    assert_eq!(
        (
            b["status"].as_str(),
            b["paid"].as_i64(),
            b["outstanding"].as_i64()
        ),
        (Some("UNPAID"), Some(0), Some(paid_total))
    );
    assert_eq!(
        payments(&b),
        vec![("MIDTRANS".to_owned(), paid_total, true)]
    );
    // Delivered again: the order is already refunded, nothing moves.
    assert_eq!(notify(&app, &order, gross, "refund").await, 200);
    assert_eq!(bill(&app, &token, &paid_id).await["paid"], 0);

    // Checked out, then overdue (October's bills were due on the 10th) with a flat late
    // fee of Rp 25.000, then settled for the checkout's amount: still owes the fee, so
    // still OVERDUE; refunded: OVERDUE again, owing all of it.
    let (order, gross) = checkout(&app, &token, &late_id).await;
    let settings = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation { updateBillingSettings(input: {billingDay: 1, dueDay: 10, lateFeeKind: FLAT, lateFeeValue: 25000}) }",
            json!({}),
        )
        .await;
    assert!(settings["errors"].is_null(), "{settings}");
    jobs::enqueue(
        &app.state.db,
        "alpha",
        jobs::kind::OVERDUE_SWEEP,
        json!({}),
        None,
        false,
    )
    .await
    .unwrap();
    app.run_jobs().await;
    let b = bill(&app, &token, &late_id).await;
    assert_eq!(
        (b["status"].as_str(), b["total"].as_i64()),
        (Some("OVERDUE"), Some(late_total + 25_000))
    );
    assert_eq!(notify(&app, &order, gross, "settlement").await, 200);
    let b = bill(&app, &token, &late_id).await;
    assert_eq!(
        (
            b["status"].as_str(),
            b["paid"].as_i64(),
            b["outstanding"].as_i64()
        ),
        (Some("OVERDUE"), Some(late_total), Some(25_000))
    );
    assert_eq!(notify(&app, &order, gross, "refund").await, 200);
    let b = bill(&app, &token, &late_id).await;
    assert_eq!(
        (
            b["status"].as_str(),
            b["paid"].as_i64(),
            b["outstanding"].as_i64()
        ),
        (Some("OVERDUE"), Some(0), Some(late_total + 25_000))
    );

    // A refund of an order that never paid is refused by the state machine: nothing moves.
    let (never_id, _) = all[2].clone();
    let (order, gross) = checkout(&app, &token, &never_id).await;
    let before = bill(&app, &token, &never_id).await;
    assert_eq!(notify(&app, &order, gross, "refund").await, 200);
    assert_eq!(bill(&app, &token, &never_id).await, before);
}

/// Generation hands the factory each unit's own type and area: the demo's shophouse tariff
/// (per m², 11% PPN) bills unit 25, the one shophouse of 25 units (145.5 m²), by its area,
/// and no house. (Mutants: `unit_type` or `area_m2` left out of `UnitFacts` in
/// `generate_batch`; the generation test checks houses only.)
#[tokio::test]
async fn generation_bills_a_shophouse_tariff_to_shophouses_by_their_area() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 25, 5).await;
    let token = app.manager_token("alpha").await;
    let job = app.generate_bills("alpha", &token, PERIOD).await;
    assert_eq!(job["status"], "DONE", "{job}");
    let items = app
        .rows(
            "alpha",
            "SELECT concat_ws('|', b.unit_id, i.description, i.quantity, i.amount, i.ppn) \
             FROM bill_items i JOIN bills b ON b.id = i.bill_id \
             WHERE i.description LIKE 'Service charge%' ORDER BY b.unit_id",
        )
        .await;
    // 145.50 m² × Rp 2.500 = 363 750; PPN 11% of it = 40 012.5, half up 40 013.
    assert_eq!(
        items,
        vec!["25|Service charge ruko (145.50 m²)|145.50|363750|40013"]
    );
}
