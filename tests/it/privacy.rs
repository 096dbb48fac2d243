//! Privacy (Indonesia's PDP law): a resident's data export, anonymisation on request, the
//! retention sweep in each tenant's time zone, and NIK validation.
//!
//! The demo tenant "alpha" (4 units, 6 residents): resident 1 (the resident login, "Siti
//! Santoso") and resident 5 share unit 1; resident 2 lives in unit 2.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use klustera::jobs::scheduler::tick_at;
use klustera_graphql::domains::privacy::service::pseudonym;

use crate::app::{PASSWORD, TestApp, code, gid};

const EXPORT: &str =
    "mutation($r: ID!) { exportResidentData(residentId: $r) { residentId document } }";
const ANONYMISE: &str = "mutation($r: ID!, $why: String!) { anonymiseResident(residentId: $r, reason: $why) { id fullName phone email identityNumber } }";
const CREATE: &str =
    "mutation($i: ResidentInput!) { createResident(input: $i) { id identityNumber } }";
const UPDATE: &str = "mutation($id: ID!, $i: ResidentInput!) { updateResident(id: $id, input: $i) { id identityNumber } }";
const UNITS: &str = "{ units(first: 1) { edges { node { id } } } }";

/// Resident 1's identifiers, as the demo seeds them.
struct Siti {
    name: String,
    phone: String,
    email: String,
    nik: String,
    user: i64,
}

async fn siti(app: &TestApp) -> Siti {
    let r = app
        .rows(
            "alpha",
            "SELECT concat_ws('|', r.full_name, r.phone, r.email, r.identity_number, u.id) \
             FROM residents r JOIN users u ON u.resident_id = r.id WHERE r.id = 1",
        )
        .await;
    let f: Vec<&str> = r[0].split('|').collect();
    Siti {
        name: f[0].into(),
        phone: f[1].into(),
        email: f[2].into(),
        nik: f[3].into(),
        user: f[4].parse().unwrap(),
    }
}

/// A bit of everything about resident 1 (as the domains' own mutations leave it): a bill
/// of unit 1 paid with a reference naming her, a complaint and comments (one an internal
/// staff note), votes on an open and a secret poll, a booking, a receipt notification.
async fn history(app: &TestApp, s: &Siti) {
    let first = s.name.split(' ').next().unwrap();
    app.sql(
        "alpha",
        &format!(
            "INSERT INTO bills (unit_id, period, due_on, subtotal, ppn, total, paid, status) \
                 VALUES (1, '2026-01', '2026-01-10', 200000, 0, 200000, 200000, 'PAID'); \
             INSERT INTO payments (bill_id, method, amount, reference) \
                 VALUES (1, 'TRANSFER', 200000, 'transfer BCA a.n. {name}'); \
             INSERT INTO bills (unit_id, period, due_on, subtotal, ppn, total) \
                 VALUES (2, '2026-01', '2026-01-10', 175000, 0, 175000); \
             INSERT INTO complaints (resident_id, unit_id, category, priority, title, description, due_at) \
                 VALUES (1, 1, 'Lampu', 'LOW', 'Lampu jalan mati', 'Hubungi {first} di {phone} atau {email}', now()); \
             INSERT INTO complaint_comments (complaint_id, author_user_id, body) VALUES (1, {user}, 'Masih mati, {first}'); \
             INSERT INTO complaint_comments (complaint_id, author_user_id, body, internal) \
                 VALUES (1, (SELECT id FROM users WHERE role = 'MANAGER'), 'catatan staf rahasia', true); \
             INSERT INTO polls (title, eligibility, ballot, opens_at, closes_at) VALUES \
                 ('Warna pagar', 'RESIDENT', 'OPEN', now() - interval '1 day', now() + interval '1 day'), \
                 ('Ketua RT', 'RESIDENT', 'SECRET', now() - interval '1 day', now() + interval '1 day'); \
             INSERT INTO poll_options (poll_id, position, label) VALUES (1, 1, 'Hijau'), (2, 1, 'Pak Joko'); \
             INSERT INTO votes (poll_id, option_id, resident_id, unit_id, ballot_key) VALUES (1, 1, 1, 1, 1), (2, 2, 1, 1, 1); \
             INSERT INTO facilities (name, kind, capacity, pricing) VALUES ('Aula', 'EXCLUSIVE', 50, 'FREE'); \
             INSERT INTO bookings (facility_id, exclusive, unit_id, booked_by, resident_id, starts_at, ends_at, \
                                   party_size, status, subtotal, ppn, total, deposit, note) \
                 VALUES (1, true, 1, {user}, 1, '2026-02-01 10:00+07', '2026-02-01 12:00+07', 20, 'CONFIRMED', \
                         0, 0, 0, 0, 'arisan keluarga {first}'); \
             INSERT INTO notifications (dedupe_key, kind, bill_id, resident_id, recipient, subject, body) \
                 VALUES ('receipt:1', 'RECEIPT', 1, 1, '{email}', 'Tanda terima pembayaran 2026-01', \
                         'Yth. {name}, pembayaran Rp 200000 telah kami terima.');",
            name = s.name,
            phone = s.phone,
            email = s.email,
            user = s.user,
        ),
    )
    .await;
}

