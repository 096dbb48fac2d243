//! The product's first promise: no row crosses tenants, even through a tiny shared pool.
//!
//! 8 tenants, a pool of 2 connections, 32 concurrent clients, 5,000 interleaved requests:
//! reads, writes, and writes that fail midway. Every response may contain only its own
//! tenant's rows, and afterwards each schema holds exactly its own successful writes.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::StreamExt;
use serde_json::json;

use crate::app::TestApp;

const TENANTS: usize = 8;
const CLIENTS: usize = 32;
const REQUESTS: usize = 5_000;

const READ: &str = "{ blocks { name } units(first: 20) { edges { node { number block { name }
    residents { fullName units { block { name } } } } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_never_see_or_write_another_tenants_rows() {
    let app = Arc::new(TestApp::spawn_with(|c| c.db_pool_size = 2).await);
    let slugs: Vec<String> = (0..TENANTS).map(|i| format!("estate-{i}")).collect();
    let mut tokens = Vec::new();
    for slug in &slugs {
        app.tenant(slug, 6, 12).await;
        // Tag every name with its tenant, so a leaked row is recognisable in any response.
        app.sql(slug, &format!(
            "UPDATE blocks SET name = name || ' #{slug}'; UPDATE residents SET full_name = full_name || ' #{slug}'"
        ))
        .await;
        tokens.push(app.manager_token(slug).await);
    }

    let results: Vec<(usize, Option<String>)> = futures::stream::iter(0..REQUESTS)
        .map(|i| {
            let app = app.clone();
            let t = (i * 7 + i / TENANTS) % TENANTS; // interleave tenants
            let slug = slugs[t].clone();
            let token = tokens[t].clone();
            async move {
                match i % 4 {
                    // Reads: every name must carry this tenant's tag.
                    0 | 1 => {
                        let body = app.gql(Some(&slug), Some(&token), READ, json!({})).await;
                        assert!(body["errors"].is_null(), "{body}");
                        let text = body["data"].to_string();
                        let tag = format!("#{slug}\"");
                        let tags = text.matches(" #").count();
                        assert!(tags > 0 && tags == text.matches(&tag).count(), "foreign rows in {slug}: {text}");
                        (t, None)
                    }
                    // Writes that succeed.
                    2 => {
                        let name = format!("W{i} #{slug}");
                        let body = app
                            .gql(Some(&slug), Some(&token), "mutation($n: String!) { createBlock(name: $n) { name } }", json!({"n": name}))
                            .await;
                        assert_eq!(body["data"]["createBlock"]["name"], name.as_str(), "{body}");
                        (t, Some(name))
                    }
                    // Writes that fail after a first change: nothing may remain.
                    _ => {
                        let body = app
                            .gql(
                                Some(&slug),
                                Some(&token),
                                "mutation($n: String!) { a: createBlock(name: $n) { id } b: archiveUnit(id: \"987654\") { id } }",
                                json!({"n": format!("F{i} #{slug}")}),
                            )
                            .await;
                        assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND", "{body}");
                        (t, None)
                    }
                }
            }
        })
        .buffer_unordered(CLIENTS)
        .collect()
        .await;

    for (t, slug) in slugs.iter().enumerate() {
        let expected: BTreeSet<String> = ["Blok A", "Blok B"]
            .iter()
            .map(|b| format!("{b} #{slug}"))
            .chain(
                results
                    .iter()
                    .filter(|(rt, _)| *rt == t)
                    .filter_map(|(_, w)| w.clone()),
            )
            .collect();
        let actual: BTreeSet<String> = app
            .rows(slug, "SELECT name FROM blocks")
            .await
            .into_iter()
            .collect();
        assert_eq!(actual, expected, "blocks of {slug}");
        let foreign = app
            .rows(
                slug,
                &format!("SELECT full_name FROM residents WHERE full_name NOT LIKE '% #{slug}'"),
            )
            .await;
        assert!(foreign.is_empty(), "{slug} holds {foreign:?}");
    }
}
