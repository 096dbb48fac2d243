//! Poll fields. Thin: guard, one service call, map.

use std::time::Duration;

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, Result, Subscription};
use chrono::{DateTime, FixedOffset};
use futures::{Stream, StreamExt};

use super::model::{Ballot, Eligibility, Poll, TallyView, VoteTally};
use super::service::{self, NewPoll, Tally};
use crate::common::context::ContextExt;
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::guard::RoleGuard;
use crate::common::ids::Fetch;
use crate::common::ids::{PollId, PollOptionId, UnitId, kind};
use crate::common::live::{Burst, Live, Opening};
use crate::common::pagination::Page;
use crate::common::viewer::Viewer;

#[derive(Default)]
pub struct PollQuery;

#[Object]
impl PollQuery {
    /// Polls, oldest first by id; `open: true` only those accepting votes now.
    #[graphql(
        guard = "RoleGuard::member()",
        complexity = "crate::common::pagination::page_cost(first, last) * child_complexity"
    )]
    async fn polls(
        &self,
        ctx: &Context<'_>,
        open: Option<bool>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Connection<String, Poll>> {
        let page = Page::parse(after, before, first, last)?;
        let polls = service::list(ctx.tenant_tx()?, open, &page).await?;
        Ok(page.connection(polls, |p| p.row.id, Poll::new))
    }

    #[graphql(guard = "RoleGuard::member()")]
    async fn poll(&self, ctx: &Context<'_>, id: PollId) -> Result<Poll> {
        Ok(Poll::fetch(ctx, id.row()?).await?)
    }
}

#[async_trait::async_trait]
impl Fetch for Poll {
    type Kind = kind::Poll;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        Ok(Poll::new(service::get(ctx.tenant_tx()?, id).await?))
    }
}

#[derive(InputObject)]
pub struct CreatePollInput {
    title: String,
    description: Option<String>,
    /// 2 to 20 distinct labels, in display order.
    options: Vec<String>,
    eligibility: Eligibility,
    #[graphql(default_with = "Ballot::Secret")]
    ballot: Ballot,
    #[graphql(default)]
    hide_results_until_close: bool,
    /// Absent: now.
    opens_at: Option<DateTime<FixedOffset>>,
    closes_at: DateTime<FixedOffset>,
}

#[derive(Default)]
pub struct PollMutation;

#[Object]
impl PollMutation {
    #[graphql(guard = "RoleGuard::manager()")]
    async fn create_poll(&self, ctx: &Context<'_>, input: CreatePollInput) -> Result<Poll> {
        let req = ctx.request()?;
        let new = NewPoll {
            title: input.title,
            description: input.description,
            options: input.options,
            eligibility: input.eligibility,
            ballot: input.ballot,
            hide_results_until_close: input.hide_results_until_close,
            opens_at: input.opens_at,
            closes_at: input.closes_at,
        };
        let poll = service::create_poll(ctx.tenant_tx()?, req.principal()?.user_id, new).await?;
        req.audit_target(poll.row.id);
        Ok(Poll::new(poll))
    }

    /// Casts the caller's vote (residents). A second vote of the same unit (or resident)
    /// gets `CONFLICT`, however many arrive at once.
    #[graphql(guard = "RoleGuard::resident()")]
    async fn cast_vote(
        &self,
        ctx: &Context<'_>,
        poll_id: PollId,
        option_id: PollOptionId,
        #[graphql(desc = "The voting unit, for residents of several units in a per-unit poll.")]
        unit_id: Option<UnitId>,
    ) -> Result<VoteTally> {
        let req = ctx.request()?;
        let viewer = ctx.viewer().await?;
        let poll_id = poll_id.row()?;
        let option_id = option_id.row()?;
        let unit_id = unit_id.map(|u| u.row()).transpose()?;
        let poll =
            service::cast_vote(ctx.tenant_tx()?, viewer, poll_id, option_id, unit_id).await?;
        req.audit_target(poll_id);
        req.emit(DomainEvent::VoteCast {
            poll_id,
            total: poll.tally.total,
            counts: poll.tally.counts.clone(),
        });
        Ok(TallyView::new(&poll.row, &poll.options).render(&poll.tally, viewer))
    }

