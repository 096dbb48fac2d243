//! Rows decoded by column position, straight from sqlx's row, from one declaration.
//!
//! SeaORM's derived decoding looks each column up by name and formats a `String` for it
//! (prefix + name) on every row, and its `Option` decoding formats an error for every
//! NULL: on the pages and batches behind every list that was a large share of the
//! gateway's CPU. These decoders read columns by position instead.
//!
//! # One declaration
//! Each hot row declares its columns once: [`declare_rows!`] for models (unit, resident,
//! bill, booking, facility), [`kept_columns!`] for rows kept undecoded (bill items,
//! payments). From that one list come the decoder, the select list the raw statements use
//! ([`Declared::columns`], [`Columns::SELECT`]) and the check below, so two columns
//! swapped in one place is not possible: there is only one place.
//!
//! # Checked once per statement
//! Before the first row of a statement is decoded, its columns are checked against the
//! declaration: each column's name, and that its PostgreSQL type decodes as the field's
//! Rust type ([`check_column`]). A statement that does not match (a column list that
//! drifted, a migration that changed a type) is an error, in every build. The rows after
//! the first come from the same statement, hence have the same columns, and are decoded
//! without checking each cell again, which was a tenth of the CPU of a bill list.
//!
//! The many-row leaves of a response (bill items, payments) are not decoded into models
//! at all: a [`Kept`] row stays as PostgreSQL sent it, and a field's column is decoded
//! when a client asks for that field. A bill list asking for three of an item's ten
//! columns decodes three, and copies each string once, into the response.

use std::marker::PhantomData;

use sea_orm::sqlx::postgres::{PgRow, Postgres};
use sea_orm::sqlx::{self, Column as _, Decode, Row, Type, TypeInfo as _};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryResult, QueryTrait, Select, Statement,
};

use klustera_entities::tenant::{bill, booking, facility, resident, unit};

use crate::common::error::ApiResult;
use crate::common::tenancy::{TenantTx, query_err};

/// sqlx's row inside SeaORM's.
fn pg_row(row: &QueryResult) -> Result<&PgRow, DbErr> {
    row.try_as_pg_row()
        .ok_or_else(|| DbErr::Custom("not a PostgreSQL row".into()))
}

/// Column `index` of `row`, decoded without a type check: only for statements whose
/// columns passed [`check_column`] on their first row (see the module docs).
pub(crate) fn column<'r, T>(row: &'r PgRow, index: usize) -> Result<T, sqlx::Error>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get_unchecked(index)
}

/// Whether column `index` of `row` is named `name` and decodes as `T`.
pub(crate) fn check_column<T: Type<Postgres>>(
    row: &PgRow,
    index: usize,
    name: &str,
) -> Result<(), sqlx::Error> {
    let column = row.try_column(index)?;
    let mismatch = |what: String| sqlx::Error::ColumnDecode {
        index: format!("{index} ({name})"),
        source: what.into(),
    };
    if column.name() != name {
        return Err(mismatch(format!(
            "the statement has `{}` where `{name}` is declared",
            column.name()
        )));
    }
    let ty = column.type_info();
    if !ty.is_null() && !T::compatible(ty) {
        return Err(mismatch(format!(
            "PostgreSQL type {} does not decode as {}",
            ty.name(),
            std::any::type_name::<T>()
        )));
    }
    Ok(())
}

/// [`check_column`] with `T` taken from a field accessor, so a declaration names its
/// fields only.
pub(crate) fn check_field<M, T: Type<Postgres>>(
    row: &PgRow,
    index: usize,
    name: &str,
    _field: fn(&M) -> &T,
) -> Result<(), sqlx::Error> {
    check_column::<T>(row, index, name)
}

/// A model read from consecutive columns starting at `first`, declared once with
/// [`declare_rows!`].
pub(crate) trait Declared: Sized {
    /// The model's columns, in the order the statement must select them.
    const COLUMNS: &'static [&'static str];

    /// Checks the statement's columns from `first` against the declaration.
    fn check(row: &PgRow, first: usize) -> Result<(), sqlx::Error>;

    /// Decodes the model (its statement passed [`Declared::check`]).
    fn at(row: &PgRow, first: usize) -> Result<Self, sqlx::Error>;

    /// The select list, each column qualified by `alias` (`r.id, r.full_name, ...`).
    fn columns(alias: &str) -> String {
        let mut list = String::new();
        for (i, column) in Self::COLUMNS.iter().enumerate() {
            if i > 0 {
                list.push_str(", ");
            }
            list.push_str(alias);
            list.push('.');
            list.push_str(column);
        }
        list
    }
}

