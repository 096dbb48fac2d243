//! Facility bookings: never double-booked (decided by PostgreSQL, races made certain),
//! capacity and quotas under concurrency, local time zones, residents' visibility.

use chrono::{Duration, NaiveDate, Utc};
use futures::future::join_all;
use serde_json::{Value, json};

use crate::app::{TestApp, code, gid};
use crate::live::resident_tokens;

const FACILITY: &str = "mutation($i: FacilityInput!) { createFacility(input: $i) { id } }";
const SCHEDULE: &str = "mutation($f: ID!, $h: [OpeningHoursInput!]!) { setFacilitySchedule(facilityId: $f, hours: $h) { weekday } }";
const BOOK: &str = "mutation($i: BookingInput!) { createBooking(input: $i) { id status total deposit partySize } }";

/// A day a few days ahead (local dates differ from UTC by at most a day).
pub fn day() -> NaiveDate {
    Utc::now().date_naive() + Duration::days(3)
}

/// `day` at `hh:mm` with the offset of the tenant's zone.
pub fn at(day: NaiveDate, hhmm: &str, offset: &str) -> String {
    format!("{day}T{hhmm}:00{offset}")
}

/// A manager's facility open every day 06:00-22:00; returns its id.
pub async fn facility(app: &TestApp, token: &str, input: Value) -> String {
    let body = app
        .gql(Some("alpha"), Some(token), FACILITY, json!({"i": input}))
        .await;
    let id = body["data"]["createFacility"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let hours: Vec<Value> = (1..=7)
        .map(|d| json!({"weekday": d, "opens": "06:00", "closes": "22:00"}))
        .collect();
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            SCHEDULE,
            json!({"f": id, "h": hours}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    id
}

pub fn court() -> Value {
    json!({"name": "Tennis court", "kind": "EXCLUSIVE", "capacity": 4, "pricing": "FREE",
           "minMinutes": 60, "maxMinutes": 180})
}

pub async fn book(
    app: &TestApp,
    token: &str,
    facility: &str,
    unit: i64,
    from: &str,
    to: &str,
    party: i64,
) -> Value {
    app.gql(
        Some("alpha"),
        Some(token),
        BOOK,
        json!({"i": {"facilityId": facility, "unitId": gid("Unit", unit), "startsAt": from,
                     "endsAt": to, "partySize": party}}),
    )
    .await
}

pub async fn unit_ids(app: &TestApp, n: usize) -> Vec<i64> {
    app.rows(
        "alpha",
        &format!("SELECT id::text FROM units ORDER BY id LIMIT {n}"),
    )
    .await
    .iter()
    .map(|v| v.parse().unwrap())
    .collect()
}

/// A test app whose operations' pool lets 50 requests wait on a lock at once.
async fn wide_app() -> TestApp {
    TestApp::spawn_with(|c| c.db_pool_size = 56).await
}

#[tokio::test]
async fn fifty_bookings_of_one_exclusive_slot_one_wins_and_the_others_hear_which_slot() {
    let app = wide_app().await;
    app.tenant("alpha", 50, 2).await;
    let manager = app.manager_token("alpha").await;
    let court = facility(&app, &manager, court()).await;
    let units = unit_ids(&app, 50).await;
    let (from, to) = (at(day(), "10:00", "+07:00"), at(day(), "11:00", "+07:00"));

    // Every request gets as far as its insert and waits; the inserts then race.
    let held = app.hold("LOCK TABLE t_alpha.bookings IN SHARE MODE").await;
    let requests = units
        .iter()
        .map(|u| book(&app, &manager, &court, *u, &from, &to, 2));
    let (answers, ()) = tokio::join!(join_all(requests), async {
        app.until_lock_waiters(50).await;
        held.release().await;
    });

    let ok = answers.iter().filter(|a| a["errors"].is_null()).count();
    let conflicts: Vec<&Value> = answers.iter().filter(|a| !a["errors"].is_null()).collect();
    assert_eq!(ok, 1, "exactly one booking of the slot");
    assert_eq!(conflicts.len(), 49);
    for c in &conflicts {
        assert_eq!(code(c), "CONFLICT", "{c}");
        let message = c["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("Tennis court") && message.contains("10:00 to 11:00"),
            "{message}"
        );
    }
    let held = app
        .rows(
            "alpha",
            "SELECT count(*)::text FROM bookings WHERE status = 'CONFIRMED'",
        )
        .await;
    assert_eq!(held, ["1"]);
}

#[tokio::test]
async fn a_shared_pool_of_30_takes_at_most_7_parties_of_4_however_many_race() {
    let app = wide_app().await;
    app.tenant("alpha", 50, 2).await;
    let manager = app.manager_token("alpha").await;
    let pool = facility(
        &app,
        &manager,
        json!({"name": "Pool", "kind": "SHARED", "capacity": 30, "pricing": "FREE"}),
    )
    .await;
    let units = unit_ids(&app, 50).await;
    let (from, to) = (at(day(), "08:00", "+07:00"), at(day(), "09:00", "+07:00"));

    let held = app.hold("LOCK TABLE t_alpha.bookings IN SHARE MODE").await;
    let requests = units
        .iter()
        .map(|u| book(&app, &manager, &pool, *u, &from, &to, 4));
    let (answers, ()) = tokio::join!(join_all(requests), async {
        app.until_lock_waiters(50).await;
        held.release().await;
    });

    let ok = answers.iter().filter(|a| a["errors"].is_null()).count();
    assert_eq!(ok, 7, "7 × 4 = 28 of 30 places");
    for a in answers.iter().filter(|a| !a["errors"].is_null()) {
        assert_eq!(code(a), "CONFLICT", "{a}");
    }
    let people = app
        .rows(
            "alpha",
            "SELECT COALESCE(sum(party_size), 0)::text FROM bookings WHERE status <> 'CANCELLED'",
        )
        .await;
    assert_eq!(people, ["28"]);
    // What is left shows in the slot's availability.
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "query($f: ID!, $d: NaiveDate!) { availability(facilityId: $f, from: $d, to: $d) { startsAt remaining available } }",
            json!({"f": pool, "d": day().to_string()}),
        )
        .await;
    let slots = body["data"]["availability"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(slots.len(), 16, "06:00 to 22:00 in hours");
    assert_eq!(slots[2]["remaining"], 2, "{}", slots[2]);
    assert_eq!(slots[3]["remaining"], 30);
}

#[tokio::test]
async fn overlapping_ranges_conflict_and_touching_ones_do_not() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 4, 2).await;
    let manager = app.manager_token("alpha").await;
    let court = facility(&app, &manager, court()).await;
    let u = unit_ids(&app, 4).await;
    let d = day();
    let first = book(
        &app,
        &manager,
        &court,
        u[0],
        &at(d, "10:00", "+07:00"),
        &at(d, "12:00", "+07:00"),
        2,
    )
    .await;
    assert_eq!(
        first["data"]["createBooking"]["status"], "CONFIRMED",
        "{first}"
    );
    let overlapping = book(
        &app,
        &manager,
        &court,
        u[1],
        &at(d, "11:00", "+07:00"),
        &at(d, "13:00", "+07:00"),
        2,
    )
    .await;
    assert_eq!(code(&overlapping), "CONFLICT", "{overlapping}");
    let inside = book(
        &app,
        &manager,
        &court,
        u[1],
        &at(d, "10:00", "+07:00"),
        &at(d, "11:00", "+07:00"),
        2,
    )
    .await;
    assert_eq!(code(&inside), "CONFLICT", "{inside}");
    let after = book(
        &app,
        &manager,
        &court,
        u[2],
        &at(d, "12:00", "+07:00"),
        &at(d, "13:00", "+07:00"),
        2,
    )
    .await;
    assert!(after["errors"].is_null(), "touching after: {after}");
    let before = book(
        &app,
        &manager,
        &court,
        u[3],
        &at(d, "09:00", "+07:00"),
        &at(d, "10:00", "+07:00"),
        2,
    )
    .await;
    assert!(before["errors"].is_null(), "touching before: {before}");
    // Off the grid, too short, outside hours: typed input errors naming the field.
    let off_grid = book(
        &app,
        &manager,
        &court,
        u[3],
        &at(d, "14:30", "+07:00"),
        &at(d, "15:30", "+07:00"),
        2,
    )
    .await;
    assert_eq!(code(&off_grid), "BAD_USER_INPUT");
    assert_eq!(off_grid["errors"][0]["extensions"]["field"], "startsAt");
    let late = book(
        &app,
        &manager,
        &court,
        u[3],
        &at(d, "21:00", "+07:00"),
        &at(d, "23:00", "+07:00"),
        2,
    )
    .await;
    assert_eq!(code(&late), "BAD_USER_INPUT", "{late}");
}

