//! Property rules and queries. Every function takes the connection it must use; in the
//! API that is always the request's tenant transaction, so the tenant is implicit.
//!
//! Who sees what is decided here, from the [`Viewer`]: staff see every unit and resident;
//! a resident sees their household's units and the residents linked to those units. A
//! unit or resident the viewer may not see is `NOT_FOUND`, as if it did not exist.
//! Functions without a viewer are for managers only (the schema's guards) or for
//! provisioning.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, extension::postgres::PgExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};

use klustera_entities::states::{Relation, UnitType};
use klustera_entities::tenant::{block, resident, resident_unit, unit};

use crate::common::context::Role;
use crate::common::error::{ApiError, ApiResult};
use crate::common::pagination::{Page, like_pattern};
use crate::common::rows;
use crate::common::types::{Email, Nik, Phone, required_text};
use crate::common::viewer::{Viewer, household_unit_ids};

// ---- blocks -------------------------------------------------------------------------

/// Every member sees every block (they are the estate's layout, not anyone's data).
pub async fn list_blocks(db: &impl ConnectionTrait) -> ApiResult<Vec<block::Model>> {
    Ok(block::Entity::find()
        .order_by_asc(block::Column::Name)
        .all(db)
        .await?)
}

/// Block `id`, or `NOT_FOUND` (every member sees every block).
pub async fn get_block(db: &impl ConnectionTrait, id: i64) -> ApiResult<block::Model> {
    block::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("block"))
}

pub async fn create_block(db: &impl ConnectionTrait, name: &str) -> ApiResult<block::Model> {
    let name = required_text("name", name, 100)?;
    block::ActiveModel {
        name: Set(name),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| conflict_as(e, "a block with this name already exists"))
}

// ---- units --------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
pub struct UnitFilter {
    pub block_id: Option<i64>,
    pub search: Option<String>,
    pub include_archived: bool,
}

/// Units matching `filter` that `viewer` may see (residents: their household's).
pub async fn list_units(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &UnitFilter,
    page: &Page,
) -> ApiResult<Vec<unit::Model>> {
    let mut q = unit::Entity::find();
    if let Some(block_id) = filter.block_id {
        q = q.filter(unit::Column::BlockId.eq(block_id));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        q = q.filter(Expr::col(unit::Column::Number).ilike(like_pattern(search)));
    }
    if !filter.include_archived {
        q = q.filter(unit::Column::ArchivedAt.is_null());
    }
    if let Some(household) = viewer.household() {
        q = q.filter(unit::Column::Id.is_in(household.iter().copied()));
    }
    rows::all(db, page.apply(q, unit::Column::Id)).await
}

/// Unit `id` if `viewer` may see it (residents: their household's), else `NOT_FOUND`.
pub async fn get_unit(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<unit::Model> {
    if !viewer.sees_unit(id) {
        return Err(ApiError::NotFound("unit"));
    }
    find_unit(db, id).await
}

/// The units of `units` that `viewer` may see (a resident's units, as another resident of
/// the household sees them: only the shared ones).
pub fn units_seen_by<T>(
    viewer: &Viewer,
    units: impl IntoIterator<Item = T>,
    id: impl Fn(&T) -> i64,
) -> Vec<T> {
    units
        .into_iter()
        .filter(|u| viewer.sees_unit(id(u)))
        .collect()
}

async fn find_unit(db: &impl ConnectionTrait, id: i64) -> ApiResult<unit::Model> {
    unit::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("unit"))
}

#[derive(Debug, Default, Clone)]
pub struct UnitChanges {
    pub block_id: Option<i64>,
    pub number: Option<String>,
    pub area_m2: Option<Decimal>,
    pub unit_type: Option<UnitType>,
}

pub async fn create_unit(db: &impl ConnectionTrait, input: UnitChanges) -> ApiResult<unit::Model> {
    let block_id = input
        .block_id
        .ok_or(ApiError::bad_input("blockId", "required"))?;
    ensure_block(db, block_id).await?;
    let model = unit::ActiveModel {
        block_id: Set(block_id),
        number: Set(required_text(
            "number",
            input.number.as_deref().unwrap_or(""),
            20,
        )?),
        area_m2: Set(area(
            input
                .area_m2
                .ok_or(ApiError::bad_input("areaM2", "required"))?,
        )?),
        unit_type: Set(input.unit_type.unwrap_or(UnitType::House)),
        ..Default::default()
    };
    model
        .insert(db)
        .await
        .map_err(|e| conflict_as(e, "this block already has a unit with this number"))
}

pub async fn update_unit(
    db: &impl ConnectionTrait,
    id: i64,
    input: UnitChanges,
) -> ApiResult<unit::Model> {
    let mut model = find_unit(db, id).await?.into_active_model();
    if let Some(block_id) = input.block_id {
        ensure_block(db, block_id).await?;
        model.block_id = Set(block_id);
    }
    if let Some(number) = input.number.as_deref() {
        model.number = Set(required_text("number", number, 20)?);
    }
    if let Some(a) = input.area_m2 {
        model.area_m2 = Set(area(a)?);
    }
    if let Some(t) = input.unit_type {
        model.unit_type = Set(t);
    }
    model
        .update(db)
        .await
        .map_err(|e| conflict_as(e, "this block already has a unit with this number"))
}