fn document(body: &Value) -> &Value {
    let doc = &body["data"]["exportResidentData"]["document"];
    assert!(doc.is_object(), "{body}");
    doc
}

#[tokio::test]
async fn a_resident_exports_everything_held_about_them_and_a_manager_anyone_audited() {
    let app = TestApp::spawn().await;
    let logins = app.tenant("alpha", 4, 6).await;
    let s = siti(&app).await;
    history(&app, &s).await;
    let (resident, _) = app.login("alpha", &logins.resident).await;
    let manager = app.manager_token("alpha").await;

    let body = app
        .gql(
            Some("alpha"),
            Some(&resident),
            EXPORT,
            json!({"r": gid("Resident", 1)}),
        )
        .await;
    let doc = document(&body);
    assert_eq!(doc["resident"]["fullName"], s.name.as_str());
    assert_eq!(doc["resident"]["phone"], s.phone.as_str());
    assert_eq!(doc["resident"]["identityNumber"], s.nik.as_str());
    assert_eq!(doc["household"][0]["unitId"], 1);
    assert_eq!(doc["logins"][0]["userId"], s.user);
    assert!(
        !doc["logins"][0]["sessions"].as_array().unwrap().is_empty(),
        "her sign-in is a session: {doc}"
    );
    // Her household's bill only, with its payment; not unit 2's.
    let bills = doc["bills"].as_array().unwrap();
    assert_eq!(bills.len(), 1, "{doc}");
    assert_eq!(bills[0]["total"], 200000);
    assert_eq!(bills[0]["payments"][0]["amount"], 200000);
    assert_eq!(doc["complaints"][0]["title"], "Lampu jalan mati");
    let comments: Vec<&str> = doc["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(comments.len(), 1, "only what she wrote: {comments:?}");
    // The open ballot with her choice, the secret one only as cast.
    let votes = doc["votes"].as_array().unwrap();
    assert_eq!(votes[0]["option"], "Hijau");
    assert_eq!(votes[1]["ballot"], "SECRET");
    assert_eq!(votes[1]["voted"], true);
    assert!(votes[1].get("option").is_none(), "{}", votes[1]);
    assert_eq!(doc["bookings"][0]["facility"], "Aula");
    assert_eq!(doc["notifications"][0]["recipient"], s.email.as_str());
    let text = doc.to_string();
    for secret in [
        "password",
        "argon2",
        "catatan staf rahasia",
        "Pak Joko",
        "tokenHash",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // A manager exports anyone; the export is audited: who exported whom.
    let by_manager = app
        .gql(
            Some("alpha"),
            Some(&manager),
            EXPORT,
            json!({"r": gid("Resident", 1)}),
        )
        .await;
    assert_eq!(document(&by_manager)["resident"]["id"], 1);
    let audited = app
        .rows(
            "alpha",
            "SELECT a.actor_role || ' ' || (a.actor = (SELECT id::text FROM users WHERE resident_id = 1))::text \
                    || ' ' || array_to_string(a.target_ids, ',') \
             FROM audit_log a WHERE operation = 'exportResidentData' ORDER BY a.id",
        )
        .await;
    assert_eq!(
        audited,
        ["RESIDENT true resident:1", "MANAGER false resident:1"]
    );
    // Her next export lists both exports among the audit entries about her.
    let again = app
        .gql(
            Some("alpha"),
            Some(&resident),
            EXPORT,
            json!({"r": gid("Resident", 1)}),
        )
        .await;
    let audit = document(&again)["audit"].as_array().unwrap().clone();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a["operation"] == "exportResidentData")
            .count(),
        2,
        "{audit:?}"
    );

    // Another household's resident does not exist for her; her own household's is not hers.
    let other = app
        .gql(
            Some("alpha"),
            Some(&resident),
            EXPORT,
            json!({"r": gid("Resident", 2)}),
        )
        .await;
    assert_eq!(code(&other), "NOT_FOUND", "{other}");
    let housemate = app
        .gql(
            Some("alpha"),
            Some(&resident),
            EXPORT,
            json!({"r": gid("Resident", 5)}),
        )
        .await;
    assert_eq!(code(&housemate), "FORBIDDEN", "{housemate}");
    let (security, _) = app.login("alpha", &logins.security).await;
    let guard = app
        .gql(
            Some("alpha"),
            Some(&security),
            EXPORT,
            json!({"r": gid("Resident", 1)}),
        )
        .await;
    assert_eq!(code(&guard), "FORBIDDEN", "{guard}");
}