#[tokio::test]
async fn a_units_weekly_quota_holds_when_its_bookings_race() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let mut input = court();
    input["weeklyQuotaMinutes"] = json!(120);
    let court = facility(&app, &manager, input).await;
    let u = unit_ids(&app, 1).await[0];
    let d = day();

    let [m1, m2, a1, a2] = ["08:00", "10:00", "14:00", "16:00"].map(|t| at(d, t, "+07:00"));
    let held = app.hold("LOCK TABLE t_alpha.bookings IN SHARE MODE").await;
    let (a, b, ()) = tokio::join!(
        book(&app, &manager, &court, u, &m1, &m2, 1),
        book(&app, &manager, &court, u, &a1, &a2, 1),
        async {
            app.until_lock_waiters(2).await;
            held.release().await;
        }
    );
    let answers = [a, b];
    let ok = answers.iter().filter(|a| a["errors"].is_null()).count();
    assert_eq!(
        ok, 1,
        "120 minutes a week: one two-hour booking, {answers:?}"
    );
    let refused = answers.iter().find(|a| !a["errors"].is_null()).unwrap();
    assert_eq!(code(refused), "CONFLICT");
}

#[tokio::test]
async fn a_wit_tenants_six_oclock_is_nine_pm_utc_the_day_before() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    app.sql(
        "alpha",
        "UPDATE control.tenants SET time_zone = 'Asia/Jayapura' WHERE slug = 'alpha'",
    )
    .await;
    let manager = app.manager_token("alpha").await;
    let court = facility(&app, &manager, court()).await;
    let u = unit_ids(&app, 1).await[0];
    let d = day();

    // The first slot of the local day starts at 21:00 UTC the day before.
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "query($f: ID!, $d: NaiveDate!) { availability(facilityId: $f, from: $d, to: $d) { startsAt } }",
            json!({"f": court, "d": d.to_string()}),
        )
        .await;
    let first = body["data"]["availability"][0]["startsAt"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"));
    let first = chrono::DateTime::parse_from_rfc3339(first)
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(
        first.to_rfc3339(),
        format!("{}T21:00:00+00:00", d - Duration::days(1))
    );

    // 06:00 WIT given in UTC is inside opening hours; 05:00 WIT is not.
    let utc = |t: &str| format!("{}T{t}:00Z", d - Duration::days(1));
    let open = book(&app, &manager, &court, u, &utc("21:00"), &utc("22:00"), 1).await;
    assert!(open["errors"].is_null(), "{open}");
    let early = book(&app, &manager, &court, u, &utc("20:00"), &utc("21:00"), 1).await;
    assert_eq!(code(&early), "BAD_USER_INPUT", "{early}");
    assert!(
        early["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("opening hours")
    );

    // A closure on the local date closes the slot that is the day before in UTC.
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation($f: ID!, $d: NaiveDate!) { addFacilityClosure(facilityId: $f, startsOn: $d, endsOn: $d, reason: \"Lebaran\") { id } }",
            json!({"f": court, "d": d.to_string()}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let closed = book(
        &app,
        &manager,
        &court,
        u,
        &utc("23:00"),
        &format!("{d}T00:00:00Z"),
        1,
    )
    .await;
    assert_eq!(code(&closed), "BAD_USER_INPUT", "{closed}");
    assert!(
        closed["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Lebaran")
    );
}

#[tokio::test]
async fn residents_see_other_households_bookings_only_as_taken_slots() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let court = facility(&app, &manager, court()).await;
    let tokens = resident_tokens(&app, "alpha", 2).await;
    let homes: Vec<i64> = app
        .rows(
            "alpha",
            "SELECT unit_id::text FROM resident_units WHERE ends_on IS NULL ORDER BY resident_id LIMIT 2",
        )
        .await
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_ne!(homes[0], homes[1], "two households");
    let d = day();
    let (from, to) = (at(d, "10:00", "+07:00"), at(d, "11:00", "+07:00"));

    // Not for another household's unit.
    let theirs = book(&app, &tokens[0], &court, homes[1], &from, &to, 2).await;
    assert_eq!(code(&theirs), "FORBIDDEN", "{theirs}");
    let mine = book(&app, &tokens[0], &court, homes[0], &from, &to, 2).await;
    let id = mine["data"]["createBooking"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{mine}"))
        .to_owned();

    // The other household: not the booking, not in the calendar, not cancellable ...
    let read = app
        .gql(
            Some("alpha"),
            Some(&tokens[1]),
            "query($id: ID!) { booking(id: $id) { note } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(code(&read), "NOT_FOUND");
    let calendar =
        "query($f: DateTime!, $t: DateTime!) { bookings(filter: {from: $f, to: $t}) { id } }";
    let window =
        json!({"f": at(d, "00:00", "+07:00"), "t": at(d + Duration::days(1), "00:00", "+07:00")});
    let body = app
        .gql(Some("alpha"), Some(&tokens[1]), calendar, window.clone())
        .await;
    assert_eq!(body["data"]["bookings"], json!([]), "{body}");
    let cancel = app
        .gql(
            Some("alpha"),
            Some(&tokens[1]),
            "mutation($id: ID!) { cancelBooking(id: $id) { status } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(code(&cancel), "NOT_FOUND");
    // ... only that the slot is taken.
    let body = app
        .gql(
            Some("alpha"),
            Some(&tokens[1]),
            "query($f: ID!, $d: NaiveDate!) { availability(facilityId: $f, from: $d, to: $d) { remaining available } }",
            json!({"f": court, "d": d.to_string()}),
        )
        .await;
    assert_eq!(
        body["data"]["availability"][4],
        json!({"remaining": 0, "available": false}),
        "{body}"
    );
    assert_eq!(body["data"]["availability"][5]["available"], true);

    // The booker and staff see it; the booker cancels before the deadline.
    let body = app
        .gql(Some("alpha"), Some(&manager), calendar, window)
        .await;
    assert_eq!(body["data"]["bookings"][0]["id"], id.as_str(), "{body}");
    let cancel = app
        .gql(
            Some("alpha"),
            Some(&tokens[0]),
            "mutation($id: ID!) { cancelBooking(id: $id, reason: \"rain\") { status refundDue } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        cancel["data"]["cancelBooking"],
        json!({"status": "CANCELLED", "refundDue": 0}),
        "{cancel}"
    );
}

#[tokio::test]
async fn a_priced_booking_needing_approval_is_quoted_approved_then_held_for_payment() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let security = app.login("alpha", "satpam@alpha.test").await.0;
    let hall = facility(
        &app,
        &manager,
        json!({"name": "Clubhouse", "kind": "EXCLUSIVE", "capacity": 80, "pricing": "HOURLY",
               "rate": 150000, "deposit": 500000, "ppnRateBp": 1100, "needsApproval": true,
               "slotMinutes": 30, "minMinutes": 60, "maxMinutes": 240}),
    )
    .await;
    let u = unit_ids(&app, 1).await[0];
    let d = day();
    let input = json!({"facilityId": hall, "unitId": gid("Unit", u), "startsAt": at(d, "18:00", "+07:00"),
                       "endsAt": at(d, "19:30", "+07:00"), "partySize": 40});
    let quote = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "query($i: BookingInput!) { quoteBooking(input: $i) { lines { quantity amount ppn } subtotal ppn total deposit amountDue } }",
            json!({"i": input}),
        )
        .await;
    // 90 min × 150 000 / h = 225 000; PPN 11% = 24 750.
    assert_eq!(
        quote["data"]["quoteBooking"],
        json!({"lines": [{"quantity": 90, "amount": 225000, "ppn": 24750}], "subtotal": 225000,
               "ppn": 24750, "total": 249750, "deposit": 500000, "amountDue": 749750}),
        "{quote}"
    );
    let booked = app
        .gql(Some("alpha"), Some(&manager), BOOK, json!({"i": input}))
        .await;
    assert_eq!(
        booked["data"]["createBooking"]["status"], "PENDING_APPROVAL",
        "{booked}"
    );
    let id = booked["data"]["createBooking"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let approve = "mutation($id: ID!) { approveBooking(id: $id) { status holdExpiresAt } }";
    let refused = app
        .gql(Some("alpha"), Some(&security), approve, json!({"id": id}))
        .await;
    assert_eq!(code(&refused), "FORBIDDEN");
    let approved = app
        .gql(Some("alpha"), Some(&manager), approve, json!({"id": id}))
        .await;
    assert_eq!(
        approved["data"]["approveBooking"]["status"], "PENDING_PAYMENT",
        "{approved}"
    );
    assert!(approved["data"]["approveBooking"]["holdExpiresAt"].is_string());
    let again = app
        .gql(Some("alpha"), Some(&manager), approve, json!({"id": id}))
        .await;
    assert_eq!(code(&again), "CONFLICT");
}

#[tokio::test]
async fn the_days_steps_are_for_security_and_managers_and_residents_only_cancel_in_time() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let security = app.login("alpha", "satpam@alpha.test").await.0;
    let resident = resident_tokens(&app, "alpha", 1).await.remove(0);
    let home: i64 = app
        .rows(
            "alpha",
            "SELECT unit_id::text FROM resident_units WHERE ends_on IS NULL ORDER BY resident_id LIMIT 1",
        )
        .await[0]
        .parse()
        .unwrap();
    // Cancellations close 100 hours ahead: past already for a booking in three days.
    let court = facility(
        &app,
        &manager,
        json!({"name": "Court", "kind": "EXCLUSIVE", "capacity": 4, "pricing": "DAILY",
               "rate": 80000, "deposit": 20000, "cancellationDeadlineHours": 100,
               "payment": "NEXT_BILL", "minMinutes": 60, "maxMinutes": 180}),
    )
    .await;
    let d = day();
    let mut ids = Vec::new();
    for hour in ["08", "10", "12"] {
        let end = format!("{:02}", hour.parse::<u32>().unwrap() + 1);
        let body = book(
            &app,
            &resident,
            &court,
            home,
            &at(d, &format!("{hour}:00"), "+07:00"),
            &at(d, &format!("{end}:00"), "+07:00"),
            2,
        )
        .await;
        assert_eq!(
            body["data"]["createBooking"]["status"], "CONFIRMED",
            "{body}"
        );
        ids.push(
            body["data"]["createBooking"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let step = |token: &str, field: &'static str, id: &str| {
        let (token, id) = (token.to_owned(), id.to_owned());
        let app = &app;
        async move {
            app.gql(
                Some("alpha"),
                Some(&token),
                &format!("mutation($id: ID!) {{ {field}(id: $id) {{ status }} }}"),
                json!({"id": id}),
            )
            .await
        }
    };

    // Residents: none of the day's steps, no approvals; not cancelling after the deadline.
    for field in [
        "checkInBooking",
        "completeBooking",
        "markNoShow",
        "approveBooking",
    ] {
        let body = step(&resident, field, &ids[0]).await;
        assert_eq!(code(&body), "FORBIDDEN", "{field}: {body}");
    }
    let late = step(&resident, "cancelBooking", &ids[0]).await;
    assert_eq!(code(&late), "FORBIDDEN", "{late}");
    assert!(
        late["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("deadline")
    );
    // Security staff: the day's steps, in order; no approvals or rejections.
    let reject = "mutation($id: ID!) { rejectBooking(id: $id, reason: \"no\") { status } }";
    let body = app
        .gql(
            Some("alpha"),
            Some(&security),
            reject,
            json!({"id": ids[0]}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN");
    let early = step(&security, "markNoShow", &ids[0]).await;
    assert_eq!(code(&early), "CONFLICT", "not started yet: {early}");
    let done = step(&security, "completeBooking", &ids[0]).await;
    assert_eq!(code(&done), "CONFLICT", "not checked in: {done}");
    for (field, status) in [
        ("checkInBooking", "CHECKED_IN"),
        ("completeBooking", "COMPLETED"),
    ] {
        let body = step(&security, field, &ids[0]).await;
        assert_eq!(body["data"][field]["status"], status, "{body}");
    }
    let again = step(&security, "checkInBooking", &ids[0]).await;
    assert_eq!(code(&again), "CONFLICT");
    // A booking that started without anyone: a no-show.
    app.sql(
        "alpha",
        &format!(
            "UPDATE bookings SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = {}",
            crate::app::row_of(&json!(ids[1]))
        ),
    )
    .await;
    let body = step(&security, "markNoShow", &ids[1]).await;
    assert_eq!(body["data"]["markNoShow"]["status"], "NO_SHOW", "{body}");
    // Managers: cancel after the deadline (the deposit is owed back), reject only pending.
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation($id: ID!) { cancelBooking(id: $id, reason: \"storm\") { status refundDue reason } }",
            json!({"id": ids[2]}),
        )
        .await;
    assert_eq!(
        body["data"]["cancelBooking"],
        json!({"status": "CANCELLED", "refundDue": 0, "reason": "storm"}),
        "not billed yet: the charge is withdrawn, nothing to refund: {body}"
    );
    let body = app
        .gql(Some("alpha"), Some(&manager), reject, json!({"id": ids[2]}))
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
}

#[tokio::test]
async fn a_manager_rejects_a_pending_booking_with_a_reason_and_frees_its_slot() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let resident = resident_tokens(&app, "alpha", 1).await.remove(0);
    let home: i64 = app
        .rows(
            "alpha",
            "SELECT unit_id::text FROM resident_units WHERE ends_on IS NULL ORDER BY resident_id LIMIT 1",
        )
        .await[0]
        .parse()
        .unwrap();
    let mut hall = court();
    hall["name"] = json!("Hall");
    hall["needsApproval"] = json!(true);
    let hall = facility(&app, &manager, hall).await;
    let d = day();
    let (from, to) = (at(d, "10:00", "+07:00"), at(d, "11:00", "+07:00"));
    let body = book(&app, &resident, &hall, home, &from, &to, 2).await;
    assert_eq!(
        body["data"]["createBooking"]["status"], "PENDING_APPROVAL",
        "{body}"
    );
    let id = body["data"]["createBooking"]["id"].as_str().unwrap();
    let reject = "mutation($id: ID!, $r: String!) { rejectBooking(id: $id, reason: $r) { status reason refundDue } }";
    let blank = app
        .gql(
            Some("alpha"),
            Some(&manager),
            reject,
            json!({"id": id, "r": "  "}),
        )
        .await;
    assert_eq!(code(&blank), "BAD_USER_INPUT", "a rejection says why");
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            reject,
            json!({"id": id, "r": "private event"}),
        )
        .await;
    assert_eq!(
        body["data"]["rejectBooking"],
        json!({"status": "REJECTED", "reason": "private event", "refundDue": 0}),
        "{body}"
    );
    // The slot is free again.
    let again = book(&app, &manager, &hall, home, &from, &to, 2).await;
    assert_eq!(
        again["data"]["createBooking"]["status"], "PENDING_APPROVAL",
        "{again}"
    );
}

#[tokio::test]
async fn the_demo_has_a_facility_per_pricing_strategy_and_a_month_of_bookings() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 20, 30).await;
    let tx = app.bound("alpha").await;
    let made = klustera::demo::seed_facilities(&tx).await.unwrap();
    tx.commit().await.unwrap();
    assert!(made > 100, "{made} bookings");
    let manager = app.manager_token("alpha").await;
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "{ facilities { name kind pricing needsApproval } }",
            json!({}),
        )
        .await;
    let facilities = body["data"]["facilities"].as_array().unwrap();
    let mut pricings: Vec<&str> = facilities
        .iter()
        .map(|f| f["pricing"].as_str().unwrap())
        .collect();
    pricings.sort_unstable();
    assert_eq!(pricings, ["DAILY", "FREE", "HOURLY", "PER_USAGE"]);
    assert!(facilities.iter().any(|f| f["needsApproval"] == true));
    assert!(facilities.iter().any(|f| f["kind"] == "SHARED"));
    let spread = app
        .rows(
            "alpha",
            "SELECT (min(starts_at) < now() - interval '10 days' AND max(starts_at) > now() + interval '10 days')::text \
             FROM bookings",
        )
        .await;
    assert_eq!(spread, ["true"], "from two weeks back to two weeks ahead");
}

#[tokio::test]
async fn calendar_feeds_show_what_their_owner_may_see_and_stop_when_revoked() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let court = facility(&app, &manager, court()).await;
    let tokens = resident_tokens(&app, "alpha", 2).await;
    let homes: Vec<i64> = app
        .rows(
            "alpha",
            "SELECT unit_id::text FROM resident_units WHERE ends_on IS NULL ORDER BY resident_id LIMIT 2",
        )
        .await
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let d = day();
    for (i, from, to) in [(0, "10:00", "11:00"), (1, "12:00", "13:00")] {
        let body = book(
            &app,
            &tokens[i],
            &court,
            homes[i],
            &at(d, from, "+07:00"),
            &at(d, to, "+07:00"),
            2,
        )
        .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let rotate = "mutation($f: ID) { rotateCalendarFeed(facilityId: $f) { token path } }";
    let feed = |token: String, facility: Option<String>| {
        let app = &app;
        async move {
            let body = app
                .gql(Some("alpha"), Some(&token), rotate, json!({"f": facility}))
                .await;
            body["data"]["rotateCalendarFeed"]["path"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_owned()
        }
    };
    let events = |path: String| {
        let app = &app;
        async move {
            let response = app.client().get(app.url(&path)).send().await.unwrap();
            if response.status() != 200 {
                return (response.status().as_u16(), Vec::new());
            }
            assert_eq!(
                response.headers()["content-type"],
                "text/calendar; charset=utf-8"
            );
            let text = response.text().await.unwrap();
            let cal: icalendar::Calendar = text.parse().unwrap_or_else(|e| panic!("{e}: {text}"));
            use icalendar::Component;
            let summaries: Vec<String> = cal
                .components
                .iter()
                .filter_map(|c| c.as_event())
                .map(|e| {
                    format!(
                        "{} {}",
                        e.get_summary().unwrap_or_default(),
                        e.property_value("DTSTART").unwrap_or_default()
                    )
                })
                .collect();
            (200, summaries)
        }
    };

    // A resident's feed: their household's booking only.
    let mine = feed(tokens[0].clone(), None).await;
    let (status, got) = events(mine.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("Tennis court ("), "{got:?}");
    assert!(
        got[0].ends_with(&format!("{}T030000Z", d.format("%Y%m%d"))),
        "10:00 WIB: {got:?}"
    );
    // Residents get no facility feed; a facility's feed (managers) has both.
    let body = app
        .gql(Some("alpha"), Some(&tokens[0]), rotate, json!({"f": court}))
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let all = feed(manager.clone(), Some(court.clone())).await;
    assert_eq!(events(all).await.1.len(), 2);

    // Rotating replaces the token; revoking ends the feed.
    let rotated = feed(tokens[0].clone(), None).await;
    assert_ne!(rotated, mine);
    assert_eq!(events(mine).await.0, 404, "the old token is revoked");
    assert_eq!(events(rotated.clone()).await.1.len(), 1);
    let body = app
        .gql(
            Some("alpha"),
            Some(&tokens[0]),
            "mutation { revokeCalendarFeed }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["revokeCalendarFeed"], true, "{body}");
    assert_eq!(events(rotated).await.0, 404);
    assert_eq!(events("/calendar/alpha.nonsense.ics".into()).await.0, 404);
}

const CALENDAR: &str = "query($f: DateTime!, $t: DateTime!) { bookings(filter: {from: $f, to: $t}) \
    { id startsAt status partySize facility { name kind } unit { number block { name } } } }";

/// The manager calendar answers every booking with its facility and unit (and the unit's
/// block), each read once per request: its statements are as many as its levels, for 10
/// bookings as for 300.
#[tokio::test]
async fn the_calendar_reads_facilities_and_units_once_whatever_its_size() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 40, 40).await;
    let manager = app.manager_token("alpha").await;
    app.gql(Some("alpha"), Some(&manager), "{ me { id } }", json!({}))
        .await;
    let names = ["Court A", "Court B", "Court C"];
    for name in names {
        facility(
            &app,
            &manager,
            json!({"name": name, "kind": "EXCLUSIVE", "capacity": 4, "pricing": "FREE"}),
        )
        .await;
    }
    let d = day();
    let mut counts = Vec::new();
    for (n, days) in [(10, 1), (300, 10)] {
        // `n` bookings spread over the facilities, 40 units and `days` days, at 07:00 + k h.
        app.sql(
            "alpha",
            &format!(
                "DELETE FROM bookings; \
                 INSERT INTO bookings (facility_id, exclusive, unit_id, booked_by, starts_at, ends_at, \
                                       party_size, status, subtotal, ppn, total, deposit, paid) \
                 SELECT (SELECT min(id) FROM facilities) + k % 3, true, (SELECT min(id) FROM units) + k % 40, \
                        (SELECT min(id) FROM users), \
                        ('{d}'::date + (k / 30) % {days} + make_interval(hours => 7 + k % 10)) AT TIME ZONE 'Asia/Jakarta', \
                        ('{d}'::date + (k / 30) % {days} + make_interval(hours => 8 + k % 10)) AT TIME ZONE 'Asia/Jakarta', \
                        1 + k % 4, 'CONFIRMED', 0, 0, 0, 0, 0 \
                 FROM generate_series(0, {n} - 1) k"
            ),
        )
        .await;
        let window = json!({"f": at(d, "00:00", "+07:00"), "t": at(d + Duration::days(days), "00:00", "+07:00")});
        let before = app.statements().await;
        let body = app
            .gql(Some("alpha"), Some(&manager), CALENDAR, window)
            .await;
        let after = app.statements().await;
        assert!(body["errors"].is_null(), "{body}");
        let list = body["data"]["bookings"].as_array().unwrap();
        assert_eq!(list.len(), n, "{body}");
        let expected = app
            .rows(
                "alpha",
                "SELECT f.name || '|' || u.number || '|' || k.name || '|' || b.party_size \
                 FROM bookings b JOIN facilities f ON f.id = b.facility_id \
                 JOIN units u ON u.id = b.unit_id JOIN blocks k ON k.id = u.block_id \
                 ORDER BY b.starts_at, b.id",
            )
            .await;
        let got: Vec<String> = list
            .iter()
            .map(|b| {
                assert_eq!(b["status"], "CONFIRMED");
                assert_eq!(b["facility"]["kind"], "EXCLUSIVE");
                format!(
                    "{}|{}|{}|{}",
                    b["facility"]["name"].as_str().unwrap(),
                    b["unit"]["number"].as_str().unwrap(),
                    b["unit"]["block"]["name"].as_str().unwrap(),
                    b["partySize"]
                )
            })
            .collect();
        assert_eq!(got, expected, "each booking with its own facility and unit");
        counts.push(after - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 10 and 300: {counts:?}"
    );
    // bind + bookings + facilities + units + blocks
    assert!(
        counts[0] <= 5,
        "expected at most 5 statements, got {counts:?}"
    );
}
