//! Relay cursor pagination by primary key (keyset, never OFFSET).

use async_graphql::OutputType;
use async_graphql::connection::{Connection, Edge};
use sea_orm::{ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::common::error::{ApiError, ApiResult};

/// Largest page a client may ask for.
pub const MAX_PAGE: u64 = 200;
const DEFAULT_PAGE: u64 = 20;

/// Complexity weight of a page: how many nodes it may hold (for the complexity limit).
pub fn page_cost(first: Option<i32>, last: Option<i32>) -> usize {
    first
        .or(last)
        .map_or(DEFAULT_PAGE as usize, |n| usize::try_from(n).unwrap_or(0))
        .max(1)
}

/// A validated page request: keyset bounds and direction.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    after: Option<i64>,
    before: Option<i64>,
    size: u64,
    backward: bool,
}

fn cursor(field: &'static str, raw: Option<String>) -> ApiResult<Option<i64>> {
    raw.map(|c| {
        c.parse::<i64>()
            .map_err(|_| ApiError::bad_input(field, "not a cursor from this API"))
    })
    .transpose()
}

impl Page {
    pub fn parse(
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> ApiResult<Self> {
        let size = |field: &'static str, n: i32| -> ApiResult<u64> {
            let n =
                u64::try_from(n).map_err(|_| ApiError::bad_input(field, "must not be negative"))?;
            if n > MAX_PAGE {
                return Err(ApiError::bad_input(
                    field,
                    format!("at most {MAX_PAGE} per page"),
                ));
            }
            Ok(n)
        };
        let (size, backward) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(ApiError::bad_input("last", "use either first or last"));
            }
            (Some(n), None) => (size("first", n)?, false),
            (None, Some(n)) => (size("last", n)?, true),
            (None, None) => (DEFAULT_PAGE, false),
        };
        Ok(Self {
            after: cursor("after", after)?,
            before: cursor("before", before)?,
            size,
            backward,
        })
    }

    /// Applies bounds, order and limit (one extra row tells whether more exist).
    pub fn apply<E: EntityTrait>(&self, select: Select<E>, id: impl ColumnTrait) -> Select<E> {
        self.apply_ordered(select, id, false)
    }

    /// As [`Page::apply`], newest (highest id) first: `after` a cursor come older rows.
    pub fn apply_newest_first<E: EntityTrait>(
        &self,
        select: Select<E>,
        id: impl ColumnTrait,
    ) -> Select<E> {
        self.apply_ordered(select, id, true)
    }

    fn apply_ordered<E: EntityTrait>(
        &self,
        mut select: Select<E>,
        id: impl ColumnTrait,
        newest_first: bool,
    ) -> Select<E> {
        if let Some(after) = self.after {
            select = select.filter(if newest_first {
                id.lt(after)
            } else {
                id.gt(after)
            });
        }
        if let Some(before) = self.before {
            select = select.filter(if newest_first {
                id.gt(before)
            } else {
                id.lt(before)
            });
        }
        // Backward pages are read from their far end and reversed by `connection`.
        let order = if self.backward != newest_first {
            Order::Desc
        } else {
            Order::Asc
        };
        select.order_by(id, order).limit(self.size + 1)
    }

    /// Turns the rows fetched with [`Page::apply`] (or [`Page::apply_newest_first`]) into a
    /// connection.
    pub fn connection<T, N: OutputType>(
        &self,
        mut rows: Vec<T>,
        id_of: impl Fn(&T) -> i64,
        node: impl Fn(T) -> N,
    ) -> Connection<String, N> {
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        let more = rows.len() > size;
        rows.truncate(size);
        if self.backward {
            rows.reverse();
        }
        let (has_previous, has_next) = if self.backward {
            (more, self.before.is_some())
        } else {
            (self.after.is_some(), more)
        };
        let mut conn = Connection::new(has_previous, has_next);
        conn.edges.extend(
            rows.into_iter()
                .map(|row| Edge::new(id_of(&row).to_string(), node(row))),
        );
        conn
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally inside `ILIKE '%...%'`.
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
