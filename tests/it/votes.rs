//! Votes: one vote per household in a per-unit poll however its members race, and secret
//! ballots that no field reveals.

use std::collections::HashMap;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

use crate::app::{TestApp, code, gid, row_of};
use crate::live::{Ws, create_poll, resident_tokens};

/// An access token of resident `id` (a sign-in would only test argon2's speed).
async fn resident_token(app: &TestApp, tenant: &str, id: i64) -> String {
    crate::live::minted_tokens(app, tenant, &[id])
        .await
        .remove(0)
}

async fn vote_for_unit(app: &TestApp, token: &str, poll: &str, option: &str, unit: &str) -> Value {
    app.gql(
        Some("alpha"),
        Some(token),
        "mutation($p: ID!, $o: ID!, $u: ID) { castVote(pollId: $p, optionId: $o, unitId: $u) { total } }",
        json!({"p": poll, "o": option, "u": unit}),
    )
    .await
}

/// Backends of this test's database waiting for a lock.
async fn waiting_for_a_lock(app: &TestApp) -> i64 {
    let row = app
        .state
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event_type = 'Lock'",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

#[tokio::test]
async fn two_members_of_one_household_voting_at_once_cast_one_vote() {
    let app = TestApp::spawn().await;
    // Residents are spread over the units in turn: units 1-3 have two residents each.
    app.tenant("alpha", 3, 6).await;
    let manager = app.manager_token("alpha").await;
    let household = app
        .rows(
            "alpha",
            "SELECT unit_id || ':' || string_agg(resident_id::text, ':' ORDER BY resident_id) \
             FROM resident_units WHERE ends_on IS NULL GROUP BY unit_id HAVING count(*) = 2 \
             ORDER BY unit_id LIMIT 1",
        )
        .await;
    let ids: Vec<i64> = household[0]
        .split(':')
        .map(|v| v.parse().unwrap())
        .collect();
    let (unit, members) = (ids[0], [ids[1], ids[2]]);
    let (poll, options) = create_poll(&app, "alpha", &manager, "UNIT", false).await;
    let (poll_row, option_row) = (row_of(&json!(poll)), row_of(&json!(options[0])));

    // The test holds what a vote of this unit waits for, whichever way the vote path is
    // serialised: the poll row's lock, and an uncommitted vote of the unit (its ballot
    // key). Both votes get as far as one of them and wait; the test rolls back once both
    // are waiting, and they go together.
    let holder = app.bound("alpha").await;
    holder
        .execute_unprepared(&format!(
            "SELECT id FROM polls WHERE id = {poll_row} FOR UPDATE; \
             INSERT INTO votes (poll_id, option_id, resident_id, unit_id, ballot_key) \
             VALUES ({poll_row}, {option_row}, {}, {unit}, {unit})",
            members[0]
        ))
        .await
        .unwrap();
    let first = resident_token(&app, "alpha", members[0]).await;
    let second = resident_token(&app, "alpha", members[1]).await;
    let unit = gid("Unit", unit);
    let votes = futures::future::join(
        vote_for_unit(&app, &first, &poll, &options[0], &unit),
        vote_for_unit(&app, &second, &poll, &options[1], &unit),
    );
    let release = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while waiting_for_a_lock(&app).await < 2 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "both votes wait for the test's locks"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        holder.rollback().await.unwrap();
    };
    let ((a, b), ()) = futures::future::join(votes, release).await;

    let won: Vec<&Value> = [&a, &b]
        .into_iter()
        .filter(|r| r["errors"].is_null())
        .collect();
    assert_eq!(won.len(), 1, "exactly one vote counts: {a} {b}");
    assert_eq!(won[0]["data"]["castVote"]["total"], 1);
    let lost = if a["errors"].is_null() { &b } else { &a };
    assert_eq!(code(lost), "CONFLICT", "{lost}");
    assert_eq!(
        app.rows(
            "alpha",
            &format!("SELECT count(*)::text FROM votes WHERE poll_id = {poll_row}")
        )
        .await,
        vec!["1"]
    );
}

