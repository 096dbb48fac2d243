//! Poll fields. Thin: guard, one service call, map.

use std::time::Duration;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, Result, Subscription};
use chrono::{DateTime, FixedOffset};
use futures::{Stream, StreamExt};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use klustera_entities::tenant::poll;

use super::model::{Ballot, Eligibility, Poll, TallyView, VoteTally};
use super::service::{self, NewPoll, Tally};
use crate::common::context::{ContextExt, Role};
use crate::common::error::ApiError;
use crate::common::events::DomainEvent;
use crate::common::guard::RoleGuard;
use crate::common::live::{Burst, Live};
use crate::common::pagination::Page;
use crate::domains::property::model::id_of;

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
        let tx = ctx.tenant_tx()?;
        let mut q = poll::Entity::find();
        if let Some(open) = open {
            let now = chrono::Utc::now();
            q = if open {
                q.filter(poll::Column::OpensAt.lte(now))
                    .filter(poll::Column::ClosesAt.gt(now))
            } else {
                q.filter(
                    poll::Column::OpensAt
                        .gt(now)
                        .or(poll::Column::ClosesAt.lte(now)),
                )
            };
        }
        let rows = page
            .apply(q, poll::Column::Id)
            .all(tx)
            .await
            .map_err(ApiError::from)?;
        let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
        let options = service::options_of(tx, &ids).await?;
        let tallies = service::tallies(tx, &ids).await?;
        Ok(page.connection(
            rows,
            |p| p.id,
            |p| {
                let opts = options.get(&p.id).cloned().unwrap_or_default();
                let count = tallies.get(&p.id).cloned().unwrap_or_default();
                Poll::new(p, opts, count)
            },
        ))
    }

    #[graphql(guard = "RoleGuard::member()")]
    async fn poll(&self, ctx: &Context<'_>, id: ID) -> Result<Poll> {
        let tx = ctx.tenant_tx()?;
        let id = id_of("id", &id)?;
        Ok(with_tally(tx, service::find(tx, id).await?).await?)
    }
}

/// A poll with its options and its tally now: what the fields returning one poll send.
async fn with_tally(db: &impl ConnectionTrait, row: poll::Model) -> Result<Poll, ApiError> {
    let options = service::options(db, row.id).await?;
    let count = service::tally(db, row.id).await?;
    Ok(Poll::new(row, options, count))
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
        let (row, options) =
            service::create_poll(ctx.tenant_tx()?, req.principal()?.user_id, new).await?;
        req.audit_target(row.id);
        let count = Tally {
            total: 0,
            counts: options.iter().map(|o| (o.id, 0)).collect(),
        };
        Ok(Poll::new(row, options, count))
    }

    /// Casts the caller's vote (residents). A second vote of the same unit (or resident)
    /// gets `CONFLICT`, however many arrive at once.
    #[graphql(guard = "RoleGuard::resident()")]
    async fn cast_vote(
        &self,
        ctx: &Context<'_>,
        poll_id: ID,
        option_id: ID,
        #[graphql(desc = "The voting unit, for residents of several units in a per-unit poll.")]
        unit_id: Option<ID>,
    ) -> Result<VoteTally> {
        let req = ctx.request()?;
        let principal = req.principal()?;
        let resident = principal
            .resident_id
            .ok_or(ApiError::Forbidden("only residents may vote"))?;
        let poll_id = id_of("pollId", &poll_id)?;
        let option_id = id_of("optionId", &option_id)?;
        let unit_id = unit_id.map(|u| id_of("unitId", &u)).transpose()?;
        let tx = ctx.tenant_tx()?;
        let tally = service::cast_vote(tx, resident, poll_id, option_id, unit_id).await?;
        req.audit_target(poll_id);
        req.emit(DomainEvent::VoteCast {
            poll_id,
            total: tally.total,
            counts: tally.counts.clone(),
        });
        let row = service::find(tx, poll_id).await?;
        let view = TallyView::new(&row, &service::options(tx, poll_id).await?);
        Ok(view.render(&tally, principal.role))
    }

    /// Closes a poll now.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn close_poll(&self, ctx: &Context<'_>, id: ID) -> Result<Poll> {
        let req = ctx.request()?;
        let tx = ctx.tenant_tx()?;
        let id = id_of("id", &id)?;
        let row = service::close_poll(tx, id).await?;
        req.audit_target(id);
        req.emit(DomainEvent::PollClosed { poll_id: id });
        Ok(with_tally(tx, row).await?)
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
        poll_id: ID,
    ) -> Result<impl Stream<Item = VoteTally> + use<>> {
        let live = Live::of(ctx)?.clone();
        let role = ctx.request()?.principal()?.role;
        let poll_id = id_of("pollId", &poll_id)?;
        // Listen first, then read: a vote committed in between is heard, not lost.
        let bursts = live.bursts();
        let (view, tally) = load(&live, poll_id).await?;
        let first = view.render(&tally, role);
        let watch = Watch {
            live,
            role,
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
    role: Role,
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
        let tally = self.view.render(&self.last, self.role);
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
    let row = service::find(&tx, poll_id).await?;
    let options = service::options(&tx, poll_id).await?;
    let tally = service::tally(&tx, poll_id).await?;
    tx.commit().await?;
    Ok((TallyView::new(&row, &options), tally))
}
