//! The code's layering, checked over its `use` lines: no import loops between modules, and
//! the graphql crate's two layers stay apart (`common` knows no domain; domains do not
//! reach up into the schema's assembly).
//!
//! Modules are files. `a -> b` when `a` names anything of `b` through `crate::` or
//! `super::`. The one kind of edge left out: a domain's `model` naming another domain's
//! `model`. GraphQL object types form a graph (a unit's bills, a bill's unit), so the
//! object types of two domains may name each other; their services, loaders and resolvers
//! may not.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`common::context`) -> the modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/http/ws.rs` -> `http::ws`; `lib.rs`, `main.rs` -> ``; `x/mod.rs` -> `x`.
fn module_of(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// Every path the source names through `crate::` or `super::`, brace groups expanded one
/// level (`crate::a::{b, c::d}` -> `crate::a::b`, `crate::a::c`).
fn named_paths(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut paths = Vec::new();
    for start in ["crate::", "super::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(start) {
            let boundary = rest[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$'));
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let path = tail[..end].trim_end_matches(':');
            if boundary {
                if tail[end..].starts_with('{') && tail[..end].ends_with("::") {
                    let group = &tail[end + 1..tail[end..].find('}').map_or(end, |i| end + i)];
                    for item in group.split(',') {
                        let first = item.trim().split("::").next().unwrap_or("").trim();
                        if !first.is_empty() && first != "self" {
                            paths.push(format!("{path}::{first}"));
                        }
                    }
                }
                paths.push(path.to_owned());
            }
            rest = &rest[at + start.len()..];
        }
    }
    paths
}

/// The import graph of the crate rooted at `root`.
fn graph(root: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(root, f)).collect();
    let mut graph = Graph::new();
    for file in &files {
        let from = module_of(root, file);
        let source = std::fs::read_to_string(file).unwrap();
        for path in named_paths(&source) {
            let mut segments: Vec<&str> = Vec::new();
            let mut parts = path.split("::").peekable();
            if parts.peek() == Some(&"crate") {
                parts.next();
            } else {
                // `super` is the parent of this file's module (for `x/mod.rs`, of `x`).
                segments = from.split("::").filter(|s| !s.is_empty()).collect();
                while parts.peek() == Some(&"super") {
                    parts.next();
                    segments.pop();
                }
            }
            segments.extend(parts);
            // The longest prefix that is a module file.
            let target = (0..=segments.len())
                .rev()
                .map(|n| segments[..n].join("::"))
                .find(|m| modules.contains(m));
            if let Some(to) = target
                && to != from
                && !to.is_empty()
                && !from.starts_with(&format!("{to}::"))
            {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

fn is_domain_model(module: &str) -> bool {
    module.starts_with("domains::") && module.ends_with("::model")
}

/// One import loop, if any: a path that comes back to its start.
fn find_loop(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if is_domain_model(node) && is_domain_model(next) {
                continue;
            }
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn crate_root(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)
}

#[test]
fn no_module_imports_itself_through_others() {
    for root in ["src", "graphql/src", "entities/src", "migration/src"] {
        let graph = graph(&crate_root(root));
        assert!(
            !graph.is_empty() || root != "graphql/src",
            "read no imports"
        );
        if let Some(cycle) = find_loop(&graph) {
            panic!("import loop in {root}: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn common_knows_no_domain_and_domains_do_not_reach_up() {
    let graph = graph(&crate_root("graphql/src"));
    for (from, targets) in &graph {
        for to in targets {
            let up = to.is_empty() || !(to.starts_with("common") || to.starts_with("domains"));
            assert!(
                !from.starts_with("common") || to.starts_with("common"),
                "{from} (shared machinery) imports {to}"
            );
            assert!(
                !(from.starts_with("domains") && up),
                "{from} (a domain) imports {to}, above the domains"
            );
        }
    }
}

#[test]
fn the_checker_sees_a_loop_and_the_edges_it_must() {
    let graph: Graph = [
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]
    .into();
    assert!(find_loop(&graph).is_some());
    let real = graph_of_graphql();
    // Edges the checker must see for the checks above to mean anything.
    for (from, to) in [
        ("domains::billing::schema", "domains::billing::service"),
        ("domains::billing::model", "domains::property::model"),
        ("common::context", "common::error"),
    ] {
        assert!(
            real.get(from).is_some_and(|t| t.contains(to)),
            "the checker no longer sees {from} -> {to}"
        );
    }
}

fn graph_of_graphql() -> Graph {
    graph(&crate_root("graphql/src"))
}
