//! Tracing set-up and the Prometheus metrics of one application instance.
//!
//! Metrics live in a registry owned by the app state (not a process global), so several
//! apps in one process (the integration tests) each count their own.

use std::sync::Arc;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

pub fn init_tracing(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // `try_init`: a second call (tests) keeps the first subscriber.
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: &'static str,
}

pub struct Metrics {
    registry: Registry,
    /// Every SQL statement the app sent (counted by SeaORM's metric callback).
    pub sql_statements: Counter,
    pub sql_seconds: Histogram,
    pub graphql_requests: Family<OutcomeLabel, Counter>,
    pub graphql_seconds: Histogram,
    /// Operations cancelled with their transaction open (each is rolled back).
    pub transactions_abandoned: Counter,
    /// Rate-limit hits decided in-process because Redis did not answer.
    pub rate_limit_fallbacks: Counter,
    /// Requests refused by a rate limit.
    pub rate_limited: Counter,
    /// Operations run again after a deadlock or serialization failure rolled them back.
    pub operation_retries: Counter,
}

impl Metrics {
    pub fn new() -> Arc<Self> {
        let mut registry = Registry::with_prefix("klustera");
        let sql_statements = Counter::default();
        let sql_seconds = Histogram::new(exponential_buckets(0.000_1, 4.0, 10));
        let graphql_requests = Family::<OutcomeLabel, Counter>::default();
        let graphql_seconds = Histogram::new(exponential_buckets(0.000_5, 3.0, 12));
        let transactions_abandoned = Counter::default();
        let rate_limit_fallbacks = Counter::default();
        let rate_limited = Counter::default();
        let operation_retries = Counter::default();
        registry.register(
            "sql_statements",
            "SQL statements sent",
            sql_statements.clone(),
        );
        registry.register(
            "sql_statement_seconds",
            "SQL statement latency",
            sql_seconds.clone(),
        );
        registry.register(
            "graphql_requests",
            "GraphQL operations by outcome",
            graphql_requests.clone(),
        );
        registry.register(
            "graphql_request_seconds",
            "GraphQL operation latency",
            graphql_seconds.clone(),
        );
        registry.register(
            "transactions_abandoned",
            "Operations cancelled with their transaction open (client gone, timeout); each was rolled back",
            transactions_abandoned.clone(),
        );
        registry.register(
            "rate_limit_fallbacks",
            "Rate-limit hits counted in-process because Redis did not answer",
            rate_limit_fallbacks.clone(),
        );
        registry.register(
            "rate_limited",
            "Hits refused by a rate limit",
            rate_limited.clone(),
        );
        registry.register(
            "operation_retries",
            "Operations run again after a deadlock or serialization failure rolled them back",
            operation_retries.clone(),
        );
        Arc::new(Self {
            registry,
            sql_statements,
            sql_seconds,
            graphql_requests,
            graphql_seconds,
            transactions_abandoned,
            rate_limit_fallbacks,
            rate_limited,
            operation_retries,
        })
    }

    /// One SQL statement done, on any pool.
    pub fn record_statement(&self, elapsed: std::time::Duration) {
        self.sql_statements.inc();
        self.sql_seconds.observe(elapsed.as_secs_f64());
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            tracing::error!("metrics encoding failed");
        }
        out
    }
}

impl klustera_graphql::common::tenancy::TxObserver for Metrics {
    fn statement(&self, elapsed: std::time::Duration) {
        self.record_statement(elapsed);
    }

    fn abandoned(&self) {
        self.transactions_abandoned.inc();
    }
}
