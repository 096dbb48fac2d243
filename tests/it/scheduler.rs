//! The scheduler's calendar, with its clock in the test's hands (`tick_at`): tenants in
//! WIB, WITA and WIT around midnight, the billing day, reminders 7, 3 and 1 days before
//! due, late fees against amounts worked out by hand, suspended tenants, and several
//! schedulers ticking at once.

use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
use serde_json::json;

use klustera::jobs::scheduler::tick_at;
use klustera::tenancy::provision::set_status;
use klustera_graphql::common::jobs::{self, kind};
use klustera_graphql::common::types::TenantSlug;

use crate::app::TestApp;
use crate::jobs::{eventually, holder, lock_waiters};
use crate::smtp_sink::SmtpSink;

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

/// Billing jobs enqueued since job `after` as "tenant kind day-or-period", sorted, and the
/// last job id.
async fn scheduled_since(app: &TestApp, tenant: &str, after: i64) -> (Vec<String>, i64) {
    let rows = app
        .rows(
            tenant,
            &format!(
                "SELECT tenant_slug || ' ' || kind || ' ' || coalesce(payload->>'day', payload->>'period') \
                 FROM control.jobs WHERE id > {after} AND kind LIKE 'billing.%' ORDER BY 1"
            ),
        )
        .await;
    let last = app
        .rows(
            tenant,
            "SELECT coalesce(max(id), 0)::text FROM control.jobs",
        )
        .await[0]
        .parse()
        .unwrap();
    (rows, last)
}

async fn in_zone(app: &TestApp, slug: &str, time_zone: &str) {
    app.tenant(slug, 2, 2).await;
    app.sql(
        slug,
        &format!("UPDATE control.tenants SET time_zone = '{time_zone}' WHERE slug = '{slug}'"),
    )
    .await;
}

/// Each bill's status by tenant, "wib:UNPAID,UNPAID".
async fn statuses(app: &TestApp, tenants: &[&str], period: &str) -> Vec<String> {
    let mut out = vec![];
    for t in tenants {
        let s = app
            .rows(
                t,
                &format!(
                    "SELECT '{t}:' || coalesce(string_agg(status, ',' ORDER BY unit_id), '') \
                     FROM bills WHERE period = '{period}'"
                ),
            )
            .await;
        out.extend(s);
    }
    out
}

