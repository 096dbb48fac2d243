//! Batch loaders for complaint -> assignee, comments and attachments (complaint ->
//! resident and unit are `common::by_id`'s). One SQL statement per key type and batch.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};

use klustera_entities::tenant::{complaint_attachment, user};

use super::service::{COMMENT_FIELDS, CommentRow, UserRow};

use crate::common::batch::{Rows, group};
use crate::common::error::ApiError;
use crate::common::loader::{TenantLoader, ids};

/// Key: user id -> the user's public face (never the password hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserById(pub i64);

/// Key: complaint id -> its comments, oldest first. `with_internal` is part of the key, so
/// a resident's request never even fetches internal notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommentsOfComplaint {
    pub complaint_id: i64,
    pub with_internal: bool,
}

/// Key: complaint id -> its attachments, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttachmentsOfComplaint(pub i64);

impl Loader<UserById> for TenantLoader {
    type Value = UserRow;
    type Error = ApiError;

    async fn load(&self, keys: &[UserById]) -> Result<HashMap<UserById, Self::Value>, ApiError> {
        let rows = user::Entity::find()
            .select_only()
            .columns([
                user::Column::Id,
                user::Column::DisplayName,
                user::Column::Role,
            ])
            .filter(user::Column::Id.is_in(ids(keys, |k| k.0)))
            .into_model::<UserRow>()
            .all(self.tx()?.as_ref())
            .await?;
        Ok(rows.into_iter().map(|u| (UserById(u.id), u)).collect())
    }
}

impl Loader<CommentsOfComplaint> for TenantLoader {
    type Value = Vec<CommentRow>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[CommentsOfComplaint],
    ) -> Result<HashMap<CommentsOfComplaint, Self::Value>, ApiError> {
        // Keys of one request share `with_internal` (it follows the caller's role); should
        // they ever differ, internal notes are fetched only for keys that asked for them.
        let with_internal: Vec<i64> = keys
            .iter()
            .filter(|k| k.with_internal)
            .map(|k| k.complaint_id)
            .collect();
        let rows = CommentRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {COMMENT_FIELDS} FROM complaint_comments c JOIN users u ON u.id = c.author_user_id \
                 WHERE c.complaint_id = ANY($1) AND (NOT c.internal OR c.complaint_id = ANY($2)) \
                 ORDER BY c.complaint_id, c.id"
            ),
            [ids(keys, |k| k.complaint_id).into(), with_internal.into()],
        ))
        .all(self.tx()?.as_ref())
        .await?;
        let mut out: HashMap<_, Vec<CommentRow>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            for with_internal in [false, true] {
                let key = CommentsOfComplaint {
                    complaint_id: row.complaint_id,
                    with_internal,
                };
                if let Some(list) = out.get_mut(&key)
                    && (with_internal || !row.internal)
                {
                    list.push(row.clone());
                }
            }
        }
        Ok(out)
    }
}

impl Loader<AttachmentsOfComplaint> for TenantLoader {
    type Value = Rows<complaint_attachment::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[AttachmentsOfComplaint],
    ) -> Result<HashMap<AttachmentsOfComplaint, Self::Value>, ApiError> {
        let rows = complaint_attachment::Entity::find()
            .filter(complaint_attachment::Column::ComplaintId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(complaint_attachment::Column::Id)
            .all(self.tx()?.as_ref())
            .await?;
        Ok(group(keys, rows, |a| {
            AttachmentsOfComplaint(a.complaint_id)
        }))
    }
}