#[tokio::test]
async fn anonymisation_replaces_identifiers_keeps_the_money_and_ends_every_session() {
    let app = TestApp::spawn().await;
    let logins = app.tenant("alpha", 4, 6).await;
    let s = siti(&app).await;
    history(&app, &s).await;
    let (resident, refresh) = app.login("alpha", &logins.resident).await;
    let manager = app.manager_token("alpha").await;
    let alias = pseudonym(1);

    let reason = format!("{} meminta penghapusan data (pindah)", s.name);
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            ANONYMISE,
            json!({"r": gid("Resident", 1), "why": reason}),
        )
        .await;
    let r = &body["data"]["anonymiseResident"];
    assert_eq!(r["fullName"], alias.as_str(), "{body}");
    assert!(r["phone"].is_null() && r["email"].is_null() && r["identityNumber"].is_null());

    // Her login: refused at once, its refresh token dead, her phone no longer signs in.
    let refused = app
        .gql(Some("alpha"), Some(&resident), UNITS, json!({}))
        .await;
    assert_eq!(code(&refused), "UNAUTHENTICATED", "{refused}");
    let refreshed = app
        .gql(
            Some("alpha"),
            None,
            "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
            json!({"t": refresh}),
        )
        .await;
    assert!(refreshed["errors"].is_array(), "{refreshed}");
    let login = app
        .gql(
            Some("alpha"),
            None,
            "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken } }",
            json!({"i": logins.resident, "p": PASSWORD}),
        )
        .await;
    assert!(login["errors"].is_array(), "{login}");

    // The money stays, as it was; free text keeps its words but not her identifiers.
    let kept = app
        .rows(
            "alpha",
            "SELECT concat_ws('|', (SELECT string_agg(total || '/' || paid, ',' ORDER BY id) FROM bills), \
                    (SELECT string_agg(amount || ' ' || reference, ',') FROM payments), \
                    (SELECT description FROM complaints), \
                    (SELECT string_agg(body, ',' ORDER BY id) FROM complaint_comments), \
                    (SELECT note FROM bookings), (SELECT count(*) FROM votes), \
                    (SELECT string_agg((ends_on IS NOT NULL)::text, ',') FROM resident_units WHERE resident_id = 1))",
        )
        .await;
    assert_eq!(
        kept[0],
        format!(
            "200000/200000,175000/0|200000 transfer BCA a.n. {alias}|Hubungi {alias} di {alias} atau {alias}|\
             Masih mati, {alias},catatan staf rahasia|arisan keluarga {alias}|2|true"
        )
    );
    // Nowhere in her rows, the audit trail included, is an identifier left.
    let leaks = app
        .rows(
            "alpha",
            &format!(
                "SELECT t FROM (SELECT residents::text AS t FROM residents WHERE id = 1 \
                   UNION ALL SELECT users::text FROM users WHERE resident_id = 1 \
                   UNION ALL SELECT notifications::text FROM notifications \
                   UNION ALL SELECT audit_log::text FROM audit_log) x \
                 WHERE t ILIKE ANY (ARRAY['%{}%', '%{}%', '%{}%', '%{}%', '%{}%'])",
                s.name,
                &s.phone[3..],
                s.email,
                s.nik,
                s.name.split(' ').next().unwrap()
            ),
        )
        .await;
    assert!(leaks.is_empty(), "{leaks:?}");
    // The audit row: who, whom, and the reason, scrubbed.
    let audit = app
        .rows(
            "alpha",
            "SELECT actor_role || ' ' || array_to_string(target_ids, ',') || ' ' || note \
             FROM audit_log WHERE operation = 'anonymiseResident'",
        )
        .await;
    assert_eq!(
        audit,
        [format!(
            "MANAGER resident:1,user:{} {alias} meminta penghapusan data (pindah)",
            s.user
        )]
    );

    // The export afterwards shows only the pseudonym.
    let after = app
        .gql(
            Some("alpha"),
            Some(&manager),
            EXPORT,
            json!({"r": gid("Resident", 1)}),
        )
        .await;
    let text = document(&after).to_string();
    assert!(text.contains(&alias));
    for id in [
        s.name.as_str(),
        &s.phone[3..],
        s.email.as_str(),
        s.nik.as_str(),
    ] {
        assert!(!text.contains(id), "{id} in {text}");
    }

    // Idempotent: again, nothing changes (her login's version stays where it went).
    let version = "SELECT auth_version::text FROM users WHERE resident_id = 1";
    let before = app.rows("alpha", version).await;
    let again = app
        .gql(
            Some("alpha"),
            Some(&manager),
            ANONYMISE,
            json!({"r": gid("Resident", 1), "why": "lagi"}),
        )
        .await;
    assert_eq!(
        again["data"]["anonymiseResident"]["fullName"],
        alias.as_str(),
        "{again}"
    );
    assert_eq!(app.rows("alpha", version).await, before);
    // Irreversible: the record takes no identifier back.
    let restore = app
        .gql(
            Some("alpha"),
            Some(&manager),
            UPDATE,
            json!({"id": gid("Resident", 1), "i": {"fullName": s.name}}),
        )
        .await;
    assert_eq!(code(&restore), "CONFLICT", "{restore}");

    // Managers only, and a reason is required.
    let (other, _) = app.login("alpha", &logins.security).await;
    let denied = app
        .gql(
            Some("alpha"),
            Some(&other),
            ANONYMISE,
            json!({"r": gid("Resident", 2), "why": "x"}),
        )
        .await;
    assert_eq!(code(&denied), "FORBIDDEN");
    let no_reason = app
        .gql(
            Some("alpha"),
            Some(&manager),
            ANONYMISE,
            json!({"r": gid("Resident", 2), "why": " "}),
        )
        .await;
    assert_eq!(code(&no_reason), "BAD_USER_INPUT");
    assert_eq!(no_reason["errors"][0]["extensions"]["field"], "reason");
}

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

