//! Poll fields. Thin: guard, one service call, map.

use async_graphql::{Context, Object, Result, Subscription};
use futures::Stream;

use crate::guard::RoleGuard;

#[derive(Default)]
pub struct PollQuery;

#[Object]
impl PollQuery {
    #[graphql(guard = "RoleGuard::member()")]
    async fn poll_count(&self, _ctx: &Context<'_>) -> Result<i32> {
        Ok(0)
    }
}

#[derive(Default)]
pub struct PollMutation;

#[Object]
impl PollMutation {
    #[graphql(guard = "RoleGuard::manager()")]
    async fn create_poll(&self, _ctx: &Context<'_>) -> Result<i32> {
        Ok(0)
    }
}

#[derive(Default)]
pub struct PollSubscription;

#[Subscription]
impl PollSubscription {
    #[graphql(guard = "RoleGuard::member()")]
    async fn vote_tally(&self, _ctx: &Context<'_>) -> Result<impl Stream<Item = i32> + use<>> {
        Ok(futures::stream::empty())
    }
}
