//! GraphQL objects of polls.

use std::collections::HashMap;

use async_graphql::{ComplexObject, Context, Result, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};

use klustera_entities::tenant::poll;

use super::service::{self, PollOptionRow, PollRecord, Tally};
use crate::common::context::ContextExt;
use crate::common::ids::{PollId, PollOptionId};
use crate::common::viewer::Viewer;

pub use klustera_entities::states::{Ballot, Eligibility};

#[derive(SimpleObject, Debug, Clone)]
pub struct PollOption {
    pub id: PollOptionId,
    pub position: i32,
    pub label: String,
}

impl From<PollOptionRow> for PollOption {
    fn from(row: PollOptionRow) -> Self {
        Self {
            id: PollOptionId::new(row.id),
            position: row.position.into(),
            label: row.label,
        }
    }
}

#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct OptionResult {
    pub option_id: PollOptionId,
    pub label: String,
    pub votes: i64,
}

/// A poll's tally as the caller may see it.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct VoteTally {
    pub poll_id: PollId,
    /// Votes cast so far (always visible).
    pub total: i64,
    pub closed: bool,
    /// True while results are hidden from the caller (until the poll closes).
    pub hidden: bool,
    /// Votes per option, in option order; null while hidden.
    pub results: Option<Vec<OptionResult>>,
}

/// What a tally needs to know about its poll: enough to render it without the database.
#[derive(Debug, Clone)]
pub struct TallyView {
    pub poll_id: i64,
    pub closes_at: DateTime<FixedOffset>,
    pub hide_until_close: bool,
    pub labels: HashMap<i64, String>,
}

impl TallyView {
    pub fn new(poll: &poll::Model, options: &[PollOptionRow]) -> Self {
        Self {
            poll_id: poll.id,
            closes_at: poll.closes_at,
            hide_until_close: poll.hide_results_until_close,
            labels: options.iter().map(|o| (o.id, o.label.clone())).collect(),
        }
    }

    /// The tally as `viewer` may see it now ([`service::results_visible`]).
    pub fn render(&self, tally: &Tally, viewer: &Viewer) -> VoteTally {
        let closed = Utc::now() >= self.closes_at;
        let hidden = !service::results_visible(viewer, self.hide_until_close, closed);
        let results = (!hidden).then(|| {
            tally
                .counts
                .iter()
                .map(|(option, votes)| OptionResult {
                    option_id: PollOptionId::new(*option),
                    label: self.labels.get(option).cloned().unwrap_or_default(),
                    votes: *votes,
                })
                .collect()
        });
        VoteTally {
            poll_id: PollId::new(self.poll_id),
            total: tally.total,
            closed,
            hidden,
            results,
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct BallotEntry {
    pub resident_name: String,
    pub unit_number: Option<String>,
    pub option_id: PollOptionId,
    pub cast_at: DateTime<FixedOffset>,
}

/// A poll with its options and tally (loaded together for a whole page).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Poll {
    #[graphql(skip)]
    pub row_id: i64,
    pub title: String,
    pub description: String,
    pub eligibility: Eligibility,
    pub ballot: Ballot,
    pub hide_results_until_close: bool,
    pub opens_at: DateTime<FixedOffset>,
    pub closes_at: DateTime<FixedOffset>,
    pub options: Vec<PollOption>,
    /// Boxed: a `Poll` is a variant of `Node`, which should stay small.
    #[graphql(skip)]
    view: Box<TallyView>,
    #[graphql(skip)]
    count: Tally,
}

impl Poll {
    pub fn new(record: PollRecord) -> Self {
        let PollRecord {
            row,
            options,
            tally: count,
        } = record;
        let view = Box::new(TallyView::new(&row, &options));
        Self {
            row_id: row.id,
            title: row.title,
            description: row.description,
            eligibility: row.eligibility,
            ballot: row.ballot,
            hide_results_until_close: row.hide_results_until_close,
            opens_at: row.opens_at,
            closes_at: row.closes_at,
            options: options.into_iter().map(PollOption::from).collect(),
            view,
            count,
        }
    }
}

#[ComplexObject]
impl Poll {
    pub async fn id(&self) -> PollId {
        PollId::new(self.row_id)
    }

    /// Whether votes are accepted now.
    async fn is_open(&self) -> bool {
        let now = Utc::now();
        now >= self.opens_at && now < self.closes_at
    }

    async fn tally(&self, ctx: &Context<'_>) -> Result<VoteTally> {
        Ok(self.view.render(&self.count, ctx.viewer().await?))
    }

    /// The option the caller (or, for per-unit polls, their household) voted for.
    async fn my_vote(&self, ctx: &Context<'_>) -> Result<Option<PollOptionId>> {
        let vote = service::my_vote(ctx.tenant_tx()?, ctx.viewer().await?, self.row_id).await?;
        Ok(vote.map(PollOptionId::new))
    }

    /// Who voted for what: open ballots, staff only.
    async fn ballots(&self, ctx: &Context<'_>) -> Result<Vec<BallotEntry>> {
        let rows = service::ballots(ctx.tenant_tx()?, ctx.viewer().await?, self.row_id).await?;
        Ok(rows
            .into_iter()
            .map(|r| BallotEntry {
                resident_name: r.resident_name,
                unit_number: r.unit_number,
                option_id: PollOptionId::new(r.option_id),
                cast_at: r.cast_at,
            })
            .collect())
    }
}