/// Retention of 30 days in a WIT tenant (UTC+9). Resident 3 left unit 3 on 9 February:
/// anonymised on 11 March local time (30 days on), which begins at 15:00 UTC on 10 March;
/// resident 4, who left on 10 February, and resident 2, still living there, are kept.
#[tokio::test]
async fn the_retention_sweep_anonymises_former_residents_on_their_tenants_date_once() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 4, 6).await;
    app.sql(
        "alpha",
        "UPDATE control.tenants SET time_zone = 'Asia/Jayapura' WHERE slug = 'alpha'; \
         UPDATE resident_units SET starts_on = '2024-01-01'; \
         UPDATE resident_units SET ends_on = '2026-02-09' WHERE resident_id = 3; \
         UPDATE resident_units SET ends_on = '2026-02-10' WHERE resident_id = 4; \
         INSERT INTO users (email, password_hash, role, resident_id, display_name) \
             SELECT 'r3@mail.test', 'x', 'RESIDENT', 3, full_name FROM residents WHERE id = 3;",
    )
    .await;
    let manager = app.manager_token("alpha").await;
    let set = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation { updatePrivacySettings(formerResidentRetentionDays: 30) { formerResidentRetentionDays } }",
            json!({}),
        )
        .await;
    assert_eq!(
        set["data"]["updatePrivacySettings"]["formerResidentRetentionDays"], 30,
        "{set}"
    );
    let names = "SELECT string_agg(id || ':' || full_name, ',' ORDER BY id) FROM residents WHERE id IN (2, 3, 4)";
    let before = app.rows("alpha", names).await;

    // 23:30 on 10 March in Jayapura: not yet.
    tick_at(&app.state.db, at("2026-03-10T14:30:00Z"))
        .await
        .unwrap();
    app.run_jobs().await;
    assert_eq!(app.rows("alpha", names).await, before);

    // 00:30 on 11 March there: two schedulers tick, one sweep runs, while a manager asks
    // for the same resident's anonymisation at the same moment (her row held until both
    // wait for it). She is anonymised once.
    let held = app
        .hold("SELECT 1 FROM t_alpha.residents WHERE id = 3 FOR UPDATE")
        .await;
    tick_at(&app.state.db, at("2026-03-10T15:30:00Z"))
        .await
        .unwrap();
    tick_at(&app.state.db, at("2026-03-10T15:30:00Z"))
        .await
        .unwrap();
    let request = app.gql(
        Some("alpha"),
        Some(&manager),
        ANONYMISE,
        json!({"r": gid("Resident", 3), "why": "permintaan"}),
    );
    let (_, body, _) = tokio::join!(app.run_jobs(), request, async {
        app.until_lock_waiters(2).await;
        held.release().await;
    });
    assert_eq!(
        body["data"]["anonymiseResident"]["fullName"],
        pseudonym(3).as_str(),
        "{body}"
    );
    let mut expected: Vec<String> = before[0].split(',').map(str::to_owned).collect();
    expected[1] = format!("3:{}", pseudonym(3));
    assert_eq!(
        app.rows("alpha", names).await,
        [expected.join(",")],
        "only resident 3"
    );
    let once = app
        .rows(
            "alpha",
            "SELECT (SELECT count(*) FROM control.jobs WHERE kind = 'privacy.retention') || ' jobs, ' || \
                    (SELECT count(*) FROM audit_log WHERE 'resident:3' = ANY(target_ids) \
                       AND (operation = 'retentionAnonymise' OR note NOT LIKE 'already%')) || ' anonymisation, version ' || \
                    (SELECT auth_version FROM users WHERE resident_id = 3)",
        )
        .await;
    assert_eq!(once, ["2 jobs, 1 anonymisation, version 1"]);
}

