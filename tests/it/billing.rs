//! Billing and payments against the real app, a fake Midtrans and a local SMTP sink.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

use klustera::dev::fake_midtrans::{FakeMidtrans, notification};
use klustera_graphql::common::events::DomainEvent;
use klustera_graphql::common::jobs;
use klustera_graphql::common::live::EventSource;

use crate::app::{TestApp, code, gid};
use crate::smtp_sink::SmtpSink;

pub const SERVER_KEY: &str = "SB-Mid-server-test-key";
pub const PERIOD: &str = "2026-10";

/// An app wired to a fake Midtrans that notifies it, and to an SMTP sink.
pub async fn billing_app() -> (TestApp, FakeMidtrans, SmtpSink) {
    billing_app_with(|_| {}).await
}

pub async fn billing_app_with(
    configure: impl FnOnce(&mut klustera::config::Config),
) -> (TestApp, FakeMidtrans, SmtpSink) {
    let sink = SmtpSink::start().await;
    // The fake needs the app's address and the app the fake's: reserve the app's port first.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let fake_addr = probe.local_addr().unwrap();
    drop(probe);
    let smtp = sink.url();
    let app = TestApp::spawn_with(|c| {
        c.midtrans_server_key = Some(SERVER_KEY.into());
        c.midtrans_base_url = format!("http://{fake_addr}");
        c.smtp_url = Some(smtp);
        configure(c);
    })
    .await;
    let fake = FakeMidtrans::start(fake_addr, SERVER_KEY, &app.url("/webhooks/midtrans"))
        .await
        .unwrap();
    (app, fake, sink)
}

