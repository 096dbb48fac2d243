//! Billing fields. Thin: guard, one service call, map.

use async_graphql::connection::Connection;
use std::future::ready;

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, Subscription};
use base64::Engine;
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use klustera_entities::states::{LateFeeKind, PaymentMethod};
use klustera_entities::tenant::bill;

use super::factory::TariffKind;
use super::model::{
    Aging, Bill, BillStatus, BillUpdate, Checkout, CollectionCounters, CollectionReport,
    ExportFile, ExportFormat, Payment,
};
use super::service::{self, NewPayment, NewTariff, Settings};
use super::{export, midtrans, prefetch};
use crate::common::batch::Row;
use crate::common::context::ContextExt;
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::guard::RoleGuard;
use crate::common::inline::Inline;
use crate::common::jobs::{self, Job};
use crate::common::live::{Burst, Live, changes_only};
use crate::common::pagination::Page;
use crate::common::types::{Period, Rupiah};
use crate::common::viewer::Viewer;
use crate::domains::property::model::id_of;

#[derive(InputObject, Default)]
pub struct BillFilter {
    status: Option<BillStatus>,
    /// `YYYY-MM`.
    period: Option<String>,
    unit_id: Option<ID>,
    /// Only bills past their due date and not paid or void.
    #[graphql(default)]
    overdue: bool,
}

#[derive(Default)]
pub struct BillingQuery;

