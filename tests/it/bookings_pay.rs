//! Paying for bookings: a Midtrans settlement confirms a booking exactly once however
//! its notifications race; a NEXT_BILL booking becomes items of the unit's next generated
//! bill exactly once; a cancellation records what is owed back.

use futures::future::join_all;
use serde_json::{Value, json};

use klustera::dev::fake_midtrans::notification;

use crate::app::{TestApp, row_of};
use crate::billing::{PERIOD, SERVER_KEY, billing_app_with, bills_of};
use crate::bookings::{at, book, day, facility};
use crate::live::resident_tokens;

const PAY: &str =
    "mutation($b: ID!) { payBooking(bookingId: $b) { orderId grossAmount redirectUrl } }";
const BOOKING: &str =
    "query($b: ID!) { booking(id: $b) { status paid amountDue refundDue holdExpiresAt } }";

/// The first resident's token and their household's unit.
async fn resident(app: &TestApp) -> (String, i64) {
    let token = resident_tokens(app, "alpha", 1).await.remove(0);
    let unit = app
        .rows(
            "alpha",
            "SELECT unit_id::text FROM resident_units WHERE ends_on IS NULL ORDER BY resident_id LIMIT 1",
        )
        .await[0]
        .parse()
        .unwrap();
    (token, unit)
}

