//! GraphQL objects of polls.

use std::collections::HashMap;

use async_graphql::{ComplexObject, Context, ID, Result, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};

use klustera_entities::tenant::poll;

use super::service::{self, PollOptionRow, Tally};
use crate::common::context::{ContextExt, Role};
use crate::common::error::ApiError;

pub use klustera_entities::states::{Ballot, Eligibility};

#[derive(SimpleObject, Debug, Clone)]
pub struct PollOption {
    pub id: ID,
    pub position: i32,
    pub label: String,
}

impl From<PollOptionRow> for PollOption {
    fn from(row: PollOptionRow) -> Self {
        Self {
            id: row.id.into(),
            position: row.position.into(),
            label: row.label,
        }
    }
}

#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct OptionResult {
    pub option_id: ID,
    pub label: String,
    pub votes: i64,
}

/// A poll's tally as the caller may see it.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct VoteTally {
    pub poll_id: ID,
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

    /// Residents do not see results of a hiding poll before it closes; staff always do.
    pub fn render(&self, tally: &Tally, role: Role) -> VoteTally {
        let closed = Utc::now() >= self.closes_at;
        let hidden = self.hide_until_close && !closed && role == Role::Resident;
        let results = (!hidden).then(|| {
            tally
                .counts
                .iter()
                .map(|(option, votes)| OptionResult {
                    option_id: (*option).into(),
                    label: self.labels.get(option).cloned().unwrap_or_default(),
                    votes: *votes,
                })
                .collect()
        });
        VoteTally {
            poll_id: self.poll_id.into(),
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
    pub option_id: ID,
    pub cast_at: DateTime<FixedOffset>,
}

/// A poll with its options and tally (loaded together for a whole page).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Poll {
    pub id: ID,
    pub title: String,
    pub description: String,
    pub eligibility: Eligibility,
    pub ballot: Ballot,
    pub hide_results_until_close: bool,
    pub opens_at: DateTime<FixedOffset>,
    pub closes_at: DateTime<FixedOffset>,
    pub options: Vec<PollOption>,
    #[graphql(skip)]
    view: TallyView,
    #[graphql(skip)]
    count: Tally,
}

impl Poll {
    pub fn new(row: poll::Model, options: Vec<PollOptionRow>, count: Tally) -> Self {
        let view = TallyView::new(&row, &options);
        Self {
            id: row.id.into(),
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
    /// Whether votes are accepted now.
    async fn is_open(&self) -> bool {
        let now = Utc::now();
        now >= self.opens_at && now < self.closes_at
    }

    async fn tally(&self, ctx: &Context<'_>) -> Result<VoteTally> {
        let role = ctx.request()?.principal()?.role;
        Ok(self.view.render(&self.count, role))
    }

    /// The option the caller (or, for per-unit polls, their household) voted for.
    async fn my_vote(&self, ctx: &Context<'_>) -> Result<Option<ID>> {
        let Some(resident) = ctx.request()?.principal()?.resident_id else {
            return Ok(None);
        };
        let vote = service::my_vote(ctx.tenant_tx()?, self.view.poll_id, resident).await?;
        Ok(vote.map(ID::from))
    }

    /// Who voted for what: open ballots, staff only.
    async fn ballots(&self, ctx: &Context<'_>) -> Result<Vec<BallotEntry>> {
        let role = ctx.request()?.principal()?.role;
        if !matches!(role, Role::Manager | Role::Security) {
            return Err(ApiError::Forbidden("ballots are visible to staff only").into());
        }
        if self.ballot != Ballot::Open {
            return Err(ApiError::Forbidden("this poll has a secret ballot").into());
        }
        let rows = service::ballots(ctx.tenant_tx()?, self.view.poll_id).await?;
        Ok(rows
            .into_iter()
            .map(|r| BallotEntry {
                resident_name: r.resident_name,
                unit_number: r.unit_number,
                option_id: r.option_id.into(),
                cast_at: r.cast_at,
            })
            .collect())
    }
}
