//! Bookings live: `facilityAvailability` follows one facility's day as other clients book
//! and cancel, the hold-expiry job frees a slot through the real job path, and
//! `bookingUpdated` follows one booking for its household and staff only.

use serde_json::{Value, json};

use crate::app::{TestApp, row_of};
use crate::bookings::{at, book, court, day, facility};
use crate::live::{Ws, resident_tokens};

const SLOTS: &str = "subscription($f: ID!, $d: NaiveDate!) { facilityAvailability(facilityId: $f, date: $d) { startsAt remaining available } }";
const UPDATED: &str =
    "subscription($b: ID!) { bookingUpdated(id: $b) { id status amountDue refundDue reason } }";
const CANCEL: &str =
    "mutation($id: ID!, $r: String) { cancelBooking(id: $id, reason: $r) { status } }";

/// The next `next` message's data for subscription `id`.
async fn next(ws: &mut Ws, id: &str, field: &str) -> Value {
    let message = ws.recv().await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], id, "{message}");
    message["payload"]["data"][field].clone()
}

/// The 10:00 slot of a day open from 06:00.
fn ten(slots: &Value) -> Value {
    slots[4].clone()
}

/// Two households' units, in resident order.
async fn homes(app: &TestApp) -> Vec<i64> {
    app.rows(
        "alpha",
        "SELECT unit_id::text FROM resident_units WHERE ends_on IS NULL ORDER BY resident_id LIMIT 2",
    )
    .await
    .iter()
    .map(|v| v.parse().unwrap())
    .collect()
}

