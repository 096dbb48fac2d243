//! Complaints against the real app: filing and visibility, the status machine, internal
//! notes, Indonesian full-text search, the SLA job, statement counts, live subscriptions.

use serde_json::{Value, json};

use klustera_graphql::common::events::DomainEvent;
use klustera_graphql::common::jobs;
use klustera_graphql::common::live::EventSource;

use crate::app::{TestApp, code, gid, row_of};
use crate::live::Ws;

const T: &str = "melati";

const FILE: &str = "mutation($i: FileComplaintInput!) { fileComplaint(input: $i) {
    id status priority category title dueAt createdAt resident { id fullName } unit { id number } } }";

const STATUS: &str =
    "mutation($id: ID!, $s: ComplaintStatus!) { updateComplaintStatus(id: $id, status: $s) {
    id status resolvedAt closedAt nextStatuses } }";

const LIST: &str = "query($f: ComplaintFilterInput) { complaints(first: 50, filter: $f) {
    edges { node { id title resident { id } } } } }";

struct Estate {
    app: TestApp,
    manager: String,
    security: String,
    resident: String,
    /// The resident login's resident record.
    resident_id: String,
    /// The row id inside `resident_id` (for SQL and events).
    resident_row: i64,
}

async fn estate() -> Estate {
    let app = TestApp::spawn().await;
    let logins = app.tenant(T, 6, 8).await;
    let manager = app.manager_token(T).await;
    let security = app.login(T, &logins.security).await.0;
    let resident = app.login(T, &logins.resident).await.0;
    let me = app
        .gql(Some(T), Some(&resident), "{ me { residentId } }", json!({}))
        .await;
    let resident_id = me["data"]["me"]["residentId"].as_str().unwrap().to_owned();
    let resident_row = row_of(&me["data"]["me"]["residentId"]);
    Estate {
        app,
        manager,
        security,
        resident,
        resident_id,
        resident_row,
    }
}