/// Declares models column by column: every field, in the order the statements select
/// them (a missing field does not compile; the column names are the field names).
macro_rules! declare_rows {
    ($($model:path { $($field:ident),* $(,)? })*) => { $(
        impl Declared for $model {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn check(row: &PgRow, first: usize) -> Result<(), sqlx::Error> {
                let mut index = first;
                $(
                    check_field(row, index, stringify!($field), |m: &Self| &m.$field)?;
                    index += 1;
                )*
                let _ = index;
                Ok(())
            }

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

declare_rows! {
    unit::Model { id, block_id, number, area_m2, unit_type, archived_at, created_at }
    resident::Model { id, full_name, phone, email, identity_number, archived_at, created_at }
    bill::Model {
        id, unit_id, period, due_on, status, subtotal, ppn, late_fee, total, paid,
        void_reason, created_at,
    }
    booking::Model {
        id, facility_id, exclusive, unit_id, booked_by, resident_id, starts_at, ends_at,
        party_size, status, lines, subtotal, ppn, total, deposit, paid, refund_due, note,
        reason, hold_expires_at, created_at, updated_at,
    }
    facility::Model {
        id, name, description, rules, photo_urls, kind, capacity, pricing, rate, deposit,
        ppn_rate_bp, needs_approval, slot_minutes, min_minutes, max_minutes, book_ahead_days,
        cancel_deadline_hours, weekly_quota_minutes, hold_minutes, active, payment,
        created_at, updated_at,
    }
}

/// The rows of `select` (its entity's columns, checked against `T`'s declaration).
pub(crate) async fn all<E: EntityTrait, T: Declared>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> ApiResult<Vec<T>> {
    all_raw(db, select.build(DbBackend::Postgres)).await
}

/// The rows of a statement whose columns are `T`'s declared columns.
pub(crate) async fn all_raw<T: Declared>(
    db: &impl ConnectionTrait,
    statement: Statement,
) -> ApiResult<Vec<T>> {
    all_decoded(db, statement, |row| T::check(row, 0), |row| T::at(row, 0)).await
}

/// The rows of a statement, each decoded by `decode` (for rows that are more than a
/// model), after `check` passed on the first row.
pub(crate) async fn all_decoded<T>(
    db: &impl ConnectionTrait,
    statement: Statement,
    check: impl Fn(&PgRow) -> Result<(), sqlx::Error>,
    decode: impl Fn(&PgRow) -> Result<T, sqlx::Error>,
) -> ApiResult<Vec<T>> {
    let rows = db.query_all_raw(statement).await?;
    // Sized up front: collecting through `Result` would grow it row by row, copying
    // these large models each time.
    let mut decoded = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let row = pg_row(row)?;
        if i == 0 {
            check(row).map_err(query_err)?;
        }
        decoded.push(decode(row).map_err(query_err)?);
    }
    Ok(decoded)
}

/// The columns of a [`Kept`] row: each names its position in the statement's select list,
/// the column's name there and its Rust type. Declared with [`kept_columns`].
pub trait Columns: Copy {
    /// `SELECT <every column, in order> FROM <table>`.
    const SELECT: &'static str;
    fn index(self) -> usize;
    fn name(self) -> &'static str;
    /// Checks a statement's columns against the declaration (names and types).
    fn check(row: &PgRow) -> Result<(), sqlx::Error>;
}

/// A [`Columns`] enum and its `SELECT` (its columns in declaration order, `FROM` its
/// table), so a select list, its columns and their types are one list.
macro_rules! kept_columns {
    (
        $(#[$doc:meta])*
        $vis:vis enum $name:ident from $table:literal {
            $first:ident = $first_col:ident: $first_ty:ty
            $(, $variant:ident = $col:ident: $ty:ty)* $(,)?
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
            fn check(
                row: &sea_orm::sqlx::postgres::PgRow,
            ) -> Result<(), sea_orm::sqlx::Error> {
                use $crate::common::rows::check_column;
                check_column::<$first_ty>(row, Self::$first as usize, stringify!($first_col))?;
                $(check_column::<$ty>(row, Self::$variant as usize, stringify!($col))?;)*
                Ok(())
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
    /// Column `column`, decoded as `T`: its statement's columns were checked against
    /// their declaration ([`Columns::check`]); debug builds also check that `T` is the
    /// declared column's type.
    pub(crate) fn get<'r, T>(&'r self, column: C) -> ApiResult<T>
    where
        T: Decode<'r, Postgres> + Type<Postgres>,
    {
        let index = column.index();
        let row = pg_row(&self.row)?;
        debug_assert!(
            check_column::<T>(row, index, column.name()).is_ok(),
            "column {index} of the statement read as another type"
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
    if let Some(first) = rows.first() {
        C::check(pg_row(first)?).map_err(query_err)?;
    }
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

#[cfg(test)]
mod tests {
    //! Declarations against real statements (PostgreSQL at 127.0.0.1:5432, as every test
    //! of this workspace). These run the same check release builds run: it is not
    //! `cfg(debug_assertions)`.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

    use super::*;
    use klustera_entities::states::PaymentMethod;

    kept_columns! {
        /// A payment-like row: the machinery is tested on its own declaration, so this
        /// module needs no domain.
        enum PaymentColumn from "payments" {
            Id = id: i64, BillId = bill_id: i64, Method = method: PaymentMethod,
            Amount = amount: i64, Reference = reference: Option<String>,
            PaidAt = paid_at: chrono::DateTime<chrono::FixedOffset>,
            RefundedAt = refunded_at: Option<chrono::DateTime<chrono::FixedOffset>>,
        }
    }

    async fn db() -> DatabaseConnection {
        let url = std::env::var("DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        Database::connect(url).await.unwrap()
    }

    fn sql(text: &str) -> Statement {
        Statement::from_string(DbBackend::Postgres, text)
    }

    /// A resident row as the declaration lists it, with `list` as its select list.
    fn residents(list: &str) -> Statement {
        sql(&format!(
            "SELECT {list} FROM (VALUES \
               (1::bigint, 'Rina Wulandari', '+6281311112222', 'rina@example.id', '3174012345678901', \
                NULL::timestamptz, now()), \
               (2::bigint, 'Budi Santoso', NULL, NULL, NULL, NULL::timestamptz, now())) \
             AS r (id, full_name, phone, email, identity_number, archived_at, created_at)"
        ))
    }

    #[tokio::test]
    async fn the_declared_list_decodes_every_row() {
        let db = db().await;
        let list = resident::Model::columns("r");
        let rows: Vec<resident::Model> = all_raw(&db, residents(&list)).await.unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].full_name, "Rina Wulandari");
        assert_eq!(rows[0].phone.as_deref(), Some("+6281311112222"));
        assert_eq!(rows[1].phone, None);
    }

    #[tokio::test]
    async fn two_text_columns_swapped_are_an_error() {
        let db = db().await;
        let swapped =
            resident::Model::columns("r").replace("r.full_name, r.phone", "r.phone, r.full_name");
        assert_ne!(swapped, resident::Model::columns("r"));
        let err = all_raw::<resident::Model>(&db, residents(&swapped))
            .await
            .unwrap_err();
        assert!(format!("{err:?}").contains("full_name"), "{err:?}");
    }

    #[tokio::test]
    async fn a_column_of_another_type_is_an_error() {
        let db = db().await;
        let list = resident::Model::columns("r").replace("r.id", "r.id::text AS id");
        let err = all_raw::<resident::Model>(&db, residents(&list))
            .await
            .unwrap_err();
        assert!(format!("{err:?}").contains("does not decode"), "{err:?}");
    }

    /// Kept rows: the statement's columns are checked against the declared names and
    /// types; an unknown stored state is an error when read.
    #[tokio::test]
    async fn kept_columns_are_checked_and_unknown_states_refused() {
        let db = db().await;
        let payment = |method: &str, amount: &str| {
            sql(&format!(
                "SELECT 7::bigint AS id, 3::bigint AS bill_id, '{method}' AS method, {amount} AS amount, \
                        NULL::text AS reference, now() AS paid_at, NULL::timestamptz AS refunded_at"
            ))
        };
        let first = |statement| {
            let db = &db;
            async move {
                let rows = db.query_all_raw(statement).await.unwrap();
                rows.into_iter().next().unwrap()
            }
        };

        let good = first(payment("CASH", "100000::bigint")).await;
        let row = good.try_as_pg_row().unwrap();
        PaymentColumn::check(row).unwrap();
        assert_eq!(
            column::<PaymentMethod>(row, PaymentColumn::Method.index()).unwrap(),
            PaymentMethod::Cash
        );

        let unknown = first(payment("BITCOIN", "100000::bigint")).await;
        let row = unknown.try_as_pg_row().unwrap();
        PaymentColumn::check(row).unwrap();
        assert!(column::<PaymentMethod>(row, PaymentColumn::Method.index()).is_err());

        let numeric = first(payment("CASH", "100000.50::numeric")).await;
        let err = PaymentColumn::check(numeric.try_as_pg_row().unwrap()).unwrap_err();
        assert!(format!("{err:?}").contains("amount"), "{err:?}");
    }
}
