//! Announcements as managers and residents see them: audiences, validation, scheduled
//! publication by the job.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::broadcast;

use klustera_graphql::common::events::DomainEvent;
use klustera_graphql::common::jobs::{self, kind};
use klustera_graphql::common::live::EventSource;

use crate::app::{PASSWORD, TestApp, code, gid, row_of};
use crate::live::{Ws, resident_tokens};

const PUBLISH: &str = "mutation($i: PublishAnnouncementInput!) { publishAnnouncement(input: $i) { id title audience scheduled publishAt publishedAt } }";
const LIST: &str = "query($first: Int, $after: String, $archived: Boolean! = false) { announcements(first: $first, after: $after, includeArchived: $archived) { edges { cursor node { id title scheduled archived } } pageInfo { hasNextPage } } }";
const ONE: &str = "query($id: ID!) { announcement(id: $id) { id title } }";

/// The demo tenant `alpha` with 4 units: 1 and 2 in Blok A, 3 and 4 in Blok B, resident
/// n living in unit n. Global ids of the tenant's rows, in that order.
struct Estate {
    app: TestApp,
    manager: String,
    blocks: Vec<String>,
    units: Vec<String>,
    residents: Vec<String>,
}

impl Estate {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        app.tenant("alpha", 4, 4).await;
        let manager = app.manager_token("alpha").await;
        let ids = |table: &str| format!("SELECT id::text FROM {table} ORDER BY id");
        let resident_rows = app.rows("alpha", &ids("residents")).await;
        let unit_rows = app.rows("alpha", &ids("units")).await;
        let global = |kind: &str, rows: &[String]| -> Vec<String> {
            rows.iter().map(|r| gid(kind, r.parse().unwrap())).collect()
        };
        Self {
            blocks: global("Block", &app.rows("alpha", &ids("blocks")).await),
            units: global("Unit", &unit_rows),
            residents: global("Resident", &resident_rows),
            app,
            manager,
        }
    }

    async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        self.app
            .gql(Some("alpha"), Some(token), query, variables)
            .await
    }

    /// Signs in as resident `n` (1-based), creating their login first.
    async fn resident(&self, n: usize) -> String {
        let phone = format!("+62812{n:08}");
        if n > 1 {
            let created = self
                .gql(
                    &self.manager,
                    "mutation($i: CreateAccountInput!) { createUserAccount(input: $i) }",
                    json!({"i": {"role": "RESIDENT", "phone": phone, "password": PASSWORD,
                                 "displayName": format!("Warga {n}"), "residentId": self.residents[n - 1]}}),
                )
                .await;
            assert!(
                created["data"]["createUserAccount"].is_string(),
                "{created}"
            );
        }
        self.app.login("alpha", &phone).await.0
    }

    /// Publishes as the manager; returns the announcement's id.
    async fn publish(&self, input: Value) -> String {
        let body = self.gql(&self.manager, PUBLISH, json!({"i": input})).await;
        body["data"]["publishAnnouncement"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned()
    }

    /// Titles of the announcements `token` sees, newest first.
    async fn titles(&self, token: &str) -> Vec<String> {
        let body = self.gql(token, LIST, json!({"first": 50})).await;
        let edges = body["data"]["announcements"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        edges
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn announcement(title: &str, audience: &str, targets: Value) -> Value {
    let mut input = json!({"title": title, "body": format!("Isi: {title}"), "audience": audience});
    if let (Some(input), Some(targets)) = (input.as_object_mut(), targets.as_object()) {
        input.extend(targets.clone());
    }
    input
}

/// Ids of the announcements published since the receiver was made.
fn published(events: &mut broadcast::Receiver<Arc<DomainEvent>>) -> Vec<String> {
    let mut ids = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let DomainEvent::AnnouncementPublished { announcement_id } = *event {
            ids.push(gid("Announcement", announcement_id));
        }
    }
    ids
}

#[tokio::test]
async fn residents_see_exactly_the_announcements_addressed_to_them() {
    let e = Estate::new().await;
    let (blok_a, blok_b) = (&e.blocks[0], &e.blocks[1]);
    let mut events = e.app.state.events.subscribe("alpha");

    let mut ids = Vec::new();
    for input in [
        announcement("Kerja bakti", "ALL", json!({})),
        announcement("Blok A: air mati", "BLOCKS", json!({"blockIds": [blok_a]})),
        announcement(
            "Blok B: pengecatan",
            "BLOCKS",
            json!({"blockIds": [blok_b]}),
        ),
        announcement("Unit 2: paket", "UNITS", json!({"unitIds": [e.units[1]]})),
        announcement(
            "Unit 1 dan 4: meteran",
            "UNITS",
            json!({"unitIds": [e.units[0], e.units[3]]}),
        ),
        announcement(
            "Untuk warga 3",
            "RESIDENTS",
            json!({"residentIds": [e.residents[2]]}),
        ),
        announcement(
            "Untuk warga 2",
            "RESIDENTS",
            json!({"residentIds": [e.residents[1], e.residents[1]]}),
        ),
    ] {
        ids.push(e.publish(input).await);
    }
    assert_eq!(
        published(&mut events),
        ids,
        "one event per announcement published now"
    );

    let (r1, r2, r3) = (
        e.resident(1).await,
        e.resident(2).await,
        e.resident(3).await,
    );
    assert_eq!(
        e.titles(&r1).await,
        ["Unit 1 dan 4: meteran", "Blok A: air mati", "Kerja bakti"]
    );
    assert_eq!(
        e.titles(&r2).await,
        [
            "Untuk warga 2",
            "Unit 2: paket",
            "Blok A: air mati",
            "Kerja bakti"
        ]
    );
    assert_eq!(
        e.titles(&r3).await,
        ["Untuk warga 3", "Blok B: pengecatan", "Kerja bakti"]
    );
    let security = e.app.login("alpha", "satpam@alpha.test").await.0;
    assert_eq!(e.titles(&security).await.len(), 7, "staff see every one");

    // Staff see whom each one addresses, for a whole page in one more statement.
    let with_targets = "{ announcements(first: 50) { edges { node { title targets { blockIds unitIds residentIds } } } } }";
    let before = e.app.statements().await;
    e.gql(
        &e.manager,
        "{ announcements(first: 50) { edges { node { title } } } }",
        json!({}),
    )
    .await;
    let plain = e.app.statements().await - before;
    let before = e.app.statements().await;
    let body = e.gql(&e.manager, with_targets, json!({})).await;
    assert_eq!(e.app.statements().await - before, plain + 1, "{body}");
    let targets: Vec<Value> = body["data"]["announcements"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["targets"].clone())
        .collect();
    assert_eq!(
        targets[0],
        json!({"blockIds": [], "unitIds": [], "residentIds": [e.residents[1]]}),
        "named twice, stored once"
    );
    assert_eq!(
        targets[2],
        json!({"blockIds": [], "unitIds": [e.units[0], e.units[3]], "residentIds": []})
    );
    assert_eq!(
        targets[6],
        json!({"blockIds": [], "unitIds": [], "residentIds": []})
    );
    let denied = e.gql(&r2, with_targets, json!({})).await;
    assert_eq!(code(&denied), "FORBIDDEN");

    // Single reads: what a resident is not addressed by does not exist for them.
    let mine = e.gql(&r3, ONE, json!({"id": ids[5]})).await;
    assert_eq!(mine["data"]["announcement"]["title"], "Untuk warga 3");
    let other = e.gql(&r1, ONE, json!({"id": ids[5]})).await;
    assert_eq!(code(&other), "NOT_FOUND");
    let block_b = e.gql(&r1, ONE, json!({"id": ids[2]})).await;
    assert_eq!(code(&block_b), "NOT_FOUND");

    // The household decides: once resident 1 also lives in unit 3 (Blok B), Blok B's
    // announcement addresses them too.
    let link = e
        .gql(
            &e.manager,
            "mutation($r: ID!, $u: ID!) { linkResident(input: {residentId: $r, unitId: $u, relation: TENANT}) { id } }",
            json!({"r": e.residents[0], "u": e.units[2]}),
        )
        .await;
    assert!(link["data"]["linkResident"]["id"].is_string(), "{link}");
    let block_b = e.gql(&r1, ONE, json!({"id": ids[2]})).await;
    assert_eq!(
        block_b["data"]["announcement"]["title"], "Blok B: pengecatan",
        "{block_b}"
    );

    // Newest first, page by page.
    let page = e.gql(&e.manager, LIST, json!({"first": 4})).await;
    let conn = &page["data"]["announcements"];
    let first: Vec<&str> = conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(first, [&ids[6], &ids[5], &ids[4], &ids[3]]);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    let next = e
        .gql(
            &e.manager,
            LIST,
            json!({"first": 4, "after": conn["edges"][3]["cursor"]}),
        )
        .await;
    let rest: Vec<&str> = next["data"]["announcements"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(rest, [&ids[2], &ids[1], &ids[0]]);
    assert_eq!(
        next["data"]["announcements"]["pageInfo"]["hasNextPage"],
        false
    );

    // Archived: gone for residents, listed for staff only when asked.
    let archived = e
        .gql(
            &e.manager,
            "mutation($id: ID!) { archiveAnnouncement(id: $id) { archived } }",
            json!({"id": ids[0]}),
        )
        .await;
    assert_eq!(
        archived["data"]["archiveAnnouncement"]["archived"], true,
        "{archived}"
    );
    assert_eq!(e.titles(&r3).await, ["Untuk warga 3", "Blok B: pengecatan"]);
    assert_eq!(
        code(&e.gql(&r3, ONE, json!({"id": ids[0]})).await),
        "NOT_FOUND"
    );
    assert_eq!(e.titles(&e.manager).await.len(), 6);
    let all = e
        .gql(&e.manager, LIST, json!({"first": 50, "archived": true}))
        .await;
    assert_eq!(
        all["data"]["announcements"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        7
    );

    let audit = e
        .app
        .rows(
            "alpha",
            &format!(
                "SELECT operation FROM audit_log WHERE 'announcement:{}' = ANY(target_ids) ORDER BY id",
                row_of(&json!(ids[0]))
            ),
        )
        .await;
    assert_eq!(audit, ["publishAnnouncement", "archiveAnnouncement"]);
}

#[tokio::test]
async fn targets_must_match_the_audience_and_exist() {
    let e = Estate::new().await;
    let (blok_a, unit_1, resident_1) = (&e.blocks[0], &e.units[0], &e.residents[0]);
    let cases = [
        (
            announcement("x", "ALL", json!({"blockIds": [blok_a]})),
            "blockIds",
        ),
        (announcement("x", "BLOCKS", json!({})), "blockIds"),
        (
            announcement("x", "BLOCKS", json!({"blockIds": [gid("Block", 999_999)]})),
            "blockIds",
        ),
        (
            announcement(
                "x",
                "UNITS",
                json!({"unitIds": [unit_1], "residentIds": [resident_1]}),
            ),
            "residentIds",
        ),
        (
            announcement("x", "UNITS", json!({"unitIds": [gid("Unit", 999_999)]})),
            "unitIds",
        ),
        (announcement("x", "RESIDENTS", json!({})), "residentIds"),
        (
            announcement(
                "x",
                "RESIDENTS",
                json!({"residentIds": [gid("Resident", 999_999)]}),
            ),
            "residentIds",
        ),
        (announcement("  ", "ALL", json!({})), "title"),
    ];
    for (input, field) in cases {
        let body = e.gql(&e.manager, PUBLISH, json!({"i": input})).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{input}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{input}");
    }

    // An archived unit is no longer an audience.
    let archived = e
        .gql(
            &e.manager,
            "mutation($id: ID!) { archiveUnit(id: $id) { archived } }",
            json!({"id": unit_1}),
        )
        .await;
    assert_eq!(archived["data"]["archiveUnit"]["archived"], true);
    let body = e
        .gql(
            &e.manager,
            PUBLISH,
            json!({"i": announcement("x", "UNITS", json!({"unitIds": [unit_1]}))}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "unitIds");

    let resident = e.resident(1).await;
    let body = e
        .gql(
            &resident,
            PUBLISH,
            json!({"i": announcement("x", "ALL", json!({}))}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN");
    assert!(e.titles(&e.manager).await.is_empty(), "nothing was created");
}

#[tokio::test]
async fn scheduled_announcements_appear_at_their_time_and_are_published_once() {
    let e = Estate::new().await;
    let resident = e.resident(1).await;
    let mut events = e.app.state.events.subscribe("alpha");

    // A past publishAt means now.
    let body = e
        .gql(
            &e.manager,
            PUBLISH,
            json!({"i": {"title": "Sudah lewat", "body": "b", "audience": "ALL", "publishAt": "2020-01-01T00:00:00+07:00"}}),
        )
        .await;
    let now = &body["data"]["publishAnnouncement"];
    assert_eq!(now["scheduled"], false, "{body}");
    assert!(now["publishedAt"].is_string());
    assert!(now["publishAt"].as_str().unwrap() > "2024", "{now}");
    assert_eq!(published(&mut events), [now["id"].as_str().unwrap()]);

    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let body = e
        .gql(
            &e.manager,
            PUBLISH,
            json!({"i": {"title": "Rapat warga", "body": "b", "audience": "UNITS", "unitIds": [e.units[0]], "publishAt": tomorrow}}),
        )
        .await;
    let scheduled = &body["data"]["publishAnnouncement"];
    assert_eq!(scheduled["scheduled"], true, "{body}");
    assert!(scheduled["publishedAt"].is_null());
    let id = scheduled["id"].as_str().unwrap().to_owned();
    let cancelled = e
        .publish(
            json!({"title": "Dibatalkan", "body": "b", "audience": "ALL", "publishAt": tomorrow}),
        )
        .await;
    let archived = e
        .gql(
            &e.manager,
            "mutation($id: ID!) { archiveAnnouncement(id: $id) { id } }",
            json!({"id": cancelled}),
        )
        .await;
    assert!(archived["data"].is_object(), "{archived}");
    assert!(published(&mut events).is_empty(), "nothing published yet");

    assert_eq!(e.titles(&resident).await, ["Sudah lewat"]);
    assert_eq!(
        code(&e.gql(&resident, ONE, json!({"id": id})).await),
        "NOT_FOUND"
    );
    assert_eq!(
        e.titles(&e.manager).await,
        ["Rapat warga", "Sudah lewat"],
        "staff see scheduled ones"
    );

    let publish_jobs = || {
        e.app.rows(
            "alpha",
            "SELECT count(*)::text FROM control.jobs WHERE kind = 'announcements.publish'",
        )
    };
    klustera::jobs::scheduler::tick(&e.app.state.db)
        .await
        .unwrap();
    assert_eq!(publish_jobs().await, ["0"], "nothing due, nothing enqueued");

    // Its time comes.
    e.app
        .sql(
            "alpha",
            "UPDATE announcements SET publish_at = now() - interval '1 minute' WHERE title IN ('Rapat warga', 'Dibatalkan')",
        )
        .await;
    assert_eq!(e.titles(&resident).await, ["Rapat warga", "Sudah lewat"]);
    for _ in 0..2 {
        klustera::jobs::scheduler::tick(&e.app.state.db)
            .await
            .unwrap();
    }
    assert_eq!(publish_jobs().await, ["1"], "one job while one is queued");
    e.app.run_jobs().await;
    assert_eq!(
        published(&mut events),
        [id.as_str()],
        "the archived one stays unpublished"
    );
    let first = e
        .gql(
            &e.manager,
            "query($id: ID!) { announcement(id: $id) { scheduled publishedAt } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(first["data"]["announcement"]["scheduled"], false);
    assert!(
        first["data"]["announcement"]["publishedAt"].is_string(),
        "{first}"
    );

    // A rerun (retry, second worker) publishes nothing twice.
    jobs::enqueue(
        &e.app.state.db,
        "alpha",
        kind::PUBLISH_ANNOUNCEMENTS,
        json!({}),
        None,
        false,
    )
    .await
    .unwrap();
    klustera::jobs::scheduler::tick(&e.app.state.db)
        .await
        .unwrap();
    assert_eq!(
        e.app.run_jobs().await,
        1,
        "the rerun ran; the tick found nothing due"
    );
    assert!(published(&mut events).is_empty());
    let again = e
        .gql(
            &e.manager,
            "query($id: ID!) { announcement(id: $id) { publishedAt } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        again["data"]["announcement"]["publishedAt"],
        first["data"]["announcement"]["publishedAt"]
    );
}

const PUBLISHED: &str = "subscription { announcementPublished { id title audience publishedAt } }";

/// A resident's WebSocket, subscribed to `announcementPublished` as id `a` and known to
/// be listening: a query on the same socket comes back only after the server polled the
/// subscription (both are streams of one connection, and the query needs the database).
async fn listening(app: &TestApp, token: &str) -> Ws {
    let mut ws = Ws::ready(app, token).await;
    ws.subscribe("a", PUBLISHED, json!({})).await;
    ws.subscribe(
        "q",
        "{ announcements(first: 1) { edges { cursor } } }",
        json!({}),
    )
    .await;
    assert_eq!(ws.recv().await["id"], "q");
    assert_eq!(ws.recv().await["type"], "complete");
    ws
}

/// The next `announcementPublished` payload on `ws`.
async fn next_published(ws: &mut Ws) -> Value {
    let message = ws.recv().await;
    assert_eq!(message["id"], "a", "{message}");
    assert!(message["payload"]["errors"].is_null(), "{message}");
    message["payload"]["data"]["announcementPublished"].clone()
}

#[tokio::test]
async fn subscribers_hear_of_the_announcements_addressed_to_them() {
    let e = Estate::new().await;
    let tokens = resident_tokens(&e.app, "alpha", 3).await;
    // Resident 1 lives in Blok A, resident 3 in Blok B.
    let mut r1 = listening(&e.app, &tokens[0]).await;
    let mut r3 = listening(&e.app, &tokens[2]).await;

    let block_b = e
        .publish(announcement(
            "Blok B",
            "BLOCKS",
            json!({"blockIds": [e.blocks[1]]}),
        ))
        .await;
    let unit_1 = e
        .publish(announcement(
            "Unit 1",
            "UNITS",
            json!({"unitIds": [e.units[0]]}),
        ))
        .await;
    let first = next_published(&mut r1).await;
    assert_eq!(
        first["id"],
        unit_1.as_str(),
        "Blok B's was not for resident 1"
    );
    assert_eq!(first["audience"], "UNITS");
    assert_eq!(first["title"], "Unit 1");
    assert!(first["publishedAt"].is_string());
    assert_eq!(next_published(&mut r3).await["id"], block_b.as_str());

    // A scheduled one reaches its audience when the job publishes it.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let everyone = e
        .publish(json!({"title": "Nanti", "body": "b", "audience": "ALL", "publishAt": tomorrow}))
        .await;
    e.app
        .sql(
            "alpha",
            "UPDATE announcements SET publish_at = now() - interval '1 second' WHERE title = 'Nanti'",
        )
        .await;
    klustera::jobs::scheduler::tick(&e.app.state.db)
        .await
        .unwrap();
    e.app.run_jobs().await;
    assert_eq!(next_published(&mut r1).await["id"], everyone.as_str());
    assert_eq!(
        next_published(&mut r3).await["id"],
        everyone.as_str(),
        "Unit 1's was not for resident 3"
    );
}