fn booking_id(body: &Value) -> String {
    body["data"]["createBooking"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn booking(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app
        .gql(Some("alpha"), Some(token), BOOKING, json!({"b": id}))
        .await;
    body["data"]["booking"].clone()
}

#[tokio::test]
async fn racing_settlements_of_a_booking_confirm_it_and_pay_it_exactly_once() {
    let (app, fake, _sink) = billing_app_with(|c| c.db_pool_size = 24).await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (token, unit) = resident(&app).await;
    // 60 min × 200 000 + PPN 11% = 222 000, and a 100 000 deposit.
    let hall = facility(
        &app,
        &manager,
        json!({"name": "Clubhouse", "kind": "EXCLUSIVE", "capacity": 80, "pricing": "HOURLY",
               "rate": 200000, "deposit": 100000, "ppnRateBp": 1100}),
    )
    .await;
    let d = day();
    let booked = book(
        &app,
        &token,
        &hall,
        unit,
        &at(d, "18:00", "+07:00"),
        &at(d, "19:00", "+07:00"),
        30,
    )
    .await;
    let id = booking_id(&booked);
    assert_eq!(booked["data"]["createBooking"]["status"], "PENDING_PAYMENT");

    let body = app
        .gql(Some("alpha"), Some(&token), PAY, json!({"b": id}))
        .await;
    let c = &body["data"]["payBooking"];
    assert_eq!(c["grossAmount"], 322_000, "{body}");
    assert!(
        c["redirectUrl"]
            .as_str()
            .unwrap()
            .starts_with(&fake.base_url())
    );
    let order = c["orderId"].as_str().unwrap().to_owned();
    assert!(order.starts_with("alpha.bk"), "its own order kind: {order}");

    // 20 notifications wait on the order's row, then race: settlements, duplicates,
    // a pending after them.
    let held = app
        .hold(&format!(
            "SELECT 1 FROM t_alpha.midtrans_orders WHERE order_id = '{order}' FOR UPDATE"
        ))
        .await;
    let storm: Vec<Value> = (0..20)
        .map(|i| {
            let status = if i % 4 == 3 { "pending" } else { "settlement" };
            notification(SERVER_KEY, &order, "322000.00", status)
        })
        .collect();
    let client = app.client().clone();
    let url = app.url("/webhooks/midtrans");
    let sends = storm.iter().map(|body| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            client
                .post(url)
                .json(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let (statuses, ()) = tokio::join!(join_all(sends), async {
        app.until_lock_waiters(20).await;
        held.release().await;
    });
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");

    assert_eq!(
        booking(&app, &token, &id).await,
        json!({"status": "CONFIRMED", "paid": 322000, "amountDue": 0, "refundDue": null, "holdExpiresAt": null})
    );
    let once = |sql: &'static str| app.rows("alpha", sql);
    assert_eq!(
        once("SELECT count(*) || ' ' || sum(amount) FROM booking_payments").await,
        ["1 322000"]
    );
    assert_eq!(
        once("SELECT count(*)::text FROM notifications WHERE booking_id IS NOT NULL AND kind = 'RECEIPT'")
            .await,
        ["1"],
        "one receipt"
    );
    assert_eq!(once("SELECT status FROM midtrans_orders").await, ["PAID"]);

    // Nothing left to pay; a cancellation before the deadline owes everything back.
    let again = app
        .gql(Some("alpha"), Some(&token), PAY, json!({"b": id}))
        .await;
    assert_eq!(crate::app::code(&again), "BAD_USER_INPUT", "{again}");
    let cancelled = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!) { cancelBooking(id: $b) { status refundDue } }",
            json!({"b": id}),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelBooking"],
        json!({"status": "CANCELLED", "refundDue": 322000}),
        "{cancelled}"
    );
}

#[tokio::test]
async fn a_booking_charged_to_the_bill_is_on_the_next_generated_bill_exactly_once() {
    let (app, _fake, _sink) = billing_app_with(|_| {}).await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (token, unit) = resident(&app).await;
    // 90 min × 100 000 / h = 150 000 + PPN 11% 16 500, deposit 50 000: 216 500.
    let court = facility(
        &app,
        &manager,
        json!({"name": "Court", "kind": "EXCLUSIVE", "capacity": 4, "pricing": "HOURLY",
               "rate": 100000, "deposit": 50000, "ppnRateBp": 1100, "payment": "NEXT_BILL",
               "slotMinutes": 30, "minMinutes": 60, "maxMinutes": 180}),
    )
    .await;
    let d = day();
    let billed = booking_id(
        &book(
            &app,
            &token,
            &court,
            unit,
            &at(d, "08:00", "+07:00"),
            &at(d, "09:30", "+07:00"),
            2,
        )
        .await,
    );
    assert_eq!(
        booking(&app, &token, &billed).await,
        json!({"status": "CONFIRMED", "paid": 216500, "amountDue": 0, "refundDue": null, "holdExpiresAt": null})
    );
    // A second one, cancelled before any bill: its charge is withdrawn, nothing owed back.
    let withdrawn = booking_id(
        &book(
            &app,
            &token,
            &court,
            unit,
            &at(d, "10:00", "+07:00"),
            &at(d, "11:00", "+07:00"),
            2,
        )
        .await,
    );
    let cancel = "mutation($b: ID!) { cancelBooking(id: $b) { status paid refundDue } }";
    let body = app
        .gql(Some("alpha"), Some(&token), cancel, json!({"b": withdrawn}))
        .await;
    assert_eq!(
        body["data"]["cancelBooking"],
        json!({"status": "CANCELLED", "paid": 0, "refundDue": 0}),
        "{body}"
    );
    let pay = app
        .gql(Some("alpha"), Some(&token), PAY, json!({"b": billed}))
        .await;
    assert_eq!(
        crate::app::code(&pay),
        "BAD_USER_INPUT",
        "not a Midtrans facility"
    );

    let items_of = |bills: &[Value]| -> Vec<Value> {
        bills
            .iter()
            .filter(|b| row_of(&b["unit"]["id"]) == unit)
            .flat_map(|b| b["items"].as_array().unwrap().clone())
            .collect()
    };
    let job = app.generate_bills("alpha", &manager, PERIOD).await;
    assert_eq!(job["status"], "DONE", "{job}");
    let bills = bills_of(&app, "alpha", &manager).await;
    let ours: Vec<&Value> = bills
        .iter()
        .filter(|b| row_of(&b["unit"]["id"]) == unit)
        .collect();
    assert_eq!(ours.len(), 1);
    let items = items_of(&bills);
    let total: i64 = items
        .iter()
        .map(|i| i["amount"].as_i64().unwrap() + i["ppn"].as_i64().unwrap())
        .sum();
    assert_eq!(ours[0]["total"], total, "the bill is the sum of its items");
    let charged = app
        .rows(
            "alpha",
            &format!(
                "SELECT b.id::text || ' ' || count(*) || ' ' || sum(c.amount + c.ppn) FROM booking_charges c \
                 JOIN bills b ON b.id = c.bill_id WHERE c.booking_id = {} GROUP BY b.id",
                row_of(&json!(billed))
            ),
        )
        .await;
    assert_eq!(
        charged,
        [format!("{} 2 216500", row_of(&ours[0]["id"]))],
        "the quote line and the deposit, on this bill"
    );

    // Regenerating the period and generating the next one bill it no more.
    app.generate_bills("alpha", &manager, PERIOD).await;
    app.generate_bills("alpha", &manager, "2026-11").await;
    let bills = bills_of(&app, "alpha", &manager).await;
    let next: Vec<&Value> = bills
        .iter()
        .filter(|b| row_of(&b["unit"]["id"]) == unit && b["period"] == "2026-11")
        .collect();
    assert_eq!(next.len(), 1);
    assert_eq!(
        app.rows(
            "alpha",
            "SELECT count(*)::text FROM bill_items WHERE description LIKE 'Court %'"
        )
        .await,
        ["2"],
        "the booking's two items, once, on the first bill"
    );

    // Cancelled once billed: the charge stays on the bill, and what is owed back is recorded.
    let body = app
        .gql(Some("alpha"), Some(&token), cancel, json!({"b": billed}))
        .await;
    assert_eq!(
        body["data"]["cancelBooking"],
        json!({"status": "CANCELLED", "paid": 216500, "refundDue": 216500}),
        "{body}"
    );
}

/// A clubhouse booking of the first resident (322 000: 222 000 with PPN and a 100 000
/// deposit), paid through the fake Midtrans: the booking's id and its order id.
async fn paid_clubhouse(
    app: &TestApp,
    manager: &str,
    token: &str,
    unit: i64,
    extra: Value,
) -> (String, String) {
    let mut input = json!({"name": "Clubhouse", "kind": "EXCLUSIVE", "capacity": 80,
        "pricing": "HOURLY", "rate": 200000, "deposit": 100000, "ppnRateBp": 1100});
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    let hall = facility(app, manager, input).await;
    let d = day();
    let id = booking_id(
        &book(
            app,
            token,
            &hall,
            unit,
            &at(d, "18:00", "+07:00"),
            &at(d, "19:00", "+07:00"),
            30,
        )
        .await,
    );
    let body = app
        .gql(Some("alpha"), Some(token), PAY, json!({"b": id}))
        .await;
    let order = body["data"]["payBooking"]["orderId"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    assert_eq!(
        webhook(
            app,
            &notification(SERVER_KEY, &order, "322000.00", "settlement")
        )
        .await,
        (200, json!({"status": "applied"}))
    );
    (id, order)
}

/// Posts a notification to the webhook: HTTP status and answer.
async fn webhook(app: &TestApp, body: &Value) -> (u16, Value) {
    let resp = app
        .client()
        .post(app.url("/webhooks/midtrans"))
        .json(body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// A signed `refund`/`partial_refund` of the clubhouse order: its refunds gave back
/// `refunded` so far, in all.
fn refund(order: &str, status: &str, refunded: i64) -> Value {
    let mut body = notification(SERVER_KEY, order, "322000.00", status);
    body["refund_amount"] = json!(format!("{refunded}.00"));
    body
}

const MONEY: &str = "query($b: ID!) { booking(id: $b) { status paid refundDue \
    refunds { amount source orderId } } }";

/// Status, paid, refundDue and the refunds' amounts, as the household sees them.
async fn money(app: &TestApp, token: &str, id: &str) -> (String, i64, Option<i64>, Vec<i64>) {
    let body = app
        .gql(Some("alpha"), Some(token), MONEY, json!({"b": id}))
        .await;
    let b = &body["data"]["booking"];
    let refunds = b["refunds"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|r| {
            assert_eq!(r["source"], "MIDTRANS", "{body}");
            assert!(
                r["orderId"].as_str().unwrap().starts_with("alpha.bk"),
                "{body}"
            );
            r["amount"].as_i64().unwrap()
        })
        .collect();
    (
        b["status"].as_str().unwrap().to_owned(),
        b["paid"].as_i64().unwrap(),
        b["refundDue"].as_i64(),
        refunds,
    )
}

#[tokio::test]
async fn midtrans_refunds_of_a_booking_are_records_that_take_back_paid_and_refund_due_once() {
    let (app, _fake, _sink) = billing_app_with(|_| {}).await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (token, unit) = resident(&app).await;
    let (id, order) = paid_clubhouse(&app, &manager, &token, unit, json!({})).await;
    // Cancelled before the deadline: everything is owed back.
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!) { cancelBooking(id: $b) { refundDue } }",
            json!({"b": id}),
        )
        .await;
    assert_eq!(body["data"]["cancelBooking"]["refundDue"], 322000, "{body}");
    let cancelled =
        |paid, due, refunds: &[i64]| ("CANCELLED".to_owned(), paid, Some(due), refunds.to_vec());

    // The office gives back Rp 100,000 in Midtrans: a refund of its own, once.
    let first = refund(&order, "partial_refund", 100_000);
    assert_eq!(
        webhook(&app, &first).await,
        (200, json!({"status": "REFUNDED"}))
    );
    assert_eq!(
        money(&app, &token, &id).await,
        cancelled(222_000, 222_000, &[100_000])
    );
    assert_eq!(
        webhook(&app, &first).await,
        (200, json!({"status": "ignored"}))
    );
    assert_eq!(
        money(&app, &token, &id).await,
        cancelled(222_000, 222_000, &[100_000])
    );

    // A second partial refund (150,000 more, 250,000 in all), then the first one late.
    let second = refund(&order, "partial_refund", 250_000);
    assert_eq!(
        webhook(&app, &second).await,
        (200, json!({"status": "REFUNDED"}))
    );
    assert_eq!(
        webhook(&app, &first).await,
        (200, json!({"status": "ignored"}))
    );
    assert_eq!(
        money(&app, &token, &id).await,
        cancelled(72_000, 72_000, &[100_000, 150_000])
    );

    // More than the order is refused; the rest, as a full refund, empties the booking.
    let over = refund(&order, "partial_refund", 322_001);
    assert_eq!(webhook(&app, &over).await.0, 400);
    let rest = notification(SERVER_KEY, &order, "322000.00", "refund");
    assert_eq!(
        webhook(&app, &rest).await,
        (200, json!({"status": "REFUNDED"}))
    );
    assert_eq!(
        webhook(&app, &rest).await,
        (200, json!({"status": "ignored"}))
    );
    assert_eq!(
        money(&app, &token, &id).await,
        cancelled(0, 0, &[100_000, 150_000, 72_000])
    );
    assert_eq!(
        app.rows(
            "alpha",
            "SELECT count(*) || ' ' || sum(amount) FROM booking_refunds"
        )
        .await,
        ["3 322000"]
    );
}

#[tokio::test]
async fn a_refund_beyond_what_is_owed_back_leaves_refund_due_at_zero() {
    let (app, _fake, _sink) = billing_app_with(|_| {}).await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (token, unit) = resident(&app).await;
    // The deadline is long past: a manager's cancellation owes back the deposit only.
    let (id, order) = paid_clubhouse(
        &app,
        &manager,
        &token,
        unit,
        json!({"cancellationDeadlineHours": 8760}),
    )
    .await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation($b: ID!) { cancelBooking(id: $b) { refundDue } }",
            json!({"b": id}),
        )
        .await;
    assert_eq!(body["data"]["cancelBooking"]["refundDue"], 100000, "{body}");

    // Midtrans gives back 150,000 (the office was generous): paid drops by all of it,
    // what is still owed back by no more than was owed.
    let partial = refund(&order, "partial_refund", 150_000);
    assert_eq!(
        webhook(&app, &partial).await,
        (200, json!({"status": "REFUNDED"}))
    );
    assert_eq!(
        money(&app, &token, &id).await,
        ("CANCELLED".to_owned(), 172_000, Some(0), vec![150_000])
    );
}

/// The README's walk-through: pay on the fake's page, cancel, give back from "Midtrans".
#[tokio::test]
async fn a_booking_paid_and_refunded_through_the_fake_midtrans() {
    let (app, fake, _sink) = billing_app_with(|_| {}).await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (token, unit) = resident(&app).await;
    let hall = facility(
        &app,
        &manager,
        json!({"name": "Clubhouse", "kind": "EXCLUSIVE", "capacity": 80, "pricing": "HOURLY",
               "rate": 200000, "deposit": 100000, "ppnRateBp": 1100}),
    )
    .await;
    let d = day();
    let id = booking_id(
        &book(
            &app,
            &token,
            &hall,
            unit,
            &at(d, "18:00", "+07:00"),
            &at(d, "19:00", "+07:00"),
            30,
        )
        .await,
    );
    let body = app
        .gql(Some("alpha"), Some(&token), PAY, json!({"b": id}))
        .await;
    let page = body["data"]["payBooking"]["redirectUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    assert!(page.starts_with(&fake.base_url()));
    let post = |path: String| {
        let client = app.client().clone();
        async move {
            let resp = client.post(path).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 200);
            resp.json::<Value>().await.unwrap()
        }
    };
    let paid = post(format!("{page}/pay")).await;
    assert_eq!(
        paid["notifications"],
        json!(["pending: 200 OK", "settlement: 200 OK"])
    );
    assert_eq!(
        money(&app, &token, &id).await,
        ("CONFIRMED".to_owned(), 322_000, None, vec![])
    );
    let body = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!) { cancelBooking(id: $b) { refundDue } }",
            json!({"b": id}),
        )
        .await;
    assert_eq!(body["data"]["cancelBooking"]["refundDue"], 322000, "{body}");

    let partial = post(format!("{page}/refund?amount=22000")).await;
    assert_eq!(partial["notifications"], json!(["partial_refund: 200 OK"]));
    assert_eq!(
        money(&app, &token, &id).await,
        ("CANCELLED".to_owned(), 300_000, Some(300_000), vec![22_000])
    );
    let rest = post(format!("{page}/refund")).await;
    assert_eq!(rest["notifications"], json!(["refund: 200 OK"]));
    assert_eq!(
        money(&app, &token, &id).await,
        ("CANCELLED".to_owned(), 0, Some(0), vec![22_000, 300_000])
    );
}