#[Object]
impl BillingQuery {
    /// Bills, newest first by id. Residents see only their household's bills.
    #[graphql(
        guard = "RoleGuard::member()",
        complexity = "crate::common::pagination::page_cost(first, last) * child_complexity"
    )]
    async fn bills(
        &self,
        ctx: &Context<'_>,
        filter: Option<BillFilter>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Connection<String, Inline<Bill>>> {
        let page = Page::parse(after, before, first, last)?;
        let req = ctx.request()?;
        let f = filter.unwrap_or_default();
        let mut q = bill::Entity::find();
        if let Some(status) = f.status {
            q = q.filter(bill::Column::Status.eq(status));
        }
        if let Some(period) = f.period.as_deref() {
            q = q.filter(
                bill::Column::Period.eq(Period::parse("filter.period", period)?.to_string()),
            );
        }
        if let Some(unit) = f.unit_id.as_ref() {
            q = q.filter(bill::Column::UnitId.eq(id_of("filter.unitId", unit)?));
        }
        if f.overdue {
            let today = service::tenant_today(ctx.tenant_tx()?, &req.tenant()?.time_zone).await?;
            q = q
                .filter(bill::Column::DueOn.lt(today))
                .filter(bill::Column::Status.is_in(["UNPAID", "PARTIALLY_PAID", "OVERDUE"]));
        }
        if let Some(visible) = req.visible_units().await? {
            q = q.filter(bill::Column::UnitId.is_in(visible.iter().copied()));
        }
        let rows = Row::each(
            page.apply(q, bill::Column::Id)
                .all(ctx.tenant_tx()?)
                .await
                .map_err(ApiError::from)?,
        );
        prefetch::bills(ctx, ctx.look_ahead().field("edges").field("node"), &rows).await?;
        Ok(page.connection(rows, |b| b.id, |b| Inline(Bill(b))))
    }

    #[graphql(guard = "RoleGuard::member()")]
    async fn bill(&self, ctx: &Context<'_>, id: ID) -> Result<Bill> {
        let bill = visible_bill(ctx, id_of("id", &id)?).await?;
        Ok(Bill(bill.into()))
    }

    /// Billed, collected and arrears aging for a period (`YYYY-MM`).
    #[graphql(guard = "RoleGuard::manager()")]
    async fn collection_report(
        &self,
        ctx: &Context<'_>,
        period: String,
    ) -> Result<CollectionReport> {
        let period = Period::parse("period", &period)?;
        let tx = ctx.tenant_tx()?;
        let today = service::tenant_today(tx, &ctx.request()?.tenant()?.time_zone).await?;
        let r = service::collection_report(tx, period, today).await?;
        Ok(CollectionReport {
            period: period.to_string(),
            bills: r.bills,
            billed: Rupiah(r.billed),
            collected: Rupiah(r.collected),
            collection_rate: service::collection_rate(r.collected, r.billed),
            arrears: Aging {
                current: Rupiah(r.current),
                days_1_to_30: Rupiah(r.days_1_30),
                days_31_to_60: Rupiah(r.days_31_60),
                days_61_to_90: Rupiah(r.days_61_90),
                over_90_days: Rupiah(r.days_over_90),
            },
        })
    }

    /// A period's bills as a file, inline in base64.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn export_bills(
        &self,
        ctx: &Context<'_>,
        period: String,
        format: ExportFormat,
    ) -> Result<ExportFile> {
        let period = Period::parse("period", &period)?;
        let rows = export::rows(ctx.tenant_tx()?, period).await?;
        let (bytes, ext, content_type) = match format {
            ExportFormat::Csv => (export::csv(&rows)?, "csv", "text/csv"),
            ExportFormat::Xlsx => (
                export::xlsx(&rows)?,
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        };
        Ok(ExportFile {
            filename: format!("tagihan-{period}.{ext}"),
            content_type: content_type.into(),
            base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn job(&self, ctx: &Context<'_>, id: ID) -> Result<Job> {
        let tenant = ctx.request()?.tenant()?.slug.to_string();
        Ok(Job(
            jobs::get(ctx.tenant_tx()?, &tenant, id_of("id", &id)?).await?
        ))
    }
}

/// A bill the caller may see (residents: their household's), else NOT_FOUND.
async fn visible_bill(ctx: &Context<'_>, id: i64) -> Result<bill::Model, ApiError> {
    let bill = bill::Entity::find_by_id(id)
        .one(ctx.tenant_tx()?)
        .await?
        .ok_or(ApiError::NotFound("bill"))?;
    match ctx.request()?.visible_units().await? {
        Some(visible) if !visible.contains(&bill.unit_id) => Err(ApiError::NotFound("bill")),
        _ => Ok(bill),
    }
}

#[derive(InputObject)]
pub struct TariffInput {
    name: String,
    kind: TariffKind,
    /// Rupiah per unit, per m², per meter unit or per charge.
    rate: Rupiah,
    /// PPN in basis points (1100 = 11%); default 0.
    #[graphql(default)]
    ppn_rate_bp: i32,
    /// Only units of this type; default all.
    unit_type: Option<crate::domains::property::model::UnitType>,
}

#[derive(InputObject)]
pub struct MeterReadingInput {
    unit_id: ID,
    tariff_id: ID,
    period: String,
    usage: Decimal,
}

#[derive(InputObject)]
pub struct OneOffChargeInput {
    unit_id: ID,
    tariff_id: ID,
    period: String,
    #[graphql(default = 1)]
    quantity: i32,
    note: Option<String>,
}

#[derive(InputObject)]
pub struct BillingSettingsInput {
    /// Day of the month bills are generated (1-28).
    billing_day: i16,
    /// Day of the period's month bills are due (1-28).
    due_day: i16,
    late_fee_kind: LateFeeKind,
    /// Rupiah for FLAT, basis points of the bill total for PERCENT.
    late_fee_value: i64,
}

/// The payment methods staff record by hand (Midtrans payments record themselves).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManualMethod {
    Cash,
    Transfer,
}

impl From<ManualMethod> for PaymentMethod {
    fn from(method: ManualMethod) -> Self {
        match method {
            ManualMethod::Cash => Self::Cash,
            ManualMethod::Transfer => Self::Transfer,
        }
    }
}

#[derive(InputObject)]
pub struct RecordPaymentInput {
    bill_id: ID,
    amount: Rupiah,
    method: ManualMethod,
    reference: Option<String>,
}

#[derive(Default)]
pub struct BillingMutation;

#[Object]
impl BillingMutation {
    /// Returns the new tariff's id.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn create_tariff(&self, ctx: &Context<'_>, input: TariffInput) -> Result<ID> {
        let id = service::create_tariff(
            ctx.tenant_tx()?,
            NewTariff {
                name: input.name,
                kind: input.kind,
                rate: input.rate.0,
                ppn_rate_bp: input.ppn_rate_bp,
                unit_type: input.unit_type,
            },
        )
        .await?;
        ctx.request()?.audit_target(format!("tariff:{id}"));
        Ok(ID(id.to_string()))
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn set_tariff_active(&self, ctx: &Context<'_>, id: ID, active: bool) -> Result<bool> {
        let id = id_of("id", &id)?;
        service::set_tariff_active(ctx.tenant_tx()?, id, active).await?;
        ctx.request()?.audit_target(format!("tariff:{id}"));
        Ok(active)
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn record_meter_reading(
        &self,
        ctx: &Context<'_>,
        input: MeterReadingInput,
    ) -> Result<bool> {
        let unit = id_of("input.unitId", &input.unit_id)?;
        let tariff = id_of("input.tariffId", &input.tariff_id)?;
        let period = Period::parse("input.period", &input.period)?;
        service::record_reading(ctx.tenant_tx()?, unit, tariff, period, input.usage).await?;
        ctx.request()?.audit_target(format!("unit:{unit}"));
        Ok(true)
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn add_one_off_charge(
        &self,
        ctx: &Context<'_>,
        input: OneOffChargeInput,
    ) -> Result<bool> {
        let unit = id_of("input.unitId", &input.unit_id)?;
        let tariff = id_of("input.tariffId", &input.tariff_id)?;
        let period = Period::parse("input.period", &input.period)?;
        service::add_one_off(
            ctx.tenant_tx()?,
            unit,
            tariff,
            period,
            input.quantity,
            input.note,
        )
        .await?;
        ctx.request()?.audit_target(format!("unit:{unit}"));
        Ok(true)
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn update_billing_settings(
        &self,
        ctx: &Context<'_>,
        input: BillingSettingsInput,
    ) -> Result<bool> {
        let settings = Settings {
            billing_day: input.billing_day,
            due_day: input.due_day,
            late_fee_kind: input.late_fee_kind,
            late_fee_value: input.late_fee_value,
        };
        service::update_settings(ctx.tenant_tx()?, &settings).await?;
        Ok(true)
    }

    /// Starts (or returns the running) bill generation for a period. One bill per unit
    /// per period, whatever reruns or crashes: follow it with `job(id)`.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn generate_monthly_bills(&self, ctx: &Context<'_>, period: String) -> Result<Job> {
        let period = Period::parse("period", &period)?;
        let req = ctx.request()?;
        let tenant = req.tenant()?.slug.to_string();
        let job = jobs::enqueue(
            ctx.tenant_tx()?,
            &tenant,
            jobs::kind::GENERATE_BILLS,
            serde_json::json!({"period": period.to_string()}),
            Some(format!("{}:{tenant}:{period}", jobs::kind::GENERATE_BILLS)),
            false,
        )
        .await?;
        req.audit_target(format!("job:{}", job.id));
        Ok(Job(job))
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn void_bill(&self, ctx: &Context<'_>, id: ID, reason: String) -> Result<Bill> {
        let bill = service::void_bill(ctx.tenant_tx()?, id_of("id", &id)?, &reason).await?;
        let req = ctx.request()?;
        req.audit_target(format!("bill:{}", bill.id));
        req.emit(DomainEvent::BillChanged {
            bill_id: bill.id,
            unit_id: bill.unit_id,
        });
        Ok(Bill(bill.into()))
    }

    /// Records cash or a bank transfer. Partial payments are fine; never above what is owed.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn record_payment(
        &self,
        ctx: &Context<'_>,
        input: RecordPaymentInput,
    ) -> Result<Payment> {
        let req = ctx.request()?;
        let tx = ctx.tenant_tx()?;
        let amount = Rupiah::positive("amount", input.amount.0)?;
        let locked = service::lock_bill(tx, id_of("input.billId", &input.bill_id)?).await?;
        let settled = service::settle(
            tx,
            req.tenant()?.slug.as_str(),
            &locked,
            NewPayment {
                method: input.method.into(),
                amount,
                reference: input.reference,
                midtrans_order_id: None,
                recorded_by: Some(req.principal()?.user_id),
            },
        )
        .await?;
        req.audit_target(format!("bill:{}", settled.bill.id));
        req.audit_target(format!("payment:{}", settled.payment_id));
        req.emit(settled.event());
        let payment = super::loaders::payment(tx, settled.payment_id).await?;
        Ok(Payment(payment.into()))
    }

    /// Opens a Midtrans Snap checkout for what the bill still owes.
    #[graphql(guard = "RoleGuard::member()")]
    async fn create_payment(&self, ctx: &Context<'_>, bill_id: ID) -> Result<Checkout> {
        let snap = ctx
            .data_opt::<midtrans::SnapClient>()
            .ok_or(ApiError::Forbidden(
                "online payments are not configured (MIDTRANS_SERVER_KEY)",
            ))?;
        let bill = visible_bill(ctx, id_of("billId", &bill_id)?).await?;
        let req = ctx.request()?;
        let checkout =
            midtrans::create_payment(ctx.tenant_tx()?, snap, &req.tenant()?.slug, &bill).await?;
        req.audit_target(format!("bill:{}", bill.id));
        req.audit_target(format!("order:{}", checkout.order_id));
        Ok(Checkout {
            order_id: checkout.order_id,
            gross_amount: Rupiah(checkout.gross_amount),
            token: checkout.token.token,
            redirect_url: checkout.token.redirect_url,
        })
    }
}

#[derive(Default)]
pub struct BillingSubscription;

#[Subscription]
impl BillingSubscription {
    /// One bill's status and amounts: now, then after each payment (cash, transfer,
    /// Midtrans), refund or void of it. Residents may watch only their household's bills
    /// (else NOT_FOUND); staff any.
    #[graphql(guard = "RoleGuard::member()")]
    async fn bill_updated(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<impl Stream<Item = Result<BillUpdate>> + use<>> {
        let id = id_of("id", &id)?;
        let principal = ctx.request()?.principal()?;
        let live = Live::of(ctx)?.clone();
        // Listen before the first read, so no change between the two is missed.
        let bursts = live.bursts();
        let tx = live.begin().await?;
        let bill = bill::Entity::find_by_id(id)
            .one(&tx)
            .await
            .map_err(ApiError::from)?;
        let viewer = Viewer::resolve(&tx, principal.clone()).await?;
        tx.commit().await.map_err(ApiError::from)?;
        let current = bill
            .filter(|b| viewer.sees_unit(b.unit_id))
            .ok_or(ApiError::NotFound("bill"))?;
        let rereads = bursts
            .filter(move |burst| ready(touches_bills(burst, |changed| changed == id)))
            .then(move |_| {
                let live = live.clone();
                async move { read_bill(&live, id).await }
            });
        Ok(changes_only(BillUpdate::from(&current), rereads))
    }

    /// A period's bills, billed, collected and collection rate for managers: now, then
    /// again after each burst of payments, refunds and voids (one read per burst).
    #[graphql(guard = "RoleGuard::manager()")]
    async fn collection_counters(
        &self,
        ctx: &Context<'_>,
        period: String,
    ) -> Result<impl Stream<Item = Result<CollectionCounters>> + use<>> {
        let period = Period::parse("period", &period)?;
        let live = Live::of(ctx)?.clone();
        let bursts = live.bursts();
        let now = read_counters(&live, period).await?;
        let rereads = bursts
            .filter(|burst| ready(touches_bills(burst, |_| true)))
            .then(move |_| {
                let live = live.clone();
                async move { read_counters(&live, period).await }
            });
        Ok(changes_only(now, rereads))
    }
}

/// Whether a burst may have changed bills (matching `wanted`): a dropped event could have
/// been anything, so a lagged burst always counts.
fn touches_bills(burst: &Burst, wanted: impl Fn(i64) -> bool) -> bool {
    burst.lagged
        || burst.events.iter().any(|e| match **e {
            DomainEvent::BillPaid { bill_id, .. } | DomainEvent::BillChanged { bill_id, .. } => {
                wanted(bill_id)
            }
            _ => false,
        })
}

async fn read_bill(live: &Live, id: i64) -> ApiResult<BillUpdate> {
    let tx = live.begin().await?;
    let bill = bill::Entity::find_by_id(id).one(&tx).await?;
    tx.commit().await?;
    bill.as_ref()
        .map(BillUpdate::from)
        .ok_or(ApiError::NotFound("bill"))
}

async fn read_counters(live: &Live, period: Period) -> ApiResult<CollectionCounters> {
    let tx = live.begin().await?;
    let today = service::tenant_today(&tx, &live.time_zone).await?;
    let r = service::collection_report(&tx, period, today).await?;
    tx.commit().await?;
    Ok(CollectionCounters {
        period: period.to_string(),
        bills: r.bills,
        billed: Rupiah(r.billed),
        collected: Rupiah(r.collected),
        collection_rate: service::collection_rate(r.collected, r.billed),
    })
}