fn booking_id(body: &Value) -> String {
    body["data"]["createBooking"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

#[tokio::test]
async fn a_watched_slot_disappears_when_another_household_books_it_and_returns_on_cancel() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let court = facility(&app, &manager, court()).await;
    let tokens = resident_tokens(&app, "alpha", 2).await;
    let homes = homes(&app).await;
    let d = day();

    let mut ws = Ws::ready(&app, &tokens[1]).await;
    ws.subscribe("s", SLOTS, json!({"f": court, "d": d.to_string()}))
        .await;
    let now = next(&mut ws, "s", "facilityAvailability").await;
    assert_eq!(now.as_array().map(Vec::len), Some(16), "{now}");
    assert_eq!(ten(&now)["remaining"], 4, "{now}");
    assert_eq!(ten(&now)["available"], true);

    // Another household books 10:00: the subscriber sees the slot taken.
    let booked = book(
        &app,
        &tokens[0],
        &court,
        homes[0],
        &at(d, "10:00", "+07:00"),
        &at(d, "11:00", "+07:00"),
        2,
    )
    .await;
    let id = booking_id(&booked);
    let taken = next(&mut ws, "s", "facilityAvailability").await;
    assert_eq!(ten(&taken)["remaining"], 0, "{taken}");
    assert_eq!(ten(&taken)["available"], false);
    assert_eq!(taken[5], now[5], "only the booked slot changed");

    // The booker cancels: the slot is free again.
    let cancelled = app
        .gql(
            Some("alpha"),
            Some(&tokens[0]),
            CANCEL,
            json!({"id": id, "r": "rain"}),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelBooking"]["status"], "CANCELLED",
        "{cancelled}"
    );
    let free = next(&mut ws, "s", "facilityAvailability").await;
    assert_eq!(free, now, "back as it was");
}

#[tokio::test]
async fn the_hold_expiry_job_frees_an_unpaid_slot_and_tells_watchers() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let court = facility(
        &app,
        &manager,
        json!({"name": "Court", "kind": "EXCLUSIVE", "capacity": 4, "pricing": "HOURLY",
               "rate": 50000, "holdMinutes": 15}),
    )
    .await;
    let tokens = resident_tokens(&app, "alpha", 2).await;
    let homes = homes(&app).await;
    let d = day();
    let (from, to) = (at(d, "10:00", "+07:00"), at(d, "11:00", "+07:00"));
    let booked = book(&app, &tokens[0], &court, homes[0], &from, &to, 2).await;
    assert_eq!(
        booked["data"]["createBooking"]["status"], "PENDING_PAYMENT",
        "{booked}"
    );
    let id = booking_id(&booked);
    // Someone else's hold, not yet lapsed, stays.
    let kept = booking_id(
        &book(
            &app,
            &tokens[1],
            &court,
            homes[1],
            &at(d, "12:00", "+07:00"),
            &at(d, "13:00", "+07:00"),
            2,
        )
        .await,
    );

    let mut ws = Ws::ready(&app, &tokens[1]).await;
    ws.subscribe("s", SLOTS, json!({"f": court, "d": d.to_string()}))
        .await;
    let before = next(&mut ws, "s", "facilityAvailability").await;
    assert_eq!(ten(&before)["available"], false);
    let mut own = Ws::ready(&app, &tokens[0]).await;
    own.subscribe("b", UPDATED, json!({"b": id})).await;
    assert_eq!(
        next(&mut own, "b", "bookingUpdated").await["status"],
        "PENDING_PAYMENT"
    );

    // Nothing lapsed yet: the scheduler enqueues nothing.
    klustera::jobs::scheduler::tick(&app.state.db)
        .await
        .unwrap();
    let jobs = "SELECT count(*)::text FROM control.jobs WHERE kind = 'bookings.expire_holds'";
    assert_eq!(app.rows("alpha", jobs).await, ["0"]);

    app.sql(
        "alpha",
        &format!(
            "UPDATE bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = {}",
            row_of(&json!(id))
        ),
    )
    .await;
    klustera::jobs::scheduler::tick(&app.state.db)
        .await
        .unwrap();
    app.run_jobs().await;
    let runs = app
        .rows(
            "alpha",
            "SELECT status || ' ' || progress::text FROM control.jobs WHERE kind = 'bookings.expire_holds'",
        )
        .await;
    assert_eq!(runs, [r#"DONE {"expired": 1}"#]);

    let after = next(&mut ws, "s", "facilityAvailability").await;
    assert_eq!(ten(&after)["available"], true, "{after}");
    assert_eq!(after[6], before[6], "the other hold still holds 12:00");
    assert_eq!(after[6]["available"], false);
    assert_eq!(
        next(&mut own, "b", "bookingUpdated").await["status"],
        "EXPIRED"
    );
    let kept = app
        .rows(
            "alpha",
            &format!(
                "SELECT status FROM bookings WHERE id = {}",
                row_of(&json!(kept))
            ),
        )
        .await;
    assert_eq!(kept, ["PENDING_PAYMENT"]);

    // The freed slot can be booked again.
    let again = book(&app, &tokens[1], &court, homes[1], &from, &to, 2).await;
    assert_eq!(
        again["data"]["createBooking"]["status"], "PENDING_PAYMENT",
        "{again}"
    );
}

#[tokio::test]
async fn a_booking_is_watched_by_its_household_and_staff_only() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let security = app.login("alpha", "satpam@alpha.test").await.0;
    let court = facility(&app, &manager, court()).await;
    let tokens = resident_tokens(&app, "alpha", 2).await;
    let homes = homes(&app).await;
    let d = day();
    let id = booking_id(
        &book(
            &app,
            &tokens[0],
            &court,
            homes[0],
            &at(d, "10:00", "+07:00"),
            &at(d, "11:00", "+07:00"),
            2,
        )
        .await,
    );

    let mut other = Ws::ready(&app, &tokens[1]).await;
    other.subscribe("b", UPDATED, json!({"b": id})).await;
    let error = other.recv().await;
    assert_eq!(error["type"], "error", "{error}");
    assert_eq!(
        error["payload"][0]["extensions"]["code"], "NOT_FOUND",
        "{error}"
    );

    let first =
        json!({"id": id, "status": "CONFIRMED", "amountDue": 0, "refundDue": null, "reason": null});
    let mut own = Ws::ready(&app, &tokens[0]).await;
    own.subscribe("b", UPDATED, json!({"b": id})).await;
    assert_eq!(next(&mut own, "b", "bookingUpdated").await, first);
    let mut guard = Ws::ready(&app, &security).await;
    guard.subscribe("b", UPDATED, json!({"b": id})).await;
    assert_eq!(next(&mut guard, "b", "bookingUpdated").await, first);

    let cancelled = app
        .gql(
            Some("alpha"),
            Some(&manager),
            CANCEL,
            json!({"id": id, "r": "court repairs"}),
        )
        .await;
    assert!(cancelled["errors"].is_null(), "{cancelled}");
    let expected = json!({"id": id, "status": "CANCELLED", "amountDue": 0, "refundDue": 0, "reason": "court repairs"});
    assert_eq!(next(&mut own, "b", "bookingUpdated").await, expected);
    assert_eq!(next(&mut guard, "b", "bookingUpdated").await, expected);
}