/// Every type's fields, from introspection.
async fn schema_types(app: &TestApp, token: &str) -> HashMap<String, Vec<Value>> {
    let body = app
        .gql(
            Some("alpha"),
            Some(token),
            "{ __schema { types { name kind fields { name
                args { defaultValue type { kind } }
                type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }",
            json!({}),
        )
        .await;
    body["data"]["__schema"]["types"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|t| {
            let fields = t["fields"].as_array().cloned().unwrap_or_default();
            (t["name"].as_str().unwrap().to_owned(), fields)
        })
        .collect()
}

/// The named type under lists and non-nulls.
fn named(mut ty: &Value) -> (&str, &str) {
    while ty["name"].is_null() {
        ty = &ty["ofType"];
    }
    (ty["kind"].as_str().unwrap(), ty["name"].as_str().unwrap())
}

/// A selection of every field of `ty` callable without arguments, objects followed
/// `depth` levels down.
fn selection(types: &HashMap<String, Vec<Value>>, ty: &str, depth: usize) -> String {
    let mut out = vec!["__typename".to_owned()];
    for field in &types[ty] {
        let required = field["args"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["type"]["kind"] == "NON_NULL" && a["defaultValue"].is_null());
        if required {
            continue;
        }
        let name = field["name"].as_str().unwrap();
        match named(&field["type"]) {
            ("OBJECT" | "INTERFACE", inner) if depth > 0 => {
                out.push(format!(
                    "{name} {{ {} }}",
                    selection(types, inner, depth - 1)
                ));
            }
            ("OBJECT" | "INTERFACE" | "UNION", _) => {}
            _ => out.push(name.to_owned()),
        }
    }
    out.join(" ")
}

/// One query per field of `Poll` (a forbidden non-null field would null the whole poll
/// and hide what its siblings show): each answers without `needles`, or is `FORBIDDEN`.
async fn walk_poll(
    app: &TestApp,
    types: &HashMap<String, Vec<Value>>,
    token: &str,
    poll: &str,
    needles: &[String],
) -> Vec<(String, Value)> {
    let mut seen = Vec::new();
    for field in &types["Poll"] {
        let name = field["name"].as_str().unwrap();
        let sub = match named(&field["type"]) {
            ("OBJECT", inner) => format!("{name} {{ {} }}", selection(types, inner, 3)),
            _ => name.to_owned(),
        };
        for query in [
            format!("query($p: ID!) {{ poll(id: $p) {{ {sub} }} }}"),
            format!("{{ polls(open: true, first: 10) {{ nodes {{ id {sub} }} }} }}"),
        ] {
            let body = app
                .gql(Some("alpha"), Some(token), &query, json!({"p": poll}))
                .await;
            if !body["errors"].is_null() {
                assert_eq!(code(&body), "FORBIDDEN", "{query}: {body}");
            }
            let text = body["data"].to_string();
            for needle in needles {
                assert!(
                    !text.contains(needle.as_str()),
                    "{query} reveals {needle}: {body}"
                );
            }
            seen.push((name.to_owned(), body));
        }
    }
    seen
}

