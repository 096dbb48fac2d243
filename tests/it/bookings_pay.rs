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