#[tokio::test]
async fn tenants_in_wib_wita_and_wit_each_change_day_at_their_own_midnight() {
    let app = TestApp::spawn().await;
    in_zone(&app, "wib", "Asia/Jakarta").await; // UTC+7
    in_zone(&app, "wita", "Asia/Makassar").await; // UTC+8
    in_zone(&app, "wit", "Asia/Jayapura").await; // UTC+9
    let tenants = ["wib", "wita", "wit"];
    // October's bills, all due on 31 October.
    for t in tenants {
        jobs::enqueue(
            &app.state.db,
            t,
            kind::GENERATE_BILLS,
            json!({"period": "2026-10"}),
            None,
            false,
        )
        .await
        .unwrap();
    }
    app.run_jobs().await;
    for t in tenants {
        app.sql(t, "UPDATE bills SET due_on = '2026-10-31'").await;
    }
    let (_, mut last) = scheduled_since(&app, "wib", 0).await;

    // 31 Oct 21:59:59 WIB = 22:59:59 WITA = 23:59:59 WIT: everybody's 31 October.
    tick_at(&app.state.db, at("2026-10-31T14:59:59Z"))
        .await
        .unwrap();
    let (new, l) = scheduled_since(&app, "wib", last).await;
    last = l;
    assert_eq!(
        new,
        [
            "wib billing.generate 2026-10",
            "wib billing.overdue 2026-10-31",
            "wib billing.reminders 2026-10-31",
            "wit billing.generate 2026-10",
            "wit billing.overdue 2026-10-31",
            "wit billing.reminders 2026-10-31",
            "wita billing.generate 2026-10",
            "wita billing.overdue 2026-10-31",
            "wita billing.reminders 2026-10-31",
        ]
    );
    app.run_jobs().await;
    assert_eq!(
        statuses(&app, &tenants, "2026-10").await,
        [
            "wib:UNPAID,UNPAID",
            "wita:UNPAID,UNPAID",
            "wit:UNPAID,UNPAID"
        ],
        "due today is not overdue anywhere"
    );

    // One second later it is 1 November in Jayapura only.
    tick_at(&app.state.db, at("2026-10-31T15:00:00Z"))
        .await
        .unwrap();
    let (new, l) = scheduled_since(&app, "wib", last).await;
    last = l;
    assert_eq!(
        new,
        [
            "wit billing.generate 2026-11",
            "wit billing.overdue 2026-11-01",
            "wit billing.reminders 2026-11-01",
        ]
    );
    app.run_jobs().await;
    assert_eq!(
        statuses(&app, &tenants, "2026-10").await,
        [
            "wib:UNPAID,UNPAID",
            "wita:UNPAID,UNPAID",
            "wit:OVERDUE,OVERDUE"
        ]
    );
    assert_eq!(
        statuses(&app, &tenants, "2026-11").await,
        ["wib:", "wita:", "wit:UNPAID,UNPAID"],
        "November's bills only where November began"
    );

    // 23:59:59 in Makassar, still 31 October; then 1 November there.
    tick_at(&app.state.db, at("2026-10-31T15:59:59Z"))
        .await
        .unwrap();
    let (new, l) = scheduled_since(&app, "wib", last).await;
    last = l;
    assert_eq!(
        new,
        Vec::<String>::new(),
        "nothing new before WITA's midnight"
    );
    tick_at(&app.state.db, at("2026-10-31T16:00:00Z"))
        .await
        .unwrap();
    let (new, l) = scheduled_since(&app, "wib", last).await;
    last = l;
    assert_eq!(
        new,
        [
            "wita billing.generate 2026-11",
            "wita billing.overdue 2026-11-01",
            "wita billing.reminders 2026-11-01",
        ]
    );
    app.run_jobs().await;
    assert_eq!(
        statuses(&app, &tenants, "2026-10").await,
        [
            "wib:UNPAID,UNPAID",
            "wita:OVERDUE,OVERDUE",
            "wit:OVERDUE,OVERDUE"
        ]
    );

    // Jakarta's midnight last.
    tick_at(&app.state.db, at("2026-10-31T16:59:59Z"))
        .await
        .unwrap();
    let (new, l) = scheduled_since(&app, "wib", last).await;
    last = l;
    assert_eq!(
        new,
        Vec::<String>::new(),
        "nothing new before WIB's midnight"
    );
    tick_at(&app.state.db, at("2026-10-31T17:00:00Z"))
        .await
        .unwrap();
    let (new, _) = scheduled_since(&app, "wib", last).await;
    assert_eq!(
        new,
        [
            "wib billing.generate 2026-11",
            "wib billing.overdue 2026-11-01",
            "wib billing.reminders 2026-11-01",
        ]
    );
    app.run_jobs().await;
    assert_eq!(
        statuses(&app, &tenants, "2026-10").await,
        [
            "wib:OVERDUE,OVERDUE",
            "wita:OVERDUE,OVERDUE",
            "wit:OVERDUE,OVERDUE"
        ]
    );
}

#[tokio::test]
async fn bills_wait_for_the_billing_day_in_the_tenants_own_time_zone() {
    let app = TestApp::spawn().await;
    in_zone(&app, "wib", "Asia/Jakarta").await;
    in_zone(&app, "wita", "Asia/Makassar").await;
    for t in ["wib", "wita"] {
        app.sql(t, "UPDATE settings SET billing_day = 5").await;
    }
    // 4 November 23:30 in Jakarta, 5 November 00:30 in Makassar.
    tick_at(&app.state.db, at("2026-11-04T16:30:00Z"))
        .await
        .unwrap();
    let generate = "SELECT tenant_slug || ' ' || (payload->>'period') FROM control.jobs \
                    WHERE kind = 'billing.generate' ORDER BY id";
    assert_eq!(app.rows("wib", generate).await, ["wita 2026-11"]);
    app.run_jobs().await;
    assert_eq!(
        app.rows("wib", "SELECT count(*)::text FROM bills").await,
        ["0"],
        "nothing generated before the billing day"
    );
    assert_eq!(
        app.rows(
            "wita",
            "SELECT count(*)::text FROM bills WHERE period = '2026-11'"
        )
        .await,
        ["2"]
    );

    tick_at(&app.state.db, at("2026-11-04T17:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        app.rows("wib", generate).await,
        ["wita 2026-11", "wib 2026-11"]
    );
    app.run_jobs().await;
    assert_eq!(
        app.rows(
            "wib",
            "SELECT count(*)::text FROM bills WHERE period = '2026-11'"
        )
        .await,
        ["2"]
    );
}

#[tokio::test]
async fn reminders_go_out_exactly_7_3_and_1_days_before_due() {
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(smtp)).await;
    app.tenant("alpha", 10, 10).await; // every unit's owner has an email address
    jobs::enqueue(
        &app.state.db,
        "alpha",
        kind::GENERATE_BILLS,
        json!({"period": "2026-10"}),
        None,
        false,
    )
    .await
    .unwrap();
    app.run_jobs().await;
    // Unit n's bill is due n - 1 days after 20 October: 0, 1, 2, ... 9 days ahead.
    app.sql(
        "alpha",
        "UPDATE bills SET due_on = DATE '2026-10-20' + (unit_id - 1)::int",
    )
    .await;

    // 20 October, 12:00 in Jakarta.
    tick_at(&app.state.db, at("2026-10-20T05:00:00Z"))
        .await
        .unwrap();
    app.run_jobs().await;
    let reminded = "SELECT coalesce(string_agg((b.due_on - DATE '2026-10-20')::text, ',' ORDER BY b.due_on), '') \
                    FROM notifications n JOIN bills b ON b.id = n.bill_id WHERE n.kind = 'REMINDER'";
    assert_eq!(
        app.rows("alpha", reminded).await,
        ["1,3,7"],
        "days before due of the reminded bills"
    );
    let mut due_dates: Vec<String> = sink
        .mails()
        .iter()
        .map(|m| {
            assert!(m.data.contains("Pengingat tagihan 2026-10"), "{}", m.data);
            let at = m.data.find("jatuh tempo ").unwrap() + "jatuh tempo ".len();
            m.data[at..at + 10].to_owned()
        })
        .collect();
    due_dates.sort();
    assert_eq!(due_dates, ["21-10-2026", "23-10-2026", "27-10-2026"]);

    // Later the same day: nothing again.
    tick_at(&app.state.db, at("2026-10-20T16:59:59Z"))
        .await
        .unwrap();
    app.run_jobs().await;
    assert_eq!(sink.mails().len(), 3);
}