    /// Closes a poll now.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn close_poll(&self, ctx: &Context<'_>, id: PollId) -> Result<Poll> {
        let req = ctx.request()?;
        let id = id.row()?;
        let poll = service::close_poll(ctx.tenant_tx()?, id).await?;
        req.audit_target(id);
        req.emit(DomainEvent::PollClosed { poll_id: id });
        Ok(Poll::new(poll))
    }
}

#[derive(Default)]
pub struct PollSubscription;

#[Subscription]
impl PollSubscription {
    /// The poll's tally now, then again after votes: bursts are coalesced into the newest
    /// tally, a tally is never older than one already sent, and closing the poll sends the
    /// final one (with results, when they were hidden until then).
    #[graphql(guard = "RoleGuard::member()")]
    async fn vote_tally(
        &self,
        ctx: &Context<'_>,
        poll_id: PollId,
    ) -> Result<impl Stream<Item = VoteTally> + use<>> {
        let poll_id = poll_id.row()?;
        let Opening {
            live,
            bursts,
            tx,
            viewer,
        } = Live::open(ctx).await?;
        let poll = service::get(&tx, poll_id).await?;
        tx.commit().await.map_err(ApiError::from)?;
        let (view, tally) = (TallyView::new(&poll.row, &poll.options), poll.tally);
        let first = view.render(&tally, &viewer);
        let watch = Watch {
            live,
            viewer,
            view,
            sent: tally.total,
            closed: first.closed,
            last: tally,
        };
        let updates = futures::stream::unfold(
            (Box::pin(bursts), watch),
            |(mut bursts, mut watch)| async move {
                loop {
                    // Wake at the closing time too: results hidden until then appear.
                    let burst = match watch.until_close() {
                        Some(left) => tokio::select! {
                            burst = bursts.next() => burst?,
                            () = tokio::time::sleep(left) => Burst::default(),
                        },
                        None => bursts.next().await?,
                    };
                    if let Some(tally) = watch.apply(burst).await {
                        return Some((tally, (bursts, watch)));
                    }
                }
            },
        );
        Ok(futures::stream::once(async move { first }).chain(updates))
    }
}

/// A `voteTally` subscriber's state between bursts.
struct Watch {
    live: Live,
    viewer: Viewer,
    view: TallyView,
    /// The newest tally known.
    last: Tally,
    /// Total of the last tally sent, and whether it said "closed".
    sent: i64,
    closed: bool,
}

impl Watch {
    /// Time left until the poll closes, while it is open.
    fn until_close(&self) -> Option<Duration> {
        if self.closed {
            return None;
        }
        let left = self.view.closes_at.with_timezone(&chrono::Utc) - chrono::Utc::now();
        Some(left.to_std().unwrap_or_default())
    }

    /// The tally to send after this burst (or the closing time), if any.
    async fn apply(&mut self, burst: Burst) -> Option<VoteTally> {
        let poll = self.view.poll_id;
        let mut reread = burst.lagged;
        for event in &burst.events {
            match &**event {
                DomainEvent::VoteCast {
                    poll_id,
                    total,
                    counts,
                } if *poll_id == poll && *total > self.last.total => {
                    self.last = Tally {
                        total: *total,
                        counts: counts.clone(),
                    };
                }
                DomainEvent::PollClosed { poll_id } if *poll_id == poll => reread = true,
                _ => {}
            }
        }
        if reread {
            match load(&self.live, poll).await {
                Ok((view, tally)) => {
                    self.view = view;
                    // Events of concurrent votes may be published out of commit order.
                    if tally.total >= self.last.total {
                        self.last = tally;
                    }
                }
                Err(err) => {
                    tracing::warn!(poll, error = %err.message(), "tally re-read failed");
                    return None;
                }
            }
        }
        let tally = self.view.render(&self.last, &self.viewer);
        if tally.total <= self.sent && tally.closed == self.closed {
            return None;
        }
        self.sent = tally.total;
        self.closed = tally.closed;
        Some(tally)
    }
}

/// The poll (as a tally needs it) and its tally, in one short transaction.
async fn load(live: &Live, poll_id: i64) -> Result<(TallyView, Tally), ApiError> {
    let tx = live.begin().await?;
    let poll = service::get(&tx, poll_id).await?;
    tx.commit().await?;
    Ok((TallyView::new(&poll.row, &poll.options), poll.tally))
}
