//! Rows decoded by column position, straight from sqlx's row.
//!
//! SeaORM's derived decoding looks each column up by name and formats a `String` for it
//! (prefix + name) on every row, and its `Option` decoding formats an error for every
//! NULL: on the pages and batches behind every list that was a large share of the
//! gateway's CPU. These decoders read columns by position, in the order of the model's
//! fields, which is the column order `Entity::find()` selects and the order the raw
//! SELECTs using them list.
//!
//! [`column`] checks each column's type against the field's in debug builds, which every
//! test runs, and skips that check in release builds, where it was a tenth of the CPU of
//! a bill list. This is safe only because these columns are fixed by the migrations and
//! the test suite reads every one of these rows through the checked path: a column whose
//! type drifted from its entity would be read as the wrong type (a decode error, a wrong
//! value, or even a panic in chrono's date arithmetic), so a migration that changes one
//! of these columns must change the entity too, and the tests will say so if it does not.
//!
//! The many-row leaves of a response (bill items, payments) are not decoded into models
//! at all: a [`Kept`] row stays as PostgreSQL sent it, and a field's column is decoded
//! when a client asks for that field. A bill list asking for three of an item's ten
//! columns decodes three, and copies each string once, into the response.

use std::marker::PhantomData;

use sea_orm::sqlx::postgres::{PgRow, Postgres};
use sea_orm::sqlx::{self, Column as _, Decode, Row, Type};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryResult, QueryTrait, Select, Statement,
};

use klustera_entities::tenant::{bill, resident, unit};

use crate::common::error::ApiResult;
use crate::common::tenancy::{TenantTx, query_err};

/// sqlx's row inside SeaORM's.
fn pg_row(row: &QueryResult) -> Result<&PgRow, DbErr> {
    row.try_as_pg_row()
        .ok_or_else(|| DbErr::Custom("not a PostgreSQL row".into()))
}

/// Column `index` of `row`, type-checked in debug builds only (see the module docs).
pub(crate) fn column<'r, T>(row: &'r PgRow, index: usize) -> Result<T, sqlx::Error>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    if cfg!(debug_assertions) {
        row.try_get(index)
    } else {
        row.try_get_unchecked(index)
    }
}

/// A model read from consecutive columns starting at `first`.
pub(crate) trait ByPosition: Sized {
    fn at(row: &PgRow, first: usize) -> Result<Self, sqlx::Error>;
}

macro_rules! by_position {
    ($($model:path { $($field:ident),* $(,)? })*) => { $(
        impl ByPosition for $model {
            fn at(row: &PgRow, first: usize) -> Result<Self, sqlx::Error> {
                let mut index = first;
                let mut next = || {
                    index += 1;
                    index - 1
                };
                Ok(Self { $($field: column(row, next())?,)* })
            }
        }
    )* };
}

// Every field, in declaration order (a missing field does not compile).
by_position! {
    unit::Model { id, block_id, number, area_m2, unit_type, archived_at, created_at }
    resident::Model { id, full_name, phone, email, identity_number, archived_at, created_at }
    bill::Model {
        id, unit_id, period, due_on, status, subtotal, ppn, late_fee, total, paid,
        void_reason, created_at,
    }
}

/// The rows of `select`, decoded by position.
pub(crate) async fn all<E: EntityTrait, T: ByPosition>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> ApiResult<Vec<T>> {
    all_raw(db, select.build(DbBackend::Postgres)).await
}

/// The rows of a statement whose columns are `T`'s fields, decoded by position.
pub(crate) async fn all_raw<T: ByPosition>(
    db: &impl ConnectionTrait,
    statement: Statement,
) -> ApiResult<Vec<T>> {
    all_decoded(db, statement, |row| T::at(row, 0)).await
}

/// The rows of a statement, each decoded by `decode` (for rows that are more than a model).
pub(crate) async fn all_decoded<T>(
    db: &impl ConnectionTrait,
    statement: Statement,
    decode: impl Fn(&PgRow) -> Result<T, sqlx::Error>,
) -> ApiResult<Vec<T>> {
    let rows = db.query_all_raw(statement).await?;
    // Sized up front: collecting through `Result` would grow it row by row, copying
    // these large models each time.
    let mut decoded = Vec::with_capacity(rows.len());
    for row in &rows {
        decoded.push(decode(pg_row(row)?).map_err(query_err)?);
    }
    Ok(decoded)
}

/// The columns of a [`Kept`] row: each names its position in the statement's select list
/// and the column's name there (checked in debug builds). Declared with [`kept_columns`].
pub trait Columns: Copy {
    /// `SELECT <every column, in order> FROM <table>`.
    const SELECT: &'static str;
    fn index(self) -> usize;
    fn name(self) -> &'static str;
}

/// A [`Columns`] enum and its `SELECT` (its columns in declaration order, `FROM` its
/// table), so a select list and its columns are one list.
macro_rules! kept_columns {
    (
        $(#[$doc:meta])*
        $vis:vis enum $name:ident from $table:literal {
            $first:ident = $first_col:ident $(, $variant:ident = $col:ident)* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        $vis enum $name {
            $first,
            $($variant,)*
        }

        impl $crate::common::rows::Columns for $name {
            const SELECT: &'static str = concat!(
                "SELECT ", stringify!($first_col), $(", ", stringify!($col),)* " FROM ", $table
            );
            fn index(self) -> usize {
                self as usize
            }
            fn name(self) -> &'static str {
                match self {
                    Self::$first => stringify!($first_col),
                    $(Self::$variant => stringify!($col),)*
                }
            }
        }
    };
}
pub(crate) use kept_columns;

/// A row kept as PostgreSQL sent it, with the key it is grouped by; its other columns
/// `C` are decoded on demand (see the module docs).
pub struct Kept<C> {
    pub key: i64,
    row: QueryResult,
    columns: PhantomData<C>,
}

impl<C: Columns> Kept<C> {
    /// Column `column`, decoded as `T` (type-checked in debug builds only, as [`column`]).
    pub(crate) fn get<'r, T>(&'r self, column: C) -> ApiResult<T>
    where
        T: Decode<'r, Postgres> + Type<Postgres>,
    {
        let index = column.index();
        let row = pg_row(&self.row)?;
        debug_assert_eq!(
            row.try_column(index).map(|c| c.name()).ok(),
            Some(column.name()),
            "column {index} of the statement"
        );
        Ok(self::column(row, index).map_err(query_err)?)
    }
}

/// The rows of a statement, kept undecoded but for the grouping key in column `key`.
pub(crate) async fn all_kept<C: Columns>(
    tx: &TenantTx,
    statement: Statement,
    key: C,
) -> ApiResult<Vec<Kept<C>>> {
    let rows = tx.query_all_raw(statement).await?;
    let mut kept = Vec::with_capacity(rows.len());
    for row in rows {
        kept.push(Kept {
            key: column(pg_row(&row)?, key.index()).map_err(query_err)?,
            row,
            columns: PhantomData,
        });
    }
    Ok(kept)
}