pub async fn bills_of(app: &TestApp, tenant: &str, token: &str) -> Vec<Value> {
    let body = app
        .gql(
            Some(tenant),
            Some(token),
            "{ bills(first: 200) { edges { node { id status total paid outstanding period
               items { amount ppn } payments { method amount } unit { id } } } } }",
            json!({}),
        )
        .await;
    body["data"]["bills"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// A Snap checkout of what `alpha`'s `bill` owes: `(order id, gross amount)`.
pub async fn checkout(app: &TestApp, token: &str, bill: &str) -> (String, i64) {
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            "mutation($b: ID!) { createPayment(billId: $b) { orderId grossAmount } }",
            json!({"b": bill}),
        )
        .await;
    let c = &body["data"]["createPayment"];
    (
        c["orderId"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned(),
        c["grossAmount"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn monthly_bills_are_generated_once_per_unit_with_exact_totals() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 30, 40).await;
    let token = app.manager_token("alpha").await;
    // A meter reading and a one-off charge for this period, on top of the demo tariffs.
    app.sql("alpha", &format!(
        "INSERT INTO meter_readings (unit_id, tariff_id, period, usage) SELECT 1, id, '{PERIOD}', 12.25 FROM tariffs WHERE kind = 'METERED'; \
         INSERT INTO tariffs (name, kind, rate, ppn_rate_bp) VALUES ('Kartu akses', 'ONE_OFF', 35000, 1100); \
         INSERT INTO one_off_charges (unit_id, tariff_id, period, quantity) SELECT 2, id, '{PERIOD}', 2 FROM tariffs WHERE name = 'Kartu akses'"
    ))
    .await;

    let job = app.generate_bills("alpha", &token, PERIOD).await;
    assert_eq!(job["status"], "DONE", "{job}");
    assert_eq!(job["progress"]["bills"], 30);

    let bills = bills_of(&app, "alpha", &token).await;
    assert_eq!(bills.len(), 30);
    for b in &bills {
        let items: i64 = b["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["amount"].as_i64().unwrap() + i["ppn"].as_i64().unwrap())
            .sum();
        assert_eq!(
            b["total"].as_i64().unwrap(),
            items,
            "bill equals the sum of its items: {b}"
        );
        assert_eq!(b["status"], "UNPAID");
    }
    let unit1 = bills
        .iter()
        .find(|b| b["unit"]["id"] == gid("Unit", 1))
        .unwrap();
    // IPL 150 000 + kebersihan 50 000 + water 12.25 m³ × 7 500 = 91 875
    assert_eq!(unit1["total"], 291_875);
    let unit2 = bills
        .iter()
        .find(|b| b["unit"]["id"] == gid("Unit", 2))
        .unwrap();
    // 200 000 + water + 2 × 35 000 with 11% PPN (7 700)
    assert_eq!(
        unit2["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["ppn"].as_i64().unwrap())
            .sum::<i64>(),
        7_700
    );

    // A rerun (or a second request) never duplicates a bill.
    let again = app.generate_bills("alpha", &token, PERIOD).await;
    assert_eq!(
        (
            again["status"].as_str(),
            again["progress"]["bills"].as_i64()
        ),
        (Some("DONE"), Some(0))
    );
    assert_eq!(
        app.rows("alpha", "SELECT count(*)::text FROM bills").await,
        vec!["30"]
    );

    let bad = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation { generateMonthlyBills(period: \"2026-13\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&bad), "BAD_USER_INPUT");
}

#[tokio::test]
async fn manual_payments_never_exceed_what_is_owed_and_send_one_receipt() {
    let (app, _fake, sink) = billing_app().await;
    app.tenant("alpha", 3, 3).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bill = &bills_of(&app, "alpha", &token).await[0];
    let (id, total) = (
        bill["id"].as_str().unwrap(),
        bill["total"].as_i64().unwrap(),
    );
    let mut events = app.state.events.subscribe("alpha");

    let pay = "mutation($b: ID!, $a: Rupiah!) { recordPayment(input: {billId: $b, amount: $a, method: CASH}) { amount method } }";
    let over = app
        .gql(
            Some("alpha"),
            Some(&token),
            pay,
            json!({"b": id, "a": total + 1}),
        )
        .await;
    assert_eq!(code(&over), "BAD_USER_INPUT");
    assert_eq!(over["errors"][0]["extensions"]["field"], "amount");
    let zero = app
        .gql(Some("alpha"), Some(&token), pay, json!({"b": id, "a": 0}))
        .await;
    assert_eq!(code(&zero), "BAD_USER_INPUT");

    let part = app
        .gql(
            Some("alpha"),
            Some(&token),
            pay,
            json!({"b": id, "a": 100_000}),
        )
        .await;
    assert_eq!(part["data"]["recordPayment"]["amount"], 100_000, "{part}");
    let rest = app
        .gql(
            Some("alpha"),
            Some(&token),
            pay,
            json!({"b": id, "a": total - 100_000}),
        )
        .await;
    assert!(rest["errors"].is_null(), "{rest}");
    let after = app
        .gql(
            Some("alpha"),
            Some(&token),
            "query($b: ID!) { bill(id: $b) { status paid outstanding payments { amount } } }",
            json!({"b": id}),
        )
        .await;
    assert_eq!(after["data"]["bill"]["status"], "PAID");
    assert_eq!(after["data"]["bill"]["outstanding"], 0);
    let more = app
        .gql(Some("alpha"), Some(&token), pay, json!({"b": id, "a": 1}))
        .await;
    assert_eq!(code(&more), "BAD_USER_INPUT");

    // Events were published after commit, one per applied payment, for this tenant.
    let first = events.recv().await.unwrap();
    assert!(
        matches!(&*first, DomainEvent::BillPaid { amount: 100_000, status, .. } if status.as_str() == "PARTIALLY_PAID")
    );
    let second = events.recv().await.unwrap();
    assert!(matches!(&*second, DomainEvent::BillPaid { status, .. } if status.as_str() == "PAID"));

    // Receipts go out through SMTP once each, however often delivery runs.
    app.run_jobs().await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 2, "one receipt per payment: {mails:?}");
    assert!(
        mails
            .iter()
            .all(|m| m.to == vec!["siti1@mail.test".to_owned()]),
        "{mails:?}"
    );
    assert!(mails[0].data.contains("Tanda terima pembayaran"));
    app.sql("alpha", "UPDATE notifications SET status = status")
        .await;
    app.run_jobs().await;
    assert_eq!(sink.mails().len(), 2);

    let void = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!) { voidBill(id: $b, reason: \"salah\") { status } }",
            json!({"b": id}),
        )
        .await;
    assert_eq!(code(&void), "CONFLICT", "a paid bill cannot be voided");
}

#[tokio::test]
async fn reminders_and_late_fees_happen_once() {
    let (app, _fake, sink) = billing_app().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    app.gql(
        Some("alpha"),
        Some(&token),
        "mutation { updateBillingSettings(input: {billingDay: 1, dueDay: 10, lateFeeKind: PERCENT, lateFeeValue: 200}) }",
        json!({}),
    )
    .await;
    // Bill of unit 1 is due in 3 days, bill of unit 2 was due yesterday.
    app.sql("alpha", "UPDATE bills SET due_on = (now() AT TIME ZONE 'Asia/Jakarta')::date + 3 WHERE unit_id = 1; \
                      UPDATE bills SET due_on = (now() AT TIME ZONE 'Asia/Jakarta')::date - 1 WHERE unit_id = 2").await;
    for kind in [jobs::kind::OVERDUE_SWEEP, jobs::kind::REMINDER_SWEEP] {
        jobs::enqueue(&app.state.db, "alpha", kind, json!({}), None, false)
            .await
            .unwrap();
    }
    app.run_jobs().await;
    let mails = sink.mails();
    assert_eq!(
        mails.len(),
        1,
        "one reminder (3 days before due): {mails:?}"
    );
    assert!(mails[0].data.contains("Pengingat tagihan"));

    let rows = app.rows("alpha", "SELECT concat_ws('|', status, late_fee, total - subtotal - ppn) FROM bills WHERE unit_id = 2").await;
    let fee = app
        .rows(
            "alpha",
            "SELECT (((subtotal + ppn) * 200 + 5000) / 10000)::text FROM bills WHERE unit_id = 2",
        )
        .await;
    assert_eq!(rows, vec![format!("OVERDUE|{0}|{0}", fee[0])]);
    // Running the overdue sweep again (say, tomorrow) never charges twice.
    let tx = app.bound("alpha").await;
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    let again = klustera_graphql::domains::billing::service::overdue_sweep(&tx, tomorrow)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(again, 0);
    let items = app
        .rows(
            "alpha",
            "SELECT count(*)::text FROM bill_items WHERE kind = 'LATE_FEE'",
        )
        .await;
    assert_eq!(items, vec!["1"]);
    // Reminders already queued are not queued again by a second sweep.
    jobs::enqueue(
        &app.state.db,
        "alpha",
        jobs::kind::REMINDER_SWEEP,
        json!({}),
        None,
        false,
    )
    .await
    .unwrap();
    app.run_jobs().await;
    assert_eq!(sink.mails().len(), 1);
}

#[tokio::test]
async fn the_scheduler_enqueues_each_recurring_job_once_per_day() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    app.tenant("beta", 2, 2).await;
    for _ in 0..3 {
        klustera::jobs::scheduler::tick(&app.state.db)
            .await
            .unwrap();
    }
    let counts = app
        .rows("alpha", "SELECT kind || ':' || count(*) FROM control.jobs WHERE tenant_slug = 'alpha' AND kind LIKE 'billing.%' GROUP BY kind ORDER BY kind")
        .await;
    // Bill generation is due from the tenant's billing day (default the 1st): always by now.
    assert_eq!(
        counts,
        vec![
            "billing.generate:1",
            "billing.overdue:1",
            "billing.reminders:1"
        ]
    );
    app.run_jobs().await;
    klustera::jobs::scheduler::tick(&app.state.db)
        .await
        .unwrap();
    let live = app
        .rows(
            "alpha",
            // The complaint SLA sweep is per minute, not per day: not counted here.
            "SELECT count(*)::text FROM control.jobs WHERE status <> 'DONE' AND kind LIKE 'billing.%'",
        )
        .await;
    assert_eq!(
        live,
        vec!["0"],
        "nothing is enqueued again the same day, even after the jobs ran"
    );
}

#[tokio::test]
async fn a_webhook_storm_applies_each_payment_exactly_once() {
    let (app, fake, _sink) = billing_app().await;
    app.tenant("alpha", 50, 50).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bills = bills_of(&app, "alpha", &token).await;
    assert_eq!(bills.len(), 50);

    // Each bill gets a Snap checkout through the real client, from the fake Midtrans.
    let mut orders = Vec::new();
    for b in &bills {
        let body = app
            .gql(Some("alpha"), Some(&token), "mutation($b: ID!) { createPayment(billId: $b) { orderId grossAmount token redirectUrl } }", json!({"b": b["id"]}))
            .await;
        let c = &body["data"]["createPayment"];
        assert!(
            c["redirectUrl"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .starts_with(&fake.base_url())
        );
        orders.push((
            c["orderId"].as_str().unwrap().to_owned(),
            c["grossAmount"].as_i64().unwrap(),
        ));
    }
    assert_eq!(fake.orders().len(), 50);

    // 200 notifications: duplicates, settlement before pending, forged, wrong amounts.
    let mut storm: Vec<(Value, u16)> = Vec::new();
    for (i, (order, gross)) in orders.iter().enumerate() {
        let g = format!("{gross}.00");
        let forged = notification("not-the-server-key", order, &g, "settlement");
        let wrong = notification(
            SERVER_KEY,
            order,
            &format!("{}.00", gross - 1),
            "settlement",
        );
        if i % 5 == 0 {
            storm.push((notification(SERVER_KEY, order, &g, "pending"), 200));
            storm.push((notification(SERVER_KEY, order, &g, "expire"), 200));
            storm.push((forged, 401));
            storm.push((wrong, 400));
        } else {
            storm.push((notification(SERVER_KEY, order, &g, "settlement"), 200));
            storm.push((notification(SERVER_KEY, order, &g, "pending"), 200));
            storm.push((notification(SERVER_KEY, order, &g, "settlement"), 200));
            storm.push(if i % 2 == 0 {
                (forged, 401)
            } else {
                (wrong, 400)
            });
        }
    }
    assert_eq!(storm.len(), 200);
    storm.shuffle(&mut rand::rng());
    let mut events = app.state.events.subscribe("alpha");
    let client = app.client().clone();
    let url = app.url("/webhooks/midtrans");
    let statuses: Vec<(u16, u16)> = futures::stream::iter(storm)
        .map(|(body, expected)| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                (
                    client
                        .post(url)
                        .json(&body)
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16(),
                    expected,
                )
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    for (got, expected) in &statuses {
        assert_eq!(got, expected);
    }

    let after = bills_of(&app, "alpha", &token).await;
    let by_id: HashMap<&str, &Value> = after
        .iter()
        .map(|b| (b["id"].as_str().unwrap(), b))
        .collect();
    for (i, b) in bills.iter().enumerate() {
        let now = by_id[b["id"].as_str().unwrap()];
        let payments = now["payments"].as_array().unwrap();
        if i % 5 == 0 {
            assert_eq!(
                now["status"], "UNPAID",
                "expired checkout pays nothing: {now}"
            );
            assert!(payments.is_empty());
        } else {
            assert_eq!(now["status"], "PAID", "{now}");
            assert_eq!(payments.len(), 1, "exactly one payment: {now}");
            assert_eq!(payments[0]["method"], "MIDTRANS");
            assert_eq!(payments[0]["amount"], now["total"]);
        }
    }
    assert_eq!(
        app.rows("alpha", "SELECT count(*)::text FROM payments")
            .await,
        vec!["40"]
    );
    assert_eq!(
        app.rows(
            "alpha",
            "SELECT count(*)::text FROM midtrans_orders WHERE status = 'FAILED'"
        )
        .await,
        vec!["10"]
    );
    let mut paid_events = 0;
    while let Ok(e) = events.try_recv() {
        assert!(matches!(&*e, DomainEvent::BillPaid { .. }));
        paid_events += 1;
    }
    assert_eq!(paid_events, 40, "one billPaid event per applied payment");
}

#[tokio::test]
async fn checkouts_waiting_on_midtrans_hold_no_connection_and_no_lock() {
    // Two connections for operations, and three checkouts waiting on Midtrans at once.
    let (app, fake, _sink) = billing_app_with(|c| c.db_pool_size = 2).await;
    app.tenant("alpha", 3, 3).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bills = bills_of(&app, "alpha", &token).await;
    assert_eq!(bills.len(), 3);
    let first = &bills[0];
    let total = first["total"].as_i64().unwrap();

    fake.hold();
    let checkouts = futures::future::join_all(bills.iter().map(|b| {
        app.gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!) { createPayment(billId: $b) { orderId grossAmount } }",
            json!({"b": b["id"]}),
        )
    }));
    let meanwhile = async {
        let holding = tokio::time::timeout(Duration::from_secs(30), fake.until_holding(3)).await;
        assert!(holding.is_ok(), "three checkouts reach Midtrans at once");
        // While Midtrans keeps them waiting, the first bill takes a cash payment.
        let cash = app
            .gql(
                Some("alpha"),
                Some(&token),
                "mutation($b: ID!, $a: Rupiah!) { recordPayment(input: {billId: $b, amount: $a, method: CASH}) { amount } }",
                json!({"b": first["id"], "a": total - 1000}),
            )
            .await;
        fake.release();
        cash
    };
    let (checkouts, cash) = tokio::join!(checkouts, meanwhile);
    assert_eq!(
        cash["data"]["recordPayment"]["amount"],
        total - 1000,
        "{cash}"
    );
    for (c, b) in checkouts.iter().zip(&bills) {
        assert_eq!(c["data"]["createPayment"]["grossAmount"], b["total"], "{c}");
    }
    // Each checkout finished in its tenant's schema, and was audited.
    assert_eq!(
        app.rows("alpha", "SELECT count(*)::text FROM midtrans_orders")
            .await,
        vec!["3"]
    );
    assert_eq!(
        app.rows(
            "alpha",
            "SELECT count(*)::text FROM audit_log WHERE operation = 'createPayment'"
        )
        .await,
        vec!["3"]
    );

    // The checkout asked for the whole bill; its settlement applies only what is still owed.
    let order = checkouts[0]["data"]["createPayment"]["orderId"]
        .as_str()
        .unwrap();
    let settled = app
        .client()
        .post(app.url("/webhooks/midtrans"))
        .json(&fake.notification(order, &format!("{total}.00"), "settlement"))
        .send()
        .await
        .unwrap();
    assert_eq!(settled.status(), 200);
    let after = bills_of(&app, "alpha", &token).await;
    let now = after.iter().find(|b| b["id"] == first["id"]).unwrap();
    assert_eq!(now["status"], "PAID", "{now}");
    assert_eq!(now["paid"], total, "{now}");
    assert_eq!(
        now["payments"],
        json!([{"method": "CASH", "amount": total - 1000}, {"method": "MIDTRANS", "amount": 1000}])
    );
}

#[tokio::test]
async fn residents_see_and_pay_only_their_household_bills_and_reports_add_up() {
    let (app, fake, _sink) = billing_app().await;
    let logins = app.tenant("alpha", 4, 4).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let (resident, _) = app.login("alpha", &logins.resident).await;

    let mine = bills_of(&app, "alpha", &resident).await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["unit"]["id"], gid("Unit", 1));
    let others = bills_of(&app, "alpha", &token).await;
    let foreign = others
        .iter()
        .find(|b| b["unit"]["id"] != gid("Unit", 1))
        .unwrap();
    let body = app
        .gql(
            Some("alpha"),
            Some(&resident),
            "mutation($b: ID!) { createPayment(billId: $b) { orderId } }",
            json!({"b": foreign["id"]}),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND");

    // Paying through the fake's payment page: Snap, then pending + settlement notifications.
    let body = app
        .gql(
            Some("alpha"),
            Some(&resident),
            "mutation($b: ID!) { createPayment(billId: $b) { redirectUrl } }",
            json!({"b": mine[0]["id"]}),
        )
        .await;
    let redirect = body["data"]["createPayment"]["redirectUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let paid: Value = app
        .client()
        .post(format!("{redirect}/pay"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        paid["notifications"],
        json!(["pending: 200 OK", "settlement: 200 OK"])
    );
    let mine = bills_of(&app, "alpha", &resident).await;
    assert_eq!(mine[0]["status"], "PAID");

    let report = app
        .gql(Some("alpha"), Some(&token), "query($p: String!) { collectionReport(period: $p) { bills billed collected collectionRate arrears { current over90Days } } }", json!({"p": PERIOD}))
        .await;
    let r = &report["data"]["collectionReport"];
    let billed: i64 = others.iter().map(|b| b["total"].as_i64().unwrap()).sum();
    assert_eq!(r["bills"], 4, "{report}");
    assert_eq!(r["billed"], billed);
    assert_eq!(r["collected"], mine[0]["total"]);
    let export = app
        .gql(
            Some("alpha"),
            Some(&token),
            "query($p: String!) { exportBills(period: $p, format: CSV) { filename base64 } }",
            json!({"p": PERIOD}),
        )
        .await;
    use base64::Engine;
    let csv = base64::engine::general_purpose::STANDARD
        .decode(export["data"]["exportBills"]["base64"].as_str().unwrap())
        .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(csv.lines().any(|l| l.contains(",PAID,")));
    let denied = app
        .gql(
            Some("alpha"),
            Some(&resident),
            "query($p: String!) { collectionReport(period: $p) { bills } }",
            json!({"p": PERIOD}),
        )
        .await;
    assert_eq!(code(&denied), "FORBIDDEN");
    assert_eq!(fake.orders().len(), 1);
}

#[tokio::test]
async fn every_field_of_a_bill_reads_the_same_in_a_list_as_on_its_own() {
    let (app, _fake, _sink) = billing_app().await;
    app.tenant("alpha", 2, 2).await;
    let token = app.manager_token("alpha").await;
    app.generate_bills("alpha", &token, PERIOD).await;
    let bills = bills_of(&app, "alpha", &token).await;
    let (paid, void) = (bills[0]["id"].clone(), bills[1]["id"].clone());
    let pay = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!) { recordPayment(input: {billId: $b, amount: 1000, method: TRANSFER, reference: \"BCA-77\"}) { id } }",
            json!({"b": paid}),
        )
        .await;
    assert!(pay["errors"].is_null(), "{pay}");
    let voided = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation($b: ID!) { voidBill(id: $b, reason: \"double entry\") { id } }",
            json!({"b": void}),
        )
        .await;
    assert!(voided["errors"].is_null(), "{voided}");

    // Every field of the list objects (resolved in place, their row fields read directly;
    // debug builds also check those against the objects' resolvers).
    const BILL: &str =
        "id period dueOn status subtotal ppn lateFee total paid outstanding voidReason
        items { id kind description quantity unitPrice amount ppnRateBp ppn }
        payments { id method amount reference paidAt refunded }";
    let list = app
        .gql(
            Some("alpha"),
            Some(&token),
            &format!(
                "{{ units(first: 10) {{ edges {{ node {{ id number areaM2 type archived block {{ id name }}
                   residents {{ id fullName phone email archived }} bills(last: 3) {{ {BILL} }} }} }} }} }}"
            ),
            json!({}),
        )
        .await;
    assert!(list["errors"].is_null(), "{list}");
    let listed: Vec<&Value> = list["data"]["units"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["node"]["bills"].as_array().unwrap())
        .collect();
    assert_eq!(listed.len(), 2, "{list}");
    for &bill in &listed {
        let single = app
            .gql(
                Some("alpha"),
                Some(&token),
                &format!("query($b: ID!) {{ bill(id: $b) {{ {BILL} }} }}"),
                json!({"b": bill["id"]}),
            )
            .await;
        assert_eq!(&single["data"]["bill"], bill, "{single}");
    }
    let by_id = |id: &Value| *listed.iter().find(|b| &b["id"] == id).unwrap();
    let paid = by_id(&paid);
    assert_eq!(paid["status"], "PARTIALLY_PAID");
    assert_eq!(paid["payments"][0]["reference"], "BCA-77");
    assert_eq!(paid["payments"][0]["refunded"], false);
    assert_eq!(paid["outstanding"], paid["total"].as_i64().unwrap() - 1000);
    let void = by_id(&void);
    assert_eq!(void["status"], "VOID");
    assert_eq!(void["voidReason"], "double entry");
}

