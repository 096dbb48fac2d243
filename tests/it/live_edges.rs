//! Live edges: the subscription limit per connection, keep-alive, a subscriber that falls
//! far behind, and events of operations that rolled back.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};

use klustera_graphql::common::events::{DomainEvent, EventBus};
use klustera_graphql::common::live::EventSource;

use crate::app::{TestApp, code, gid, row_of};
use crate::live::{PATIENCE, TALLY, Ws, create_poll, resident_tokens, vote};

#[tokio::test]
async fn the_fifty_first_subscription_is_refused_and_the_first_fifty_keep_working() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.state.config.ws_max_subscriptions, 50,
        "the default limit"
    );
    app.tenant("alpha", 3, 3).await;
    let manager = app.manager_token("alpha").await;
    let (poll, options) = create_poll(&app, "alpha", &manager, "RESIDENT", false).await;
    let residents = resident_tokens(&app, "alpha", 2).await;

    let mut ws = Ws::ready(&app, &manager).await;
    for i in 0..50 {
        ws.subscribe(&format!("s{i}"), TALLY, json!({"p": poll}))
            .await;
    }
    ws.subscribe("s50", TALLY, json!({"p": poll})).await;
    let mut started = BTreeSet::new();
    let mut refused = None;
    for _ in 0..51 {
        let message = ws.recv().await;
        match message["type"].as_str() {
            Some("next") => {
                assert_eq!(message["payload"]["data"]["voteTally"]["total"], 0);
                assert!(started.insert(message["id"].as_str().unwrap().to_owned()));
            }
            Some("error") => refused = Some(message),
            _ => panic!("unexpected {message}"),
        }
    }
    let refused = refused.expect("the 51st subscription gets an error");
    assert_eq!(refused["id"], "s50", "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    assert_eq!(started, (0..50).map(|i| format!("s{i}")).collect());

    // The connection and all fifty carry on: a vote reaches each of them.
    vote(&app, "alpha", &residents[0], &poll, &options[0]).await;
    let mut heard = BTreeSet::new();
    for _ in 0..50 {
        let next = ws.recv().await;
        assert_eq!(next["payload"]["data"]["voteTally"]["total"], 1, "{next}");
        heard.insert(next["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(heard, started);

    // Completing one frees its slot, for one subscription only.
    ws.send(json!({"type": "complete", "id": "s0"})).await;
    ws.subscribe("s50", TALLY, json!({"p": poll})).await;
    let next = ws.recv().await;
    assert_eq!(
        (next["type"].as_str(), next["id"].as_str()),
        (Some("next"), Some("s50")),
        "{next}"
    );
    ws.subscribe("s51", TALLY, json!({"p": poll})).await;
    let again = ws.recv().await;
    assert_eq!(
        (again["type"].as_str(), again["id"].as_str()),
        (Some("error"), Some("s51")),
        "{again}"
    );

    // s0 hears nothing more; s1..s50 hear the next vote.
    vote(&app, "alpha", &residents[1], &poll, &options[1]).await;
    let mut heard = BTreeSet::new();
    for _ in 0..50 {
        let next = ws.recv().await;
        assert_eq!(next["payload"]["data"]["voteTally"]["total"], 2, "{next}");
        heard.insert(next["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(heard, (1..=50).map(|i| format!("s{i}")).collect());
}

#[tokio::test]
async fn an_idle_connection_is_kept_alive_by_the_server() {
    let app = TestApp::spawn_with(|c| c.ws_keepalive_secs = 1).await;
    app.tenant("alpha", 2, 2).await;
    let manager = app.manager_token("alpha").await;
    let mut ws = Ws::ready(&app, &manager).await;

    // The client says nothing: the server pings, again after the client's pong.
    for _ in 0..2 {
        let ping = ws.raw_within(Duration::from_secs(3)).await;
        assert_eq!(ping, json!({"type": "ping"}));
        ws.send(json!({"type": "pong"})).await;
    }
    // And the server answers the client's pings.
    ws.send(json!({"type": "ping"})).await;
    loop {
        let message = ws.raw_within(Duration::from_secs(3)).await;
        if message["type"] == "pong" {
            break;
        }
        assert_eq!(message, json!({"type": "ping"}));
    }
}

/// The tally after the first `votes` votes of [`far_behind_votes`]: vote `g` went to
/// option `g % 3`.
fn tally_after(votes: i64, options: &[i64]) -> (i64, Vec<(i64, i64)>) {
    let counts = options
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let k = i64::try_from(k).unwrap();
            (*id, (1..=votes).filter(|g| g % 3 == k).count() as i64)
        })
        .collect();
    (votes, counts)
}

fn vote_cast(poll: i64, (total, counts): (i64, Vec<(i64, i64)>)) -> DomainEvent {
    DomainEvent::VoteCast {
        poll_id: poll,
        total,
        counts,
    }
}

fn tally_of(message: &Value) -> (i64, Vec<(i64, i64)>) {
    let tally = &message["payload"]["data"]["voteTally"];
    let counts = tally["results"]
        .as_array()
        .unwrap_or_else(|| panic!("{message}"))
        .iter()
        .map(|r| (row_of(&r["optionId"]), r["votes"].as_i64().unwrap()))
        .collect();
    (tally["total"].as_i64().unwrap(), counts)
}

// A current-thread runtime (spelled out: the lag depends on it): the test publishes its
// events without yielding, so the subscriber's connection cannot read any of them before
// all were sent, and its topic certainly overflows.
#[tokio::test(flavor = "current_thread")]
async fn a_subscriber_far_behind_rereads_the_tally_and_never_steps_back() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 3, 3).await;
    let manager = app.manager_token("alpha").await;
    let (poll, options) = create_poll(&app, "alpha", &manager, "RESIDENT", false).await;
    let poll_id = row_of(&json!(poll));
    let option_ids: Vec<i64> = options.iter().map(|o| row_of(&json!(o))).collect();
    let mut ws = Ws::ready(&app, &manager).await;
    ws.subscribe("t", TALLY, json!({"p": poll})).await;
    assert_eq!(ws.recv().await["payload"]["data"]["voteTally"]["total"], 0);

    // 300 votes committed (vote g for option g % 3), and their 300 events published at
    // once, out of order: the newest first, so it is among the 44 the topic drops (it
    // keeps 256). The events the subscriber still gets end at 299 at most: only a re-read
    // finds 300.
    app.sql(
        "alpha",
        &format!(
            "INSERT INTO votes (poll_id, option_id, resident_id, ballot_key) \
             SELECT {poll_id}, (ARRAY[{}, {}, {}])[g % 3 + 1], (SELECT min(id) FROM residents), 100000 + g \
             FROM generate_series(1, 300) g",
            option_ids[0], option_ids[1], option_ids[2]
        ),
    )
    .await;
    let mut order: Vec<i64> = (1..300).collect();
    order.reverse();
    order.rotate_left(97);
    app.state
        .events
        .publish("alpha", vote_cast(poll_id, tally_after(300, &option_ids)));
    for votes in order {
        app.state
            .events
            .publish("alpha", vote_cast(poll_id, tally_after(votes, &option_ids)));
    }
    let mut last = 0;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), ws.recv())
            .await
            .unwrap_or_else(|_| panic!("the tally never reached 300 (last sent: {last})"));
        let (total, counts) = tally_of(&message);
        assert!(total > last, "tallies never go back: {total} after {last}");
        last = total;
        if total == 300 {
            assert_eq!(
                (total, counts),
                tally_after(300, &option_ids),
                "the exact final tally"
            );
            break;
        }
    }

    // A stale event (an old tally arriving late), then a new vote: the next tally sent is
    // the new one, never the stale one.
    app.state
        .events
        .publish("alpha", vote_cast(poll_id, tally_after(150, &option_ids)));
    let resident = resident_tokens(&app, "alpha", 1).await.remove(0);
    let voted = vote(&app, "alpha", &resident, &poll, &options[1]).await;
    assert_eq!(voted["data"]["castVote"]["total"], 301, "{voted}");
    let (total, counts) = tally_of(&ws.recv().await);
    let (_, mut expected) = tally_after(300, &option_ids);
    expected[1].1 += 1;
    assert_eq!((total, counts), (301, expected));
}