#[tokio::test]
async fn racing_refund_notifications_of_a_booking_give_back_exactly_what_midtrans_did() {
    let (app, _fake, _sink) = billing_app_with(|c| c.db_pool_size = 24).await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let (token, unit) = resident(&app).await;
    let (id, order) = paid_clubhouse(&app, &manager, &token, unit, json!({})).await;

    // 20 deliveries of two partial refunds (100,000, then 200,000 in all) wait on the
    // order's row, then race.
    let held = app
        .hold(&format!(
            "SELECT 1 FROM t_alpha.midtrans_orders WHERE order_id = '{order}' FOR UPDATE"
        ))
        .await;
    let storm: Vec<Value> = (0..20)
        .map(|i| {
            refund(
                &order,
                "partial_refund",
                if i % 2 == 0 { 100_000 } else { 200_000 },
            )
        })
        .collect();
    let (answers, ()) = tokio::join!(join_all(storm.iter().map(|b| webhook(&app, b))), async {
        app.until_lock_waiters(20).await;
        held.release().await;
    });
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    let applied = answers
        .iter()
        .filter(|(_, a)| a["status"] == "REFUNDED")
        .count();
    assert!((1..=2).contains(&applied), "{answers:?}");

    let (status, paid, due, refunds) = money(&app, &token, &id).await;
    assert_eq!((status.as_str(), paid, due), ("CONFIRMED", 122_000, None));
    assert_eq!(refunds.iter().sum::<i64>(), 200_000, "{refunds:?}");
    assert_eq!(refunds.len(), applied);
}
