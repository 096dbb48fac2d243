//! What a subscription gets instead of a request transaction.
//!
//! A subscription outlives any transaction, so it holds no connection while it waits: it
//! opens a short tenant-bound transaction ([`Live::begin`]) when it needs to read (the
//! state it starts from, or a re-read after it fell behind), and otherwise turns events of
//! its own tenant into values. The server puts a [`Live`] in the data of every
//! subscription operation, next to a [`crate::RequestContext`] without a tenant scope (so
//! role guards work as on queries).
//!
//! Payload objects of subscriptions are self-contained: their fields never reach for a
//! dataloader or a transaction.

use std::future::ready;
use std::sync::Arc;

use async_graphql::Context;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use crate::common::context::ContextExt;
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::tenancy::{Binder, TenantTx};
use crate::common::types::TenantSlug;
use crate::common::viewer::Viewer;

/// Hands out receivers of one tenant's events. A receiver is tied to its tenant when it
/// is made: there is no way to ask for "all events" and filter later.
pub trait EventSource: Send + Sync {
    fn subscribe(&self, tenant: &str) -> broadcast::Receiver<Arc<DomainEvent>>;
}

/// The subscription's tenant and its ways to the database and the events.
#[derive(Clone)]
pub struct Live {
    pub tenant: TenantSlug,
    /// The tenant's time zone (IANA name), as registered when the connection began.
    pub time_zone: String,
    pub db: Binder,
    pub events: Arc<dyn EventSource>,
}

impl Live {
    pub fn of<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a Live> {
        ctx.data_opt::<Live>().ok_or(ApiError::Forbidden(
            "subscriptions need a WebSocket connection",
        ))
    }

    /// A short transaction bound to the subscription's tenant; the caller commits.
    pub async fn begin(&self) -> ApiResult<TenantTx> {
        self.db.begin(&self.tenant).await
    }

    /// What a subscription of the caller starts from, in the one safe order: listen to the
    /// tenant's events first (so no change between the first read and the stream is
    /// missed), then open a short transaction and resolve the caller's household in it.
    /// The subscription makes its first read (and its visibility check) with
    /// [`Opening::tx`] and commits it.
    pub async fn open(ctx: &Context<'_>) -> ApiResult<Opening> {
        let principal = ctx.request()?.principal()?.clone();
        let live = Self::of(ctx)?.clone();
        let bursts = live.bursts().boxed();
        let tx = live.begin().await?;
        let viewer = Viewer::resolve(&tx, principal).await?;
        Ok(Opening {
            live,
            bursts,
            tx,
            viewer,
        })
    }

    /// This tenant's events, in bursts: everything that arrived while the subscriber was
    /// busy comes as one [`Burst`], so a subscriber can coalesce it into one value.
    pub fn bursts(&self) -> impl Stream<Item = Burst> + Send + use<> {
        bursts(self.events.subscribe(self.tenant.as_str()))
    }
}

/// What [`Live::open`] returns.
pub struct Opening {
    pub live: Live,
    /// The tenant's events since before `tx` began.
    pub bursts: BoxStream<'static, Burst>,
    /// For the first read; the subscription commits it.
    pub tx: TenantTx,
    /// The caller and their household as of subscribing.
    pub viewer: Viewer,
}

/// Events that arrived together.
#[derive(Debug, Default)]
pub struct Burst {
    pub events: Vec<Arc<DomainEvent>>,
    /// Events may have been dropped (the subscriber fell behind, or the bus lost its
    /// connection): re-read the state.
    pub lagged: bool,
}

/// Turns a receiver into a stream of bursts; ends when the bus closes.
pub fn bursts(
    rx: broadcast::Receiver<Arc<DomainEvent>>,
) -> impl Stream<Item = Burst> + Send + use<> {
    futures::stream::unfold(rx, |mut rx| async move {
        let mut burst = Burst::default();
        match rx.recv().await {
            Ok(event) if *event == DomainEvent::Resync => burst.lagged = true,
            Ok(event) => burst.events.push(event),
            Err(RecvError::Lagged(_)) => burst.lagged = true,
            Err(RecvError::Closed) => return None,
        }
        loop {
            match rx.try_recv() {
                Ok(event) if *event == DomainEvent::Resync => burst.lagged = true,
                Ok(event) => burst.events.push(event),
                Err(TryRecvError::Lagged(_)) => burst.lagged = true,
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        Some((burst, rx))
    })
}

/// `first`, then each re-read that differs from the value before it: a lagged burst or a
/// change of something else often leaves the value as it was. What a subscription that
/// re-reads its state per burst streams.
pub fn changes_only<T>(
    first: T,
    rereads: impl Stream<Item = ApiResult<T>> + Send + 'static,
) -> impl Stream<Item = async_graphql::Result<T>> + Send + 'static
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let changes = rereads
        .scan(first.clone(), |last, next| {
            let out = match next {
                Ok(value) if value == *last => None,
                Ok(value) => {
                    *last = value.clone();
                    Some(Ok(value))
                }
                Err(err) => Some(Err(err.into())),
            };
            ready(Some(out))
        })
        .filter_map(ready);
    futures::stream::once(ready(Ok(first))).chain(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(announcement_id: i64) -> Arc<DomainEvent> {
        Arc::new(DomainEvent::AnnouncementPublished { announcement_id })
    }

    #[tokio::test]
    async fn waiting_events_come_as_one_burst_and_lag_is_reported() {
        let (tx, rx) = broadcast::channel(2);
        let mut stream = Box::pin(bursts(rx));
        tx.send(event(1)).unwrap();
        tx.send(event(2)).unwrap();
        let burst = stream.next().await.unwrap();
        assert_eq!(burst.events.len(), 2);
        assert!(!burst.lagged);

        for id in 3..=6 {
            tx.send(event(id)).unwrap();
        }
        let burst = stream.next().await.unwrap();
        assert!(burst.lagged, "two of four events were dropped");
        assert_eq!(burst.events, vec![event(5), event(6)]);

        drop(tx);
        assert!(stream.next().await.is_none());
    }
}