#[tokio::test]
async fn a_mutation_that_rolled_back_publishes_nothing() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 3, 3).await;
    let manager = app.manager_token("alpha").await;
    let (poll, options) = create_poll(&app, "alpha", &manager, "RESIDENT", false).await;
    let residents = resident_tokens(&app, "alpha", 2).await;
    let mut events = app.state.events.subscribe("alpha");

    // Two votes in one operation; the second names no poll: the first is rolled back too.
    let both = app
        .gql(
            Some("alpha"),
            Some(&residents[0]),
            "mutation($p: ID!, $o: ID!) { a: castVote(pollId: $p, optionId: $o) { total }
               b: castVote(pollId: \"999999\", optionId: $o) { total } }",
            json!({"p": poll, "o": options[0]}),
        )
        .await;
    assert_eq!(code(&both), "NOT_FOUND", "{both}");
    assert_eq!(both["data"], Value::Null, "{both}");
    // A vote that fails on its own: an option of no poll.
    let no_option = gid("PollOption", 999_999);
    let bad = vote(&app, "alpha", &residents[0], &poll, &no_option).await;
    assert_eq!(code(&bad), "BAD_USER_INPUT", "{bad}");

    // A committed vote is the fence: its event is the first the tenant's topic carries.
    let voted = vote(&app, "alpha", &residents[1], &poll, &options[1]).await;
    assert_eq!(voted["data"]["castVote"]["total"], 1, "{voted}");
    let first = tokio::time::timeout(PATIENCE, events.recv())
        .await
        .expect("the committed vote's event")
        .unwrap();
    let ids: Vec<i64> = options.iter().map(|o| row_of(&json!(o))).collect();
    assert_eq!(
        *first,
        DomainEvent::VoteCast {
            poll_id: row_of(&json!(poll)),
            total: 1,
            counts: vec![(ids[0], 0), (ids[1], 1), (ids[2], 0)],
        }
    );
    assert!(events.try_recv().is_err(), "nothing else was published");
    let rows = app
        .rows(
            "alpha",
            &format!(
                "SELECT count(*)::text FROM votes WHERE poll_id = {}",
                row_of(&json!(poll))
            ),
        )
        .await;
    assert_eq!(rows, vec!["1"]);
}