/// Archives a unit and closes its open resident links (today), in the caller's transaction.
pub async fn archive_unit(db: &impl ConnectionTrait, id: i64) -> ApiResult<unit::Model> {
    let mut model = find_unit(db, id).await?.into_active_model();
    model.archived_at = Set(Some(chrono::Utc::now().fixed_offset()));
    let archived = model.update(db).await?;
    close_links(db, resident_unit::Column::UnitId.eq(id)).await?;
    Ok(archived)
}

async fn ensure_block(db: &impl ConnectionTrait, id: i64) -> ApiResult<()> {
    block::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|_| ())
        .ok_or(ApiError::bad_input("blockId", "no such block"))
}

// ---- residents ----------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
pub struct ResidentFilter {
    pub search: Option<String>,
    pub unit_id: Option<i64>,
    pub include_archived: bool,
}

/// Residents matching `filter` that `viewer` may see (residents: those linked to a unit of
/// their household).
pub async fn list_residents(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &ResidentFilter,
    page: &Page,
) -> ApiResult<Vec<resident::Model>> {
    let mut q = resident::Entity::find();
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let mut any =
            Condition::any().add(Expr::col(resident::Column::FullName).ilike(like_pattern(search)));
        if let Ok(phone) = Phone::parse("search", search) {
            any = any.add(resident::Column::Phone.eq(phone.as_str()));
        }
        q = q.filter(any);
    }
    if !filter.include_archived {
        q = q.filter(resident::Column::ArchivedAt.is_null());
    }
    let mut unit_ids: Option<Vec<i64>> = filter.unit_id.map(|u| vec![u]);
    if let Some(household) = viewer.household() {
        unit_ids = Some(match unit_ids {
            Some(ids) => ids.into_iter().filter(|u| household.contains(u)).collect(),
            None => household.iter().copied().collect(),
        });
    }
    if let Some(unit_ids) = unit_ids {
        q = q.filter(
            resident::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(resident_unit::Column::ResidentId)
                    .from(resident_unit::Entity)
                    .and_where(resident_unit::Column::UnitId.is_in(unit_ids))
                    .and_where(resident_unit::Column::EndsOn.is_null())
                    .to_owned(),
            ),
        );
    }
    Ok(page.apply(q, resident::Column::Id).all(db).await?)
}

/// Resident `id` if `viewer` may see them (residents: someone linked to a unit of their
/// household), else `NOT_FOUND`.
pub async fn get_visible_resident(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> ApiResult<resident::Model> {
    if let Some(household) = viewer.household()
        && household_unit_ids(db, id).await?.is_disjoint(household)
    {
        return Err(ApiError::NotFound("resident"));
    }
    get_resident(db, id).await
}

/// A resident's NIK as `viewer` may read it: managers and the resident themself.
pub fn identity_number<'a>(
    viewer: &Viewer,
    resident: &'a resident::Model,
) -> ApiResult<Option<&'a str>> {
    if viewer.role() == Role::Manager || viewer.resident_id() == Some(resident.id) {
        Ok(resident.identity_number.as_deref())
    } else {
        Err(ApiError::Forbidden(
            "only managers and the resident may see the NIK",
        ))
    }
}

/// Resident `id` whoever asks: for managers' operations and provisioning.
pub async fn get_resident(db: &impl ConnectionTrait, id: i64) -> ApiResult<resident::Model> {
    resident::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("resident"))
}

#[derive(Debug, Default, Clone)]
pub struct ResidentChanges {
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub identity_number: Option<String>,
}

pub async fn create_resident(
    db: &impl ConnectionTrait,
    input: ResidentChanges,
) -> ApiResult<resident::Model> {
    let mut model = resident::ActiveModel {
        full_name: Set(required_text(
            "fullName",
            input.full_name.as_deref().unwrap_or(""),
            200,
        )?),
        ..Default::default()
    };
    apply_contact(&mut model, &input)?;
    model
        .insert(db)
        .await
        .map_err(|e| conflict_as(e, "another resident has this phone number"))
}

pub async fn update_resident(
    db: &impl ConnectionTrait,
    id: i64,
    input: ResidentChanges,
) -> ApiResult<resident::Model> {
    refuse_anonymised(db, id).await?;
    let mut model = get_resident(db, id).await?.into_active_model();
    if let Some(name) = input.full_name.as_deref() {
        model.full_name = Set(required_text("fullName", name, 200)?);
    }
    apply_contact(&mut model, &input)?;
    model
        .update(db)
        .await
        .map_err(|e| conflict_as(e, "another resident has this phone number"))
}