/// One row of the late-fee table: the tenant's setting, the bill, and the fee worked out
/// by hand (half a rupiah rounds up; a percentage is of the whole bill, PPN included).
struct LateFee {
    kind: &'static str,
    value: i64,
    subtotal: i64,
    ppn: i64,
    paid: i64,
    fee: i64,
}

#[rustfmt::skip]
const LATE_FEES: [LateFee; 9] = [
    // 2% of 150,000 = 3,000
    LateFee { kind: "PERCENT", value: 200, subtotal: 150_000, ppn: 0, paid: 0, fee: 3_000 },
    // 2% of 111,000 (100,000 + 11% PPN) = 2,220
    LateFee { kind: "PERCENT", value: 200, subtotal: 100_000, ppn: 11_000, paid: 0, fee: 2_220 },
    // 2.5% of 123,456 = 3,086.4 -> 3,086
    LateFee { kind: "PERCENT", value: 250, subtotal: 123_456, ppn: 0, paid: 0, fee: 3_086 },
    // 2.5% of 100,020 = 2,500.5 -> 2,501 (half up)
    LateFee { kind: "PERCENT", value: 250, subtotal: 100_020, ppn: 0, paid: 0, fee: 2_501 },
    // 0.01% of 99,999 = 9.9999 -> 10
    LateFee { kind: "PERCENT", value: 1, subtotal: 99_999, ppn: 0, paid: 0, fee: 10 },
    // 1% of 49 = 0.49 -> 0: overdue, no fee line
    LateFee { kind: "PERCENT", value: 100, subtotal: 49, ppn: 0, paid: 0, fee: 0 },
    // a flat 25,000, whatever the bill
    LateFee { kind: "FLAT", value: 25_000, subtotal: 150_000, ppn: 0, paid: 0, fee: 25_000 },
    // a flat 25,000 on a bill 30,000 of 80,000 paid
    LateFee { kind: "FLAT", value: 25_000, subtotal: 80_000, ppn: 0, paid: 30_000, fee: 25_000 },
    // no late fee
    LateFee { kind: "NONE", value: 0, subtotal: 150_000, ppn: 0, paid: 0, fee: 0 },
];