#[tokio::test]
async fn a_stale_tally_never_comes_back_when_the_poll_closes() {
    let app = TestApp::spawn().await;
    app.tenant("alpha", 3, 3).await;
    let manager = app.manager_token("alpha").await;
    let closes = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc3339();
    let body = app
        .gql(
            Some("alpha"),
            Some(&manager),
            "mutation($c: DateTime!) { createPoll(input: {title: \"Cepat\", options: [\"A\", \"B\"],
                eligibility: RESIDENT, closesAt: $c}) { id options { id } } }",
            json!({"c": closes}),
        )
        .await;
    let poll = body["data"]["createPoll"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let options: Vec<String> = body["data"]["createPoll"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    let ids: Vec<i64> = options.iter().map(|o| row_of(&json!(o))).collect();
    let residents = resident_tokens(&app, "alpha", 2).await;
    for (resident, option) in residents.iter().zip(&options) {
        let voted = vote(&app, "alpha", resident, &poll, option).await;
        assert!(voted["errors"].is_null(), "{voted}");
    }
    let mut ws = Ws::ready(&app, &manager).await;
    let query = "subscription($p: ID!) { voteTally(pollId: $p) { total closed results { optionId votes } } }";
    ws.subscribe("t", query, json!({"p": poll})).await;
    let now = ws.recv().await;
    assert_eq!(tally_of(&now), (2, vec![(ids[0], 1), (ids[1], 1)]), "{now}");

    // The first vote's event, arriving late: nothing is sent for it, and when the closing
    // time comes the final tally is the newest one, not the stale one.
    app.state.events.publish(
        "alpha",
        vote_cast(row_of(&json!(poll)), (1, vec![(ids[0], 1), (ids[1], 0)])),
    );
    let last = ws.recv().await;
    assert_eq!(
        last["payload"]["data"]["voteTally"]["closed"], true,
        "{last}"
    );
    assert_eq!(
        tally_of(&last),
        (2, vec![(ids[0], 1), (ids[1], 1)]),
        "{last}"
    );
}