impl Estate {
    async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        self.app.gql(Some(T), Some(token), query, variables).await
    }

    /// Files and returns the complaint (panics on errors).
    async fn file(&self, token: &str, input: Value) -> Value {
        let body = self.gql(token, FILE, json!({"i": input})).await;
        assert!(body["errors"].is_null(), "{body}");
        body["data"]["fileComplaint"].clone()
    }

    async fn set_status(&self, token: &str, id: &Value, status: &str) -> Value {
        self.gql(token, STATUS, json!({"id": id, "s": status}))
            .await
    }

    async fn ids(&self, token: &str, filter: Value) -> Vec<String> {
        let body = self.gql(token, LIST, json!({"f": filter})).await;
        body["data"]["complaints"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The row id of the user behind `token`.
    async fn user_id(&self, token: &str) -> String {
        let me = self.gql(token, "{ me { id } }", json!({})).await;
        me["data"]["me"]["id"].as_str().unwrap().to_owned()
    }
}

fn hours_between(from: &Value, to: &Value) -> i64 {
    let parse = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    (parse(to) - parse(from)).num_minutes().div_euclid(60)
}

#[tokio::test]
async fn complaints_residents_file_and_see_their_own_staff_see_all() {
    let e = estate().await;
    let mut events = e.app.state.events.subscribe(T);

    let own = e
        .file(
            &e.resident,
            json!({"unitId": gid("Unit", 1), "category": "Listrik", "title": "Lampu teras mati"}),
        )
        .await;
    assert_eq!(own["status"], "OPEN");
    assert_eq!(own["priority"], "MEDIUM");
    assert_eq!(own["resident"]["id"], e.resident_id.as_str());
    assert_eq!(own["unit"]["number"], "001");
    assert_eq!(
        hours_between(&own["createdAt"], &own["dueAt"]),
        72,
        "MEDIUM: 72 h SLA"
    );
    assert_eq!(
        *events.recv().await.unwrap(),
        DomainEvent::ComplaintChanged {
            complaint_id: row_of(&own["id"]),
            resident_id: Some(e.resident_row),
        }
    );

    // Not their household's unit; not on someone else's behalf; security does not file.
    let bad = e
        .gql(
            &e.resident,
            FILE,
            json!({"i": {"unitId": gid("Unit", 2), "category": "Air", "title": "Bocor"}}),
        )
        .await;
    assert_eq!(code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "unitId");
    let bad = e
        .gql(
            &e.resident,
            FILE,
            json!({"i": {"residentId": gid("Resident", 2), "category": "Air", "title": "Bocor"}}),
        )
        .await;
    assert_eq!(code(&bad), "FORBIDDEN");
    let bad = e
        .gql(
            &e.security,
            FILE,
            json!({"i": {"residentId": gid("Resident", 2), "category": "Air", "title": "Bocor"}}),
        )
        .await;
    assert_eq!(code(&bad), "FORBIDDEN");

    // A manager files on behalf of resident 2 (on their unit), with a shortened SLA.
    let sla = e
        .gql(
            &e.manager,
            "mutation { setComplaintSla(priority: URGENT, hours: 2) { priority hours } }",
            json!({}),
        )
        .await;
    assert_eq!(
        sla["data"]["setComplaintSla"][0],
        json!({"priority": "URGENT", "hours": 2}),
        "{sla}"
    );
    let other = e
        .file(
            &e.manager,
            json!({"residentId": gid("Resident", 2), "unitId": gid("Unit", 2), "category": "Air", "priority": "URGENT",
                   "title": "Pipa air bocor", "description": "Air menggenang di depan rumah"}),
        )
        .await;
    assert_eq!(other["resident"]["id"], gid("Resident", 2).as_str());
    assert_eq!(hours_between(&other["createdAt"], &other["dueAt"]), 2);

    let (own_id, other_id) = (own["id"].as_str().unwrap(), other["id"].as_str().unwrap());
    assert_eq!(e.ids(&e.resident, json!({})).await, vec![own_id]);
    assert_eq!(e.ids(&e.security, json!({})).await, vec![own_id, other_id]);
    assert_eq!(e.ids(&e.manager, json!({})).await, vec![own_id, other_id]);
    assert_eq!(
        e.ids(&e.manager, json!({"priority": "URGENT", "category": "air"}))
            .await,
        vec![other_id]
    );
    let hidden = e
        .gql(
            &e.resident,
            "query($id: ID!) { complaint(id: $id) { id } }",
            json!({"id": other_id}),
        )
        .await;
    assert_eq!(
        code(&hidden),
        "NOT_FOUND",
        "another resident's complaint does not exist for them"
    );
    let comment = e
        .gql(
            &e.resident,
            "mutation($id: ID!) { addComplaintComment(id: $id, body: \"Halo\") { id } }",
            json!({"id": other_id}),
        )
        .await;
    assert_eq!(code(&comment), "NOT_FOUND");

    // Another tenant's complaint ids mean nothing here.
    e.app.tenant("kenanga", 2, 2).await;
    let stranger = e.app.manager_token("kenanga").await;
    let elsewhere = e
        .app
        .gql(
            Some("kenanga"),
            Some(&stranger),
            "query($id: ID!) { complaint(id: $id) { id } }",
            json!({"id": own_id}),
        )
        .await;
    assert_eq!(code(&elsewhere), "NOT_FOUND");

    let audited = e
        .app
        .rows(
            T,
            "SELECT operation || ' ' || array_to_string(target_ids, ',') FROM audit_log \
                  WHERE operation IN ('fileComplaint', 'setComplaintSla') ORDER BY id",
        )
        .await;
    assert_eq!(
        audited,
        vec![
            format!("fileComplaint complaint:{}", row_of(&json!(own_id))),
            "setComplaintSla complaint_sla:URGENT".to_owned(),
            format!("fileComplaint complaint:{}", row_of(&json!(other_id))),
        ]
    );
}

#[tokio::test]
async fn complaints_status_machine_allows_only_legal_moves() {
    let e = estate().await;
    let c = e
        .file(
            &e.resident,
            json!({"category": "Jalan", "title": "Jalan berlubang"}),
        )
        .await;
    let id = &c["id"];

    let illegal = e.set_status(&e.manager, id, "RESOLVED").await;
    assert_eq!(code(&illegal), "BAD_USER_INPUT");
    assert_eq!(illegal["errors"][0]["extensions"]["field"], "status");
    let message = illegal["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("allowed next: IN_PROGRESS"), "{message}");

    // Legal moves, but not the resident's nor an unassigned security guard's to make.
    assert_eq!(
        code(&e.set_status(&e.resident, id, "IN_PROGRESS").await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(&e.set_status(&e.security, id, "IN_PROGRESS").await),
        "FORBIDDEN"
    );

    // Assignment: only to staff.
    let resident_user = e.user_id(&e.resident).await;
    let assign = "mutation($id: ID!, $u: ID) { assignComplaint(id: $id, userId: $u) { assignee { displayName role } } }";
    let bad = e
        .gql(&e.manager, assign, json!({"id": id, "u": resident_user}))
        .await;
    assert_eq!(code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "userId");
    let guard_user = e.user_id(&e.security).await;
    let assigned = e
        .gql(&e.manager, assign, json!({"id": id, "u": guard_user}))
        .await;
    assert_eq!(
        assigned["data"]["assignComplaint"]["assignee"],
        json!({"displayName": "Pos Satpam", "role": "SECURITY"})
    );
    let mine = e.ids(&e.security, json!({"assignedToMe": true})).await;
    assert_eq!(mine, vec![id.as_str().unwrap()]);

    let moved = e.set_status(&e.security, id, "IN_PROGRESS").await;
    assert_eq!(
        moved["data"]["updateComplaintStatus"]["status"], "IN_PROGRESS",
        "{moved}"
    );
    let resolved = e.set_status(&e.security, id, "RESOLVED").await;
    let resolved = &resolved["data"]["updateComplaintStatus"];
    assert_eq!(resolved["status"], "RESOLVED");
    assert!(resolved["resolvedAt"].is_string());

    let counters = e
        .gql(
            &e.manager,
            "{ complaintCounters { open inProgress overdue resolvedToday } }",
            json!({}),
        )
        .await;
    assert_eq!(
        counters["data"]["complaintCounters"],
        json!({"open": 0, "inProgress": 0, "overdue": 0, "resolvedToday": 1})
    );

    // The resident who filed it rejects the fix, staff work on it again, the resident closes it.
    let view = e
        .gql(
            &e.resident,
            "query($id: ID!) { complaint(id: $id) { nextStatuses } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        view["data"]["complaint"]["nextStatuses"],
        json!(["CLOSED", "REOPENED"])
    );
    let reopened = e.set_status(&e.resident, id, "REOPENED").await;
    let reopened = &reopened["data"]["updateComplaintStatus"];
    assert_eq!(reopened["status"], "REOPENED");
    assert!(reopened["resolvedAt"].is_null());
    for s in ["IN_PROGRESS", "RESOLVED"] {
        let body = e.set_status(&e.manager, id, s).await;
        assert_eq!(body["data"]["updateComplaintStatus"]["status"], s, "{body}");
    }
    let closed = e.set_status(&e.resident, id, "CLOSED").await;
    let closed = &closed["data"]["updateComplaintStatus"];
    assert_eq!(closed["status"], "CLOSED");
    assert!(closed["closedAt"].is_string());
    assert_eq!(closed["nextStatuses"], json!([]));

    let final_ = e.set_status(&e.manager, id, "REOPENED").await;
    assert_eq!(code(&final_), "BAD_USER_INPUT");
    let message = final_["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("CLOSED is final"), "{message}");
}

#[tokio::test]
async fn complaints_internal_notes_never_reach_residents() {
    let e = estate().await;
    let c = e
        .file(
            &e.resident,
            json!({"category": "Keamanan", "title": "Orang mencurigakan"}),
        )
        .await;
    let id = &c["id"];
    let comment = "mutation($id: ID!, $b: String!, $i: Boolean!) {
        addComplaintComment(id: $id, body: $b, internal: $i) { body internal author { role } } }";

    let sneaky = e
        .gql(
            &e.resident,
            comment,
            json!({"id": id, "b": "catatan", "i": true}),
        )
        .await;
    assert_eq!(code(&sneaky), "FORBIDDEN");
    for (token, body, internal) in [
        (&e.resident, "Terlihat jam 2 pagi", false),
        (&e.manager, "Cek CCTV blok A dulu", true),
        (&e.security, "Sudah kami patroli", false),
    ] {
        let added = e
            .gql(token, comment, json!({"id": id, "b": body, "i": internal}))
            .await;
        assert_eq!(
            added["data"]["addComplaintComment"]["internal"], internal,
            "{added}"
        );
    }
    let attach =
        "mutation($id: ID!, $u: String!) { addComplaintAttachment(id: $id, url: $u) { url } }";
    let ok = e
        .gql(
            &e.resident,
            attach,
            json!({"id": id, "u": "https://foto.example.id/cctv.jpg"}),
        )
        .await;
    assert_eq!(
        ok["data"]["addComplaintAttachment"]["url"],
        "https://foto.example.id/cctv.jpg"
    );
    let bad = e
        .gql(
            &e.resident,
            attach,
            json!({"id": id, "u": "javascript:alert(1)"}),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "url");

    let thread = |token: &str| {
        let token = token.to_owned();
        let e = &e;
        async move {
            let one = e
                .gql(&token, "query($id: ID!) { complaint(id: $id) { comments { body internal } attachments { url } } }", json!({"id": id}))
                .await;
            let listed = e
                .gql(
                    &token,
                    "{ complaints { edges { node { comments { body } } } } }",
                    json!({}),
                )
                .await;
            let bodies = |v: &Value| -> Vec<String> {
                v.as_array()
                    .unwrap_or_else(|| panic!("{one} {listed}"))
                    .iter()
                    .map(|c| c["body"].as_str().unwrap().to_owned())
                    .collect()
            };
            let single = bodies(&one["data"]["complaint"]["comments"]);
            assert_eq!(
                single,
                bodies(&listed["data"]["complaints"]["edges"][0]["node"]["comments"])
            );
            assert_eq!(
                one["data"]["complaint"]["attachments"]
                    .as_array()
                    .unwrap()
                    .len(),
                1
            );
            single
        }
    };
    assert_eq!(
        thread(&e.resident).await,
        vec!["Terlihat jam 2 pagi", "Sudah kami patroli"]
    );
    assert_eq!(
        thread(&e.manager).await,
        vec![
            "Terlihat jam 2 pagi",
            "Cek CCTV blok A dulu",
            "Sudah kami patroli"
        ]
    );
}

#[tokio::test]
async fn complaints_full_text_search_finds_indonesian_words() {
    let e = estate().await;
    let mut ids = Vec::new();
    for (title, description) in [
        (
            "Lampu jalan mati",
            "Lampu jalan di depan Blok A mati sejak kemarin malam",
        ),
        ("Air PAM keruh", "Air dari keran berwarna coklat dan berbau"),
        (
            "Sampah belum diangkut",
            "Sampah menumpuk di dekat pos, lampu taman juga redup",
        ),
    ] {
        let c = e
            .file(
                &e.resident,
                json!({"category": "Umum", "title": title, "description": description}),
            )
            .await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    let search = |q: &str| e.ids(&e.manager, json!({"search": q}));
    assert_eq!(search("lampu jalan mati").await, vec![ids[0].clone()]);
    assert_eq!(
        search("AIR keruh").await,
        vec![ids[1].clone()],
        "case-insensitive"
    );
    assert_eq!(search("lampu").await, vec![ids[0].clone(), ids[2].clone()]);
    assert_eq!(
        search("lampu -sampah").await,
        vec![ids[0].clone()],
        "web-search negation"
    );
    assert_eq!(
        search("\"coklat dan berbau\"").await,
        vec![ids[1].clone()],
        "phrase"
    );
    assert!(search("banjir").await.is_empty());
    // Search narrows what the caller may see; it never widens it.
    assert_eq!(
        e.ids(&e.resident, json!({"search": "keruh"})).await,
        vec![ids[1].clone()]
    );
}

#[tokio::test]
async fn complaints_sla_job_marks_breaches_once() {
    let e = estate().await;
    let late = e
        .file(
            &e.resident,
            json!({"category": "Listrik", "priority": "HIGH", "title": "Listrik padam"}),
        )
        .await;
    let done = e
        .file(
            &e.resident,
            json!({"category": "Listrik", "title": "Stop kontak rusak"}),
        )
        .await;
    let fresh = e
        .file(
            &e.resident,
            json!({"category": "Listrik", "title": "Kabel menjuntai"}),
        )
        .await;
    for s in ["IN_PROGRESS", "RESOLVED"] {
        e.set_status(&e.manager, &done["id"], s).await;
    }
    // Both past due; only the one still being worked on breaches.
    e.app
        .sql(
            T,
            &format!(
                "UPDATE complaints SET due_at = now() - interval '1 hour' WHERE id IN ({}, {})",
                row_of(&late["id"]),
                row_of(&done["id"])
            ),
        )
        .await;
    let mut events = e.app.state.events.subscribe(T);

    klustera::jobs::scheduler::tick(&e.app.state.db)
        .await
        .unwrap();
    e.app.run_jobs().await;
    let job = e
        .app
        .rows(
            T,
            &format!(
                "SELECT status || ' ' || progress::text FROM control.jobs WHERE kind = '{}'",
                jobs::kind::COMPLAINT_SLA
            ),
        )
        .await;
    assert_eq!(job, vec![r#"DONE {"breached": 1}"#]);

    let breached = |id: &Value| {
        let id = id.clone();
        let e = &e;
        async move {
            let body = e
                .gql(
                    &e.manager,
                    "query($id: ID!) { complaint(id: $id) { slaBreached slaBreachedAt } }",
                    json!({"id": id}),
                )
                .await;
            body["data"]["complaint"].clone()
        }
    };
    let marked = breached(&late["id"]).await;
    assert_eq!(marked["slaBreached"], true);
    assert_eq!(breached(&done["id"]).await["slaBreached"], false);
    assert_eq!(breached(&fresh["id"]).await["slaBreached"], false);
    let published: Vec<DomainEvent> = std::iter::from_fn(|| events.try_recv().ok())
        .map(|ev| (*ev).clone())
        .filter(|ev| matches!(ev, DomainEvent::ComplaintChanged { .. }))
        .collect();
    assert_eq!(
        published,
        vec![DomainEvent::ComplaintChanged {
            complaint_id: row_of(&late["id"]),
            resident_id: Some(e.resident_row),
        }]
    );
    let counters = e
        .gql(
            &e.manager,
            "{ complaintCounters { open overdue } }",
            json!({}),
        )
        .await;
    assert_eq!(
        counters["data"]["complaintCounters"],
        json!({"open": 2, "overdue": 1})
    );
    assert_eq!(
        e.ids(&e.manager, json!({"overdue": true})).await,
        vec![late["id"].as_str().unwrap()]
    );

    // A rerun marks nothing again and tells no one.
    jobs::enqueue(
        &e.app.state.db,
        T,
        jobs::kind::COMPLAINT_SLA,
        json!({}),
        None,
        false,
    )
    .await
    .unwrap();
    e.app.run_jobs().await;
    let runs = e
        .app
        .rows(T, &format!(
            "SELECT status || ' ' || progress::text FROM control.jobs WHERE kind = '{}' ORDER BY id",
            jobs::kind::COMPLAINT_SLA
        ))
        .await;
    assert_eq!(
        runs,
        vec![r#"DONE {"breached": 1}"#, r#"DONE {"breached": 0}"#]
    );
    assert_eq!(breached(&late["id"]).await, marked, "breach time unchanged");
    assert!(events.try_recv().is_err(), "no event for an old breach");
}

const NESTED: &str = "query($n: Int!) { complaints(first: $n) { edges { node { title status
    resident { fullName } unit { number block { name } } assignee { displayName }
    comments { body author { displayName } } attachments { url } } } } }";

#[tokio::test]
async fn complaints_statement_count_does_not_grow_with_page_size() {
    let e = estate().await;
    let guard = row_of(&json!(e.user_id(&e.security).await));
    let manager = row_of(&json!(e.user_id(&e.manager).await));
    e.app
        .sql(T, &format!(
            "INSERT INTO complaints (resident_id, unit_id, category, priority, title, description, assignee_user_id, due_at) \
             SELECT 1 + g % 6, 1 + g % 6, 'Umum', 'LOW', 'Keluhan ' || g, 'Isi keluhan', \
                    CASE WHEN g % 2 = 0 THEN {guard} END, now() + interval '1 day' \
             FROM generate_series(1, 40) g; \
             INSERT INTO complaint_comments (complaint_id, author_user_id, body, internal) \
             SELECT id, {manager}, 'Ditangani', id % 3 = 0 FROM complaints; \
             INSERT INTO complaint_attachments (complaint_id, url, uploaded_by) \
             SELECT id, 'https://foto.example.id/' || id || '.jpg', {manager} FROM complaints"
        ))
        .await;

    let mut counts = Vec::new();
    for n in [5, 40] {
        let before = e.app.statements().await;
        let body = e.gql(&e.manager, NESTED, json!({"n": n})).await;
        let after = e.app.statements().await;
        let edges = body["data"]["complaints"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        assert_eq!(edges.len(), n);
        for edge in edges {
            let node = &edge["node"];
            assert!(node["resident"]["fullName"].is_string(), "{node}");
            assert!(node["unit"]["block"]["name"].is_string(), "{node}");
            assert_eq!(node["comments"].as_array().unwrap().len(), 1);
            assert_eq!(node["attachments"].as_array().unwrap().len(), 1);
        }
        counts.push(after - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for N=5 and N=40: {counts:?}"
    );
    // bind + page + residents + units + blocks + assignees + comments + attachments
    assert!(
        counts[0] <= 8,
        "expected at most 8 statements, got {}",
        counts[0]
    );
}

// ---- subscriptions over WebSocket ----------------------------------------------------

const COUNTERS: &str =
    "subscription { complaintCounters { open inProgress overdue resolvedToday } }";
const UPDATED: &str =
    "subscription($id: ID!) { complaintUpdated(id: $id) { id status assigneeName slaBreached } }";

/// The `field` of a `next` message.
fn next_of(message: Value, field: &str) -> Value {
    assert_eq!(message["type"], "next", "{message}");
    message["payload"]["data"][field].clone()
}

fn error_code(message: &Value) -> &str {
    assert_eq!(message["type"], "error", "{message}");
    message["payload"][0]["extensions"]["code"]
        .as_str()
        .unwrap()
}

#[tokio::test]
async fn complaints_live_counters_and_updates_over_websocket() {
    let e = estate().await;
    let counters = |open: i64, in_progress: i64, overdue: i64| json!({"open": open, "inProgress": in_progress, "overdue": overdue, "resolvedToday": 0});

    // Counters are for staff.
    let mut resident_ws = Ws::ready(&e.app, &e.resident).await;
    resident_ws.subscribe("c", COUNTERS, json!({})).await;
    assert_eq!(error_code(&resident_ws.recv().await), "FORBIDDEN");

    let mut dashboard = Ws::ready(&e.app, &e.manager).await;
    dashboard.subscribe("c", COUNTERS, json!({})).await;
    let now = next_of(dashboard.recv().await, "complaintCounters");
    assert_eq!(now, counters(0, 0, 0), "the counters on subscribe");

    let own = e
        .file(&e.resident, json!({"category": "Air", "title": "Air mati"}))
        .await;
    assert_eq!(
        next_of(dashboard.recv().await, "complaintCounters"),
        counters(1, 0, 0)
    );
    let other = e
        .file(
            &e.manager,
            json!({"residentId": gid("Resident", 2), "category": "Air", "title": "Air mati juga"}),
        )
        .await;
    assert_eq!(
        next_of(dashboard.recv().await, "complaintCounters"),
        counters(2, 0, 0)
    );

    // A resident watches only their own complaint.
    resident_ws
        .subscribe("o", UPDATED, json!({"id": other["id"]}))
        .await;
    assert_eq!(error_code(&resident_ws.recv().await), "NOT_FOUND");
    resident_ws
        .subscribe("w", UPDATED, json!({"id": own["id"]}))
        .await;
    assert_eq!(
        next_of(resident_ws.recv().await, "complaintUpdated"),
        json!({"id": own["id"], "status": "OPEN", "assigneeName": null, "slaBreached": false}),
        "the current state on subscribe"
    );

    // Another complaint's change moves the counters but is not the watcher's business:
    // the watcher's next value is about its own complaint.
    e.set_status(&e.manager, &other["id"], "IN_PROGRESS").await;
    assert_eq!(
        next_of(dashboard.recv().await, "complaintCounters"),
        counters(1, 1, 0)
    );
    e.set_status(&e.manager, &own["id"], "IN_PROGRESS").await;
    assert_eq!(
        next_of(dashboard.recv().await, "complaintCounters"),
        counters(0, 2, 0)
    );
    let update = next_of(resident_ws.recv().await, "complaintUpdated");
    assert_eq!(update["status"], "IN_PROGRESS", "{update}");

    // Assignment changes the complaint, not the counters (no value for an unchanged count).
    let guard = e.user_id(&e.security).await;
    e.gql(
        &e.manager,
        "mutation($id: ID!, $u: ID) { assignComplaint(id: $id, userId: $u) { id } }",
        json!({"id": own["id"], "u": guard}),
    )
    .await;
    let update = next_of(resident_ws.recv().await, "complaintUpdated");
    assert_eq!(update["assigneeName"], "Pos Satpam");

    // The SLA job's breach reaches both, after its commit.
    e.app
        .sql(
            T,
            &format!(
                "UPDATE complaints SET due_at = now() - interval '1 minute' WHERE id = {}",
                row_of(&own["id"])
            ),
        )
        .await;
    jobs::enqueue(
        &e.app.state.db,
        T,
        jobs::kind::COMPLAINT_SLA,
        json!({}),
        None,
        false,
    )
    .await
    .unwrap();
    e.app.run_jobs().await;
    assert_eq!(
        next_of(dashboard.recv().await, "complaintCounters"),
        counters(0, 2, 1)
    );
    let update = next_of(resident_ws.recv().await, "complaintUpdated");
    assert_eq!(update["slaBreached"], true, "{update}");
}

#[tokio::test]
async fn complaints_about_a_unit_the_resident_left_no_longer_show_it_to_them() {
    let e = estate().await;
    let filed = e
        .file(
            &e.resident,
            json!({"unitId": gid("Unit", 1), "category": "Air", "title": "Pipa bocor"}),
        )
        .await;
    let q =
        "query($id: ID!) { complaint(id: $id) { unit { number residents { fullName phone } } } }";
    let vars = json!({"id": filed["id"]});
    let before = e.gql(&e.resident, q, vars.clone()).await;
    assert_eq!(
        before["data"]["complaint"]["unit"]["number"], "001",
        "{before}"
    );

    // The resident moves out: the complaint stays theirs, the unit (and who lives there now)
    // is no longer theirs to see; staff still see it.
    e.app
        .sql(
            T,
            &format!(
                "UPDATE resident_units SET ends_on = current_date WHERE resident_id = {}",
                e.resident_row
            ),
        )
        .await;
    let after = e.gql(&e.resident, q, vars.clone()).await;
    assert!(after["errors"].is_null(), "{after}");
    assert_eq!(after["data"]["complaint"]["unit"], Value::Null, "{after}");
    let staff = e.gql(&e.manager, q, vars).await;
    assert_eq!(
        staff["data"]["complaint"]["unit"]["number"], "001",
        "{staff}"
    );
}

#[tokio::test]
async fn managers_list_whom_complaints_may_be_assigned_to() {
    let e = estate().await;
    e.app
        .sql(T, "UPDATE users SET display_name = 'Andi (nonaktif)', disabled_at = now() WHERE role = 'MANAGER'; \
                 INSERT INTO users (email, password_hash, role, display_name) \
                 SELECT 'budi@melati.test', password_hash, 'MANAGER', 'Budi Pengelola' FROM users WHERE role = 'SECURITY'")
        .await;
    let budi = e.app.login(T, "budi@melati.test").await.0;
    let body = e
        .gql(&budi, "{ staff { id displayName role } }", json!({}))
        .await;
    let staff: Vec<(&str, &str)> = body["data"]["staff"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|u| {
            (
                u["displayName"].as_str().unwrap(),
                u["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        staff,
        [("Budi Pengelola", "MANAGER"), ("Pos Satpam", "SECURITY")]
    );

    // Each one listed can be assigned.
    let c = e
        .file(
            &e.resident,
            json!({"unitId": gid("Unit", 1), "category": "Kebersihan", "title": "Got mampet"}),
        )
        .await;
    for u in body["data"]["staff"].as_array().unwrap() {
        let assigned = e
            .gql(&budi, "mutation($id: ID!, $u: ID) { assignComplaint(id: $id, userId: $u) { assignee { id } } }", json!({"id": c["id"], "u": u["id"]}))
            .await;
        assert_eq!(
            assigned["data"]["assignComplaint"]["assignee"]["id"], u["id"],
            "{assigned}"
        );
    }

    for token in [&e.resident, &e.security] {
        let denied = e.gql(token, "{ staff { id } }", json!({})).await;
        assert_eq!(code(&denied), "FORBIDDEN", "{denied}");
    }
}
