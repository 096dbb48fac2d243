//! Global Object Identification: `node(id:)` and `nodes(ids:)` fetch each node type as the
//! caller may see it, and an id names one type only.
//!
//! One test per domain. The demo tenant's resident login is resident 1, living in unit 1;
//! resident 2 lives in unit 2, another household.

use serde_json::{Value, json};

use crate::app::{TestApp, code, gid, row_of};

const T: &str = "alpha";
const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id } }";
const NODES: &str = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }";

struct Estate {
    app: TestApp,
    manager: String,
    resident: String,
}

async fn estate() -> Estate {
    let app = TestApp::spawn().await;
    let logins = app.tenant(T, 4, 4).await;
    let manager = app.manager_token(T).await;
    let resident = app.login(T, &logins.resident).await.0;
    Estate {
        app,
        manager,
        resident,
    }
}

impl Estate {
    async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        self.app.gql(Some(T), Some(token), query, variables).await
    }

    async fn node(&self, token: &str, id: &str) -> Value {
        self.gql(token, NODE, json!({"id": id})).await
    }

    /// `node(id:)` as `token` finds `id` as a `typename`.
    async fn assert_found(&self, token: &str, id: &str, typename: &str) {
        let body = self.node(token, id).await;
        assert_eq!(
            body["data"]["node"],
            json!({"__typename": typename, "id": id}),
            "{body}"
        );
    }

    async fn assert_not_found(&self, token: &str, query: &str, id: &str) {
        let body = self.gql(token, query, json!({"id": id})).await;
        assert_eq!(code(&body), "NOT_FOUND", "{query} with {id}: {body}");
    }

    /// The first row id of a tenant query.
    async fn row(&self, sql: &str) -> i64 {
        self.app.rows(T, sql).await[0].parse().unwrap()
    }
}

#[tokio::test]
async fn billing_nodes_are_fetched_as_the_caller_may_see_them() {
    let e = estate().await;
    e.app.generate_bills(T, &e.manager, "2026-10").await;
    let mine = e
        .row("SELECT min(id)::text FROM bills WHERE unit_id = 1")
        .await;
    let theirs = e
        .row("SELECT min(id)::text FROM bills WHERE unit_id = 2")
        .await;
    let pay = "mutation($b: ID!) { recordPayment(input: {billId: $b, amount: 1000, method: CASH}) { id } }";
    let mut payments = Vec::new();
    for bill in [mine, theirs] {
        let body = e
            .gql(&e.manager, pay, json!({"b": gid("Bill", bill)}))
            .await;
        let id = body["data"]["recordPayment"]["id"].clone();
        assert!(id.is_string(), "{body}");
        payments.push(id.as_str().unwrap().to_owned());
    }
    let job = e
        .row("SELECT max(id)::text FROM control.jobs WHERE tenant_slug = 'alpha'")
        .await;

    // Staff fetch each one through `node`, as its own type.
    for (id, typename) in [
        (gid("Bill", mine), "Bill"),
        (gid("Bill", theirs), "Bill"),
        (payments[1].clone(), "Payment"),
        (gid("Job", job), "Job"),
    ] {
        e.assert_found(&e.manager, &id, typename).await;
    }
    // The resident: their household's bill and payment, nothing of another household's,
    // and no jobs.
    e.assert_found(&e.resident, &gid("Bill", mine), "Bill")
        .await;
    e.assert_found(&e.resident, &payments[0], "Payment").await;
    for id in [gid("Bill", theirs), payments[1].clone(), gid("Job", job)] {
        e.assert_not_found(&e.resident, NODE, &id).await;
    }
    let bill = "query($id: ID!) { bill(id: $id) { id } }";
    e.assert_not_found(&e.resident, bill, &gid("Bill", theirs))
        .await;

    // A row's id under another type's name names nothing: through `node` and through the
    // type's own field (unit 1 and bill `mine` both exist).
    let payment_row = row_of(&json!(payments[0]));
    for id in [
        gid("BillItem", mine),
        gid("Tariff", mine),
        gid("BillItem", payment_row),
    ] {
        e.assert_not_found(&e.manager, NODE, &id).await;
    }
    e.assert_not_found(&e.manager, bill, &gid("Unit", 1)).await;
    e.assert_not_found(&e.manager, bill, &mine.to_string())
        .await;
    let job_field = "query($id: ID!) { job(id: $id) { id } }";
    e.assert_not_found(&e.manager, job_field, &gid("Bill", job))
        .await;
    let watch = e
        .gql(
            &e.manager,
            "query($id: ID!) { bill(id: $id) { id unit { id } payments { id } } }",
            json!({"id": gid("Bill", mine)}),
        )
        .await;
    assert_eq!(
        watch["data"]["bill"],
        json!({"id": gid("Bill", mine), "unit": {"id": gid("Unit", 1)}, "payments": [{"id": payments[0]}]}),
        "{watch}"
    );
}