#[tokio::test]
async fn managers_read_tariffs_billing_settings_and_a_generation_jobs_steps() {
    let app = TestApp::spawn().await;
    let logins = app.tenant("alpha", 7, 10).await;
    let token = app.manager_token("alpha").await;
    app.sql("alpha", "UPDATE tariffs SET active = false WHERE kind = 'PER_AREA'; UPDATE units SET archived_at = now() WHERE id = 7")
        .await;

    let q = "query($all: Boolean!) { tariffs(includeInactive: $all) { id name kind rate ppnRateBp unitType active } }";
    let active = app
        .gql(Some("alpha"), Some(&token), q, json!({"all": false}))
        .await;
    let names: Vec<&str> = active["data"]["tariffs"]
        .as_array()
        .unwrap_or_else(|| panic!("{active}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Air PDAM",
            "Iuran Pengelolaan Lingkungan (IPL)",
            "Kebersihan & Keamanan"
        ]
    );
    let all = app
        .gql(Some("alpha"), Some(&token), q, json!({"all": true}))
        .await;
    let last = all["data"]["tariffs"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (
            last["name"].as_str(),
            last["kind"].as_str(),
            last["rate"].as_i64(),
            last["ppnRateBp"].as_i64()
        ),
        (
            Some("Service charge ruko"),
            Some("PER_AREA"),
            Some(2500),
            Some(1100)
        )
    );
    assert_eq!(
        (last["unitType"].as_str(), last["active"].as_bool()),
        (Some("SHOPHOUSE"), Some(false))
    );

    let set = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation { updateBillingSettings(input: {billingDay: 3, dueDay: 15, lateFeeKind: FLAT, lateFeeValue: 25000}) }",
            json!({}),
        )
        .await;
    assert_eq!(set["data"]["updateBillingSettings"], true, "{set}");
    let settings = app
        .gql(
            Some("alpha"),
            Some(&token),
            "{ billingSettings { billingDay dueDay lateFeeKind lateFeeValue } }",
            json!({}),
        )
        .await;
    assert_eq!(
        settings["data"]["billingSettings"],
        json!({"billingDay": 3, "dueDay": 15, "lateFeeKind": "FLAT", "lateFeeValue": 25000})
    );

    // Steps: the six units not archived, all done once the job is.
    let started = app
        .gql(
            Some("alpha"),
            Some(&token),
            "mutation { generateMonthlyBills(period: \"2026-10\") { done total } }",
            json!({}),
        )
        .await;
    assert_eq!(
        started["data"]["generateMonthlyBills"],
        json!({"done": null, "total": null}),
        "{started}"
    );
    let job = app.generate_bills("alpha", &token, PERIOD).await;
    assert_eq!(job["status"], "DONE", "{job}");
    let id = app
        .rows(
            "alpha",
            "SELECT id::text FROM control.jobs WHERE kind = 'billing.generate'",
        )
        .await;
    let steps = app
        .gql(
            Some("alpha"),
            Some(&token),
            "query($id: ID!) { job(id: $id) { done total } }",
            json!({"id": gid("Job", id[0].parse().unwrap())}),
        )
        .await;
    assert_eq!(
        steps["data"]["job"],
        json!({"done": 6, "total": 6}),
        "{steps}"
    );

    // Residents see none of it.
    let resident = app.login("alpha", &logins.resident).await.0;
    for q in ["{ tariffs { id } }", "{ billingSettings { dueDay } }"] {
        let body = app.gql(Some("alpha"), Some(&resident), q, json!({})).await;
        assert_eq!(code(&body), "FORBIDDEN", "{q}: {body}");
    }
}