#[tokio::test]
async fn a_secret_ballot_reveals_no_voter_through_any_field() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 4, 4).await;
    let manager = app.manager_token("alpha").await;
    let security = app.login("alpha", "satpam@alpha.test").await.0;
    let residents = resident_tokens(&app, "alpha", 3).await;
    let (secret, options) = create_poll(&app, "alpha", &manager, "RESIDENT", false).await;
    // An open ballot beside it: the same walk finds its voters (the walk can see a leak).
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation($c: DateTime!) { createPoll(input: {title: \"Terbuka\", options: [\"A\", \"B\"],
                eligibility: RESIDENT, ballot: OPEN, closesAt: $c}) { id options { id } } }",
            json!({"c": (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339()}),
        )
        .await;
    let open = body["data"]["createPoll"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let open_option = body["data"]["createPoll"]["options"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The subscriptions watch both polls while the votes come in.
    let types = schema_types(&app, &manager).await;
    let tally = format!(
        "subscription($p: ID!) {{ voteTally(pollId: $p) {{ {} }} }}",
        selection(&types, "VoteTally", 3)
    );
    let mut watchers = Vec::new();
    for token in [&manager, &security, &residents[2]] {
        let mut ws = Ws::ready(&app, token).await;
        ws.subscribe("s", &tally, json!({"p": secret})).await;
        assert_eq!(ws.recv().await["type"], "next");
        watchers.push(ws);
    }

    // Residents 0 and 1 vote on both polls, for different options.
    let mut answers = Vec::new();
    for (i, token) in residents[..2].iter().enumerate() {
        let cast = format!(
            "mutation($p: ID!, $o: ID!) {{ castVote(pollId: $p, optionId: $o) {{ {} }} }}",
            selection(&types, "VoteTally", 3)
        );
        let body = app
            .gql(
                Some("alpha"),
                Some(token),
                &cast,
                json!({"p": secret, "o": options[i]}),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        answers.push(body);
        let body = app
            .gql(
                Some("alpha"),
                Some(token),
                &cast,
                json!({"p": open, "o": open_option}),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }

    // The open ballot closes: `polls(open: true)` lists the secret one only.
    let closed = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation($p: ID!) { closePoll(id: $p) { id } }",
            json!({"p": open}),
        )
        .await;
    assert!(closed["errors"].is_null(), "{closed}");

    // What identifies a voter: name, phone, email, identity number (unit numbers such as
    // "001" would also match timestamps).
    let needles = app
        .rows(
            "alpha",
            "SELECT n FROM (SELECT DISTINCT unnest(ARRAY[r.full_name, r.phone, r.email, r.identity_number]) AS n \
             FROM votes v JOIN residents r ON r.id = v.resident_id) x WHERE n IS NOT NULL",
        )
        .await;
    assert!(needles.len() >= 6, "{needles:?}");

    // Subscription payloads and the votes' own answers carry no voter.
    for ws in &mut watchers {
        for _ in 0..2 {
            let text = ws.recv().await.to_string();
            assert!(!needles.iter().any(|n| text.contains(n.as_str())), "{text}");
        }
    }
    for body in &answers {
        let text = body.to_string();
        assert!(!needles.iter().any(|n| text.contains(n.as_str())), "{text}");
    }

    // Every field of a poll, for staff and residents (voters and not).
    let callers = [
        &manager,
        &security,
        &residents[0],
        &residents[1],
        &residents[2],
    ];
    for (who, token) in callers.iter().enumerate() {
        let seen = walk_poll(&app, &types, token, &secret, &needles).await;
        for (field, body) in &seen {
            if field != "myVote" || !body["errors"].is_null() {
                continue;
            }
            let mine = if body["data"]["poll"].is_object() {
                body["data"]["poll"]["myVote"].clone()
            } else {
                // The list form: the secret poll is the only open one.
                let nodes = body["data"]["polls"]["nodes"].as_array().unwrap();
                assert_eq!(nodes.len(), 1, "{body}");
                nodes[0]["myVote"].clone()
            };
            // Only a voter's own vote, nobody else's.
            let expected = match who {
                2 => json!(options[0]),
                3 => json!(options[1]),
                _ => Value::Null,
            };
            assert_eq!(mine, expected, "myVote of caller {who}: {body}");
        }
        // `ballots` of a secret poll: refused to everybody.
        let ballots = seen
            .iter()
            .filter(|(field, _)| field == "ballots")
            .collect::<Vec<_>>();
        assert!(!ballots.is_empty(), "the walk reached `ballots`");
        for (_, body) in ballots {
            assert_eq!(code(body), "FORBIDDEN", "{body}");
        }
    }

    // No field anywhere in the schema exposes the audit log or votes as rows.
    for (ty, fields) in &types {
        for field in fields {
            let name = field["name"].as_str().unwrap().to_lowercase();
            assert!(
                !name.contains("audit") && !ty.to_lowercase().contains("audit"),
                "{ty}.{name}: extend this test's walk to it"
            );
            let (_, inner) = named(&field["type"]);
            assert!(
                inner != "BallotEntry" || (ty == "Poll" && name == "ballots"),
                "{ty}.{name} returns ballots: extend this test's walk to it"
            );
        }
    }

    // The control: on the open ballot, staff see the voters through the same walk.
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            &format!(
                "query($p: ID!) {{ poll(id: $p) {{ ballots {{ {} }} }} }}",
                selection(&types, "BallotEntry", 1)
            ),
            json!({"p": open}),
        )
        .await;
    let text = body.to_string();
    assert!(
        needles.iter().any(|n| text.contains(n.as_str())),
        "the walk would see a voter: {body}"
    );
}