/// Files a complaint; returns its id.
async fn file(e: &Estate, token: &str, input: Value) -> String {
    let body = e
        .gql(
            token,
            "mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }",
            json!({"i": input}),
        )
        .await;
    body["data"]["fileComplaint"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

#[tokio::test]
async fn complaint_nodes_are_fetched_as_the_caller_may_see_them() {
    let e = estate().await;
    let mine = file(
        &e,
        &e.resident,
        json!({"unitId": gid("Unit", 1), "category": "Listrik", "title": "Lampu mati"}),
    )
    .await;
    let theirs = file(
        &e,
        &e.manager,
        json!({"residentId": gid("Resident", 2), "unitId": gid("Unit", 2), "category": "Air", "title": "Bocor"}),
    )
    .await;

    e.assert_found(&e.manager, &mine, "Complaint").await;
    e.assert_found(&e.manager, &theirs, "Complaint").await;
    e.assert_found(&e.resident, &mine, "Complaint").await;
    e.assert_not_found(&e.resident, NODE, &theirs).await;

    let row = row_of(&json!(mine));
    let complaint = "query($id: ID!) { complaint(id: $id) { id } }";
    e.assert_not_found(&e.manager, NODE, &gid("ComplaintComment", row))
        .await;
    e.assert_not_found(&e.manager, complaint, &gid("Unit", row))
        .await;
    e.assert_not_found(&e.manager, complaint, &gid("Bill", row))
        .await;
}

#[tokio::test]
async fn announcement_nodes_are_fetched_as_the_caller_may_see_them() {
    let e = estate().await;
    let publish =
        "mutation($i: PublishAnnouncementInput!) { publishAnnouncement(input: $i) { id } }";
    let mut ids = Vec::new();
    for input in [
        json!({"title": "Kerja bakti", "body": "Minggu pagi", "audience": "ALL"}),
        json!({"title": "Untuk warga 2", "body": "Paket", "audience": "RESIDENTS",
               "residentIds": [gid("Resident", 2)]}),
    ] {
        let body = e.gql(&e.manager, publish, json!({"i": input})).await;
        ids.push(
            body["data"]["publishAnnouncement"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_owned(),
        );
    }
    let (everyone, not_mine) = (&ids[0], &ids[1]);

    e.assert_found(&e.manager, everyone, "Announcement").await;
    e.assert_found(&e.manager, not_mine, "Announcement").await;
    e.assert_found(&e.resident, everyone, "Announcement").await;
    e.assert_not_found(&e.resident, NODE, not_mine).await;

    let row = row_of(&json!(everyone));
    let one = "query($id: ID!) { announcement(id: $id) { id } }";
    e.assert_not_found(&e.manager, NODE, &gid("Poll", row))
        .await;
    e.assert_not_found(&e.manager, one, &gid("Unit", row)).await;
    e.assert_not_found(&e.manager, one, &gid("Complaint", row))
        .await;
}

#[tokio::test]
async fn nodes_of_billing_complaints_and_announcements_come_in_order_with_null_for_the_unseen() {
    let e = estate().await;
    e.app.generate_bills(T, &e.manager, "2026-10").await;
    let bill = |unit: i64| {
        let e = &e;
        async move {
            let sql = format!("SELECT min(id)::text FROM bills WHERE unit_id = {unit}");
            gid("Bill", e.row(&sql).await)
        }
    };
    let (mine, theirs) = (bill(1).await, bill(2).await);
    let complaint = file(
        &e,
        &e.resident,
        json!({"category": "Kebersihan", "title": "Sampah"}),
    )
    .await;
    let body = e
        .gql(
            &e.manager,
            "mutation { publishAnnouncement(input: {title: \"Rapat\", body: \"Jumat\", audience: ALL}) { id } }",
            json!({}),
        )
        .await;
    let announcement = body["data"]["publishAnnouncement"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();

    let body = e
        .gql(
            &e.resident,
            NODES,
            json!({"ids": [announcement, theirs, mine, complaint, "garbage"]}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(
        body["data"]["nodes"],
        json!([
            {"__typename": "Announcement", "id": announcement},
            null,
            {"__typename": "Bill", "id": mine},
            {"__typename": "Complaint", "id": complaint},
            null,
        ])
    );
}
