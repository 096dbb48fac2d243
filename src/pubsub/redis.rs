//! Redis pub/sub transport of the event bus.
//!
//! Publishing: the request hands the event to a bounded queue and returns; one task per
//! process sends the queue's events with `PUBLISH <namespace>:events:<tenant> <json>` in
//! order, over a connection manager that reconnects by itself. When Redis cannot take an
//! event (down, or the queue is full) the event still reaches this process's subscribers
//! and the failure is logged: other instances miss it, as pub/sub is at-most-once anyway.
//! While this process's subscription is down, its events go straight to its own
//! subscribers without trying Redis.
//!
//! Subscribing: one connection per process, `PSUBSCRIBE <namespace>:events:*`, dispatching
//! into the [`Hub`] by the tenant in the channel name. When the connection drops (Redis
//! restarts) the task reconnects and subscribes again with backoff; queries, mutations
//! and local delivery carry on meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{mpsc, oneshot};

use klustera_graphql::common::events::DomainEvent;

use super::Hub;

const QUEUE: usize = 10_000;
const TIMEOUT: Duration = Duration::from_secs(2);

pub struct RedisBus {
    queue: mpsc::Sender<(String, Arc<DomainEvent>)>,
    hub: Arc<Hub>,
    manager: ConnectionManager,
    /// Whether this process's subscription is up (its own events come back through it).
    subscribed: Arc<AtomicBool>,
}

impl RedisBus {
    /// Connects and subscribes; fails when Redis cannot be reached at start (a wrong URL
    /// should stop the server, not degrade it silently).
    pub async fn connect(url: &str, namespace: &str, hub: Arc<Hub>) -> anyhow::Result<Self> {
        let prefix: Arc<str> = format!("{namespace}:events:").into();
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(1));
        let manager = tokio::time::timeout(
            TIMEOUT * 2,
            client.get_connection_manager_with_config(config),
        )
        .await
        .map_err(|_| anyhow::anyhow!("Redis at {url} did not answer"))??;

        let (first, ready) = oneshot::channel();
        let subscribed = Arc::new(AtomicBool::new(false));
        tokio::spawn(subscribe_loop(
            client,
            prefix.clone(),
            hub.clone(),
            subscribed.clone(),
            Some(first),
        ));
        tokio::time::timeout(TIMEOUT * 2, ready)
            .await
            .map_err(|_| anyhow::anyhow!("could not subscribe to Redis at {url}"))??;

        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(publish_loop(rx, prefix, manager.clone(), hub.clone()));
        Ok(Self {
            queue,
            hub,
            manager,
            subscribed,
        })
    }

    pub fn publish(&self, tenant: &str, event: Arc<DomainEvent>) {
        // Without our subscription Redis is most likely down: this process's subscribers
        // hear the event at once instead of after a doomed PUBLISH.
        if !self.subscribed.load(Ordering::Relaxed) {
            self.hub.deliver(tenant, event);
            return;
        }
        if let Err(err) = self.queue.try_send((tenant.to_owned(), event)) {
            tracing::warn!(tenant, "Redis publish queue full: delivering locally only");
            let (tenant, event) = err.into_inner();
            self.hub.deliver(&tenant, event);
        }
    }

    pub async fn ping(&self) -> bool {
        let mut conn = self.manager.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .is_ok()
    }
}

async fn publish_loop(
    mut rx: mpsc::Receiver<(String, Arc<DomainEvent>)>,
    prefix: Arc<str>,
    mut conn: ConnectionManager,
    hub: Arc<Hub>,
) {
    while let Some((tenant, event)) = rx.recv().await {
        let sent = match serde_json::to_string(&*event) {
            Ok(payload) => redis::cmd("PUBLISH")
                .arg(format!("{prefix}{tenant}"))
                .arg(payload)
                .query_async::<i64>(&mut conn)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(error) = sent {
            tracing::warn!(%tenant, %error, "Redis publish failed: delivering locally only");
            hub.deliver(&tenant, event);
        }
    }
}

/// Keeps one pattern subscription alive for the life of the process.
async fn subscribe_loop(
    client: redis::Client,
    prefix: Arc<str>,
    hub: Arc<Hub>,
    subscribed: Arc<AtomicBool>,
    mut first: Option<oneshot::Sender<()>>,
) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.psubscribe(format!("{prefix}*")).await {
                Ok(()) => {
                    subscribed.store(true, Ordering::Relaxed);
                    if let Some(tx) = first.take() {
                        let _ = tx.send(());
                    } else {
                        tracing::info!("Redis subscription restored");
                        // Whatever was published meanwhile never reached us.
                        hub.resync_all();
                    }
                    backoff = Duration::from_millis(100);
                    let mut messages = pubsub.into_on_message();
                    while let Some(msg) = messages.next().await {
                        dispatch(
                            &hub,
                            &prefix,
                            msg.get_channel_name(),
                            msg.get_payload_bytes(),
                        );
                    }
                    subscribed.store(false, Ordering::Relaxed);
                    tracing::warn!("Redis subscription lost; reconnecting");
                }
                Err(error) => tracing::warn!(%error, "Redis PSUBSCRIBE failed"),
            },
            Err(error) => tracing::warn!(%error, "Redis unreachable; retrying"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

fn dispatch(hub: &Hub, prefix: &str, channel: &str, payload: &[u8]) {
    let Some(tenant) = channel.strip_prefix(prefix) else {
        return;
    };
    match serde_json::from_slice::<DomainEvent>(payload) {
        Ok(event) => hub.deliver(tenant, Arc::new(event)),
        Err(error) => tracing::warn!(%tenant, %error, "unreadable event on Redis"),
    }
}