/// An anonymised resident's identifiers are gone for good (`privacy`): no update may put
/// them back. `CONFLICT`.
async fn refuse_anonymised(db: &impl ConnectionTrait, id: i64) -> ApiResult<()> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT anonymised_at IS NOT NULL AS anonymised FROM residents WHERE id = $1",
            [id.into()],
        ))
        .await?;
    match row {
        Some(row) if row.try_get::<bool>("", "anonymised")? => Err(ApiError::Conflict(
            "this resident was anonymised: their record cannot be changed".into(),
        )),
        _ => Ok(()),
    }
}

/// Archives a resident and closes their open unit links, in the caller's transaction.
pub async fn archive_resident(db: &impl ConnectionTrait, id: i64) -> ApiResult<resident::Model> {
    let mut model = get_resident(db, id).await?.into_active_model();
    model.archived_at = Set(Some(chrono::Utc::now().fixed_offset()));
    let archived = model.update(db).await?;
    close_links(db, resident_unit::Column::ResidentId.eq(id)).await?;
    Ok(archived)
}

/// Empty strings clear optional fields; absent fields stay as they are.
fn apply_contact(model: &mut resident::ActiveModel, input: &ResidentChanges) -> ApiResult<()> {
    if let Some(phone) = input.phone.as_deref() {
        model.phone = Set(optional(phone)
            .map(|p| Phone::parse("phone", p).map(|p| p.to_string()))
            .transpose()?);
    }
    if let Some(email) = input.email.as_deref() {
        model.email = Set(optional(email)
            .map(|e| Email::parse("email", e).map(Email::into_string))
            .transpose()?);
    }
    if let Some(nik) = input.identity_number.as_deref() {
        model.identity_number = Set(optional(nik)
            .map(|n| Nik::parse("identityNumber", n).map(Nik::into_string))
            .transpose()?);
    }
    Ok(())
}

// ---- links --------------------------------------------------------------------------

pub async fn link_resident(
    db: &impl ConnectionTrait,
    resident_id: i64,
    unit_id: i64,
    relation: Relation,
    starts_on: Option<NaiveDate>,
) -> ApiResult<(resident_unit::Model, resident::Model)> {
    let resident = get_resident(db, resident_id).await?;
    let unit = find_unit(db, unit_id).await?;
    if resident.archived_at.is_some() {
        return Err(ApiError::bad_input("residentId", "resident is archived"));
    }
    if unit.archived_at.is_some() {
        return Err(ApiError::bad_input("unitId", "unit is archived"));
    }
    let mut model = resident_unit::ActiveModel {
        resident_id: Set(resident_id),
        unit_id: Set(unit_id),
        relation: Set(relation),
        ..Default::default()
    };
    if let Some(starts_on) = starts_on {
        model.starts_on = Set(starts_on);
    }
    let link = model
        .insert(db)
        .await
        .map_err(|e| conflict_as(e, "this resident is already linked to this unit"))?;
    Ok((link, resident))
}

pub async fn unlink_resident(
    db: &impl ConnectionTrait,
    link_id: i64,
    ends_on: Option<NaiveDate>,
) -> ApiResult<(resident_unit::Model, resident::Model)> {
    let link = resident_unit::Entity::find_by_id(link_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("link"))?;
    if link.ends_on.is_some() {
        return Err(ApiError::Conflict("this link is already closed".into()));
    }
    let ends_on = ends_on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    if ends_on < link.starts_on {
        return Err(ApiError::bad_input(
            "endsOn",
            "must not be before the link's start",
        ));
    }
    let mut model = link.into_active_model();
    model.ends_on = Set(Some(ends_on));
    let link = model.update(db).await?;
    let resident = get_resident(db, link.resident_id).await?;
    Ok((link, resident))
}

async fn close_links(
    db: &impl ConnectionTrait,
    which: impl sea_orm::sea_query::IntoCondition,
) -> ApiResult<()> {
    resident_unit::Entity::update_many()
        .col_expr(
            resident_unit::Column::EndsOn,
            Expr::cust("GREATEST(current_date, starts_on)"),
        )
        .filter(which)
        .filter(resident_unit::Column::EndsOn.is_null())
        .exec(db)
        .await?;
    Ok(())
}

// ---- parsing ------------------------------------------------------------------------

fn optional(raw: &str) -> Option<&str> {
    Some(raw.trim()).filter(|s| !s.is_empty())
}

fn area(value: Decimal) -> ApiResult<Decimal> {
    if value <= Decimal::ZERO || value > Decimal::from(100_000) {
        return Err(ApiError::bad_input(
            "areaM2",
            "must be between 0 and 100000 m²",
        ));
    }
    Ok(value.round_dp(2))
}

fn conflict_as(err: sea_orm::DbErr, message: &str) -> ApiError {
    match ApiError::from(err) {
        ApiError::Conflict(_) => ApiError::Conflict(message.into()),
        other => other,
    }
}