#[tokio::test]
async fn late_fees_match_amounts_worked_out_by_hand() {
    let app = TestApp::spawn().await;
    let units = u32::try_from(LATE_FEES.len()).unwrap();
    app.tenant("alpha", units, units).await;
    let token = app.manager_token("alpha").await;
    jobs::enqueue(
        &app.state.db,
        "alpha",
        kind::GENERATE_BILLS,
        json!({"period": "2026-10"}),
        None,
        false,
    )
    .await
    .unwrap();
    app.run_jobs().await;
    app.sql("alpha", "UPDATE bills SET due_on = '2026-12-10'")
        .await; // none due yet

    for (n, row) in LATE_FEES.iter().enumerate() {
        let unit = n + 1;
        let body = app
            .gql(
                Some("alpha"),
                Some(&token),
                "mutation($k: LateFeeKind!, $v: Int!) { updateBillingSettings(input: \
                 {billingDay: 1, dueDay: 10, lateFeeKind: $k, lateFeeValue: $v}) }",
                json!({"k": row.kind, "v": row.value}),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        // Unit n's bill, due 10 October, of the row's amounts.
        let status = if row.paid > 0 {
            "PARTIALLY_PAID"
        } else {
            "UNPAID"
        };
        app.sql(
            "alpha",
            &format!(
                "UPDATE bills SET subtotal = {s}, ppn = {p}, total = {t}, paid = {paid}, status = '{status}', \
                        due_on = '2026-10-10' WHERE unit_id = {unit}",
                s = row.subtotal,
                p = row.ppn,
                t = row.subtotal + row.ppn,
                paid = row.paid,
            ),
        )
        .await;
        // The sweep of 11 October: only this bill is past due and not yet overdue.
        jobs::enqueue(
            &app.state.db,
            "alpha",
            kind::OVERDUE_SWEEP,
            json!({"day": "2026-10-11"}),
            None,
            false,
        )
        .await
        .unwrap();
        app.run_jobs().await;
        let got = app
            .rows(
                "alpha",
                &format!(
                    "SELECT concat_ws('|', status, late_fee, total, \
                            coalesce((SELECT string_agg(amount::text, ',') FROM bill_items i \
                                      WHERE i.bill_id = b.id AND i.kind = 'LATE_FEE'), 'no fee line')) \
                     FROM bills b WHERE unit_id = {unit}"
                ),
            )
            .await;
        let line = if row.fee > 0 {
            row.fee.to_string()
        } else {
            "no fee line".into()
        };
        assert_eq!(
            got,
            [format!(
                "OVERDUE|{}|{}|{line}",
                row.fee,
                row.subtotal + row.ppn + row.fee
            )],
            "{} {} on {} + {} PPN (status|late fee|total|fee line)",
            row.kind,
            row.value,
            row.subtotal,
            row.ppn
        );
    }
    // Each bill moved once: the later sweeps left the earlier rows' bills alone.
    assert_eq!(
        app.rows(
            "alpha",
            "SELECT count(*)::text FROM bills WHERE status = 'OVERDUE'"
        )
        .await,
        [LATE_FEES.len().to_string()]
    );
}

#[tokio::test]
async fn a_suspended_tenant_gets_no_scheduled_jobs() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    app.tenant("beta", 2, 2).await;
    let beta = TenantSlug::parse("beta").unwrap();
    set_status(&app.state.db, &beta, false).await.unwrap();
    tick_at(&app.state.db, at("2026-10-20T05:00:00Z"))
        .await
        .unwrap();
    let tenants = "SELECT DISTINCT tenant_slug FROM control.jobs ORDER BY 1";
    assert_eq!(app.rows("alpha", tenants).await, ["alpha"]);

    set_status(&app.state.db, &beta, true).await.unwrap();
    tick_at(&app.state.db, at("2026-10-20T05:00:00Z"))
        .await
        .unwrap();
    assert_eq!(app.rows("alpha", tenants).await, ["alpha", "beta"]);
}

#[tokio::test]
async fn schedulers_ticking_at_once_enqueue_each_job_once() {
    const SCHEDULERS: usize = 4;
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    app.tenant("beta", 2, 2).await;
    let now = at("2026-10-20T05:00:00Z"); // 20 October in Jakarta
    // The test is a scheduler in the middle of enqueuing alpha's first job (uncommitted),
    // so the others' enqueues of it all wait for its outcome, at the same statement.
    let holder = holder(&app).await;
    let first = holder.begin().await.unwrap();
    jobs::enqueue(
        &first,
        "alpha",
        kind::OVERDUE_SWEEP,
        json!({"day": "2026-10-20"}),
        Some("billing.overdue:alpha:2026-10-20".into()),
        true,
    )
    .await
    .unwrap();
    // Each scheduler with its own connections, as separate processes have.
    let mut ticks = vec![];
    for _ in 0..SCHEDULERS {
        let db = sea_orm::Database::connect(&app.db_url).await.unwrap();
        ticks.push(tokio::spawn(async move { tick_at(&db, now).await }));
    }
    eventually(
        "every scheduler waits on the job being enqueued",
        || async {
            lock_waiters(&app.state.db, "INSERT INTO control.jobs").await
                == i64::try_from(SCHEDULERS).unwrap()
        },
    )
    .await;
    // It gives up (rolls back): now they all race to enqueue it, and everything after it.
    first.rollback().await.unwrap();
    for t in ticks {
        t.await.unwrap().unwrap();
    }
    let counts = app
        .rows(
            "alpha",
            "SELECT tenant_slug || ' ' || kind || ' ' || count(*) FROM control.jobs \
             GROUP BY tenant_slug, kind ORDER BY 1",
        )
        .await;
    assert_eq!(
        counts,
        [
            "alpha billing.generate 1",
            "alpha billing.overdue 1",
            "alpha billing.reminders 1",
            "alpha privacy.retention 1",
            "beta billing.generate 1",
            "beta billing.overdue 1",
            "beta billing.reminders 1",
            "beta privacy.retention 1",
        ]
    );
}