#[tokio::test]
async fn a_nik_must_be_plausible_wherever_one_is_accepted() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    for bad in [
        "0000000000000000", // all zeros
        "9974011708900001", // province 99
        "3174011713900001", // month 13
        "3174017208900001", // day 72
        "317401170890001",  // 15 digits
    ] {
        for (query, vars) in [
            (
                CREATE,
                json!({"i": {"fullName": "Rina", "identityNumber": bad}}),
            ),
            (
                UPDATE,
                json!({"id": gid("Resident", 1), "i": {"identityNumber": bad}}),
            ),
        ] {
            let body = app.gql(Some("alpha"), Some(&manager), query, vars).await;
            assert_eq!(code(&body), "BAD_USER_INPUT", "{bad}: {body}");
            assert_eq!(
                body["errors"][0]["extensions"]["field"], "identityNumber",
                "{body}"
            );
        }
    }
    // A woman born 17 August 1990 in Jakarta Selatan, written with spaces.
    let ok = app
        .gql(
            Some("alpha"),
            Some(&manager),
            CREATE,
            json!({"i": {"fullName": "Rina", "identityNumber": "3174 0157 0890 0001"}}),
        )
        .await;
    assert_eq!(
        ok["data"]["createResident"]["identityNumber"], "3174015708900001",
        "{ok}"
    );
}
