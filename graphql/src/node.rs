//! Global Object Identification: the `Node` interface and the `node(id:)` and
//! `nodes(ids:)` root fields.
//!
//! Every node type implements [`Fetch`] in its domain's `schema` module: the object with a
//! row id, as the caller may see it (the domain's service decides), else `NOT_FOUND`. The
//! list below is the one place that names them all.

use async_graphql::{Context, ID, Interface, Object, Result};

use crate::common::error::{ApiError, ApiResult};
use crate::common::guard::RoleGuard;
use crate::common::ids::{self, Fetch, NodeKind};
use crate::common::jobs::Job;
use crate::domains::announcements::model::Announcement;
use crate::domains::billing::model::{Bill, Payment};
use crate::domains::bookings::model::{Booking, Facility};
use crate::domains::complaints::model::Complaint;
use crate::domains::polls::model::Poll;
use crate::domains::property::model::{Block, Resident, Unit};

macro_rules! nodes {
    ($($variant:ident($object:ident),)*) => {
        /// An object with a global id: `node(id:)` fetches any of them.
        #[derive(Interface)]
        #[graphql(field(name = "id", ty = "ID", desc = "Its global id: opaque, never reused by another object."))]
        pub enum Node {
            $($variant($object),)*
        }

        /// The node `raw` names, or `NOT_FOUND`.
        async fn fetch(ctx: &Context<'_>, raw: &str) -> ApiResult<Node> {
            let (kind, row) = ids::decode(raw).ok_or(ApiError::NotFound("node"))?;
            $(
                if kind == <<$object as Fetch>::Kind as NodeKind>::NAME {
                    return <$object as Fetch>::fetch(ctx, row).await.map(Node::$variant);
                }
            )*
            Err(ApiError::NotFound("node"))
        }
    };
}

nodes! {
    Block(Block),
    Unit(Unit),
    Resident(Resident),
    Poll(Poll),
    Bill(Bill),
    Payment(Payment),
    Job(Job),
    Complaint(Complaint),
    Announcement(Announcement),
    Facility(Facility),
    Booking(Booking),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, if the caller may see it; else `NOT_FOUND`.
    #[graphql(guard = "RoleGuard::member()")]
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Node> {
        Ok(fetch(ctx, &id).await?)
    }

    /// The objects with these global ids, in order; `null` for one that does not exist or
    /// that the caller may not see. At most 100.
    #[graphql(guard = "RoleGuard::member()")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(ApiError::bad_input("ids", "at most 100 ids").into());
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(fetch(ctx, id).await.ok());
        }
        Ok(found)
    }
}
