//! Billing fields. Thin: guard, one service call, map.

use async_graphql::connection::Connection;
use std::future::ready;

use async_graphql::{Context, Enum, InputObject, Object, Result, Subscription};
use base64::Engine;
use futures::{Stream, StreamExt};
use klustera_entities::states::{LateFeeKind, PaymentMethod};
use rust_decimal::Decimal;

use super::factory::TariffKind;
use super::model::{
    Aging, Bill, BillStatus, BillUpdate, BillingSettings, Checkout, CollectionCounters,
    CollectionReport, ExportFile, ExportFormat, Payment, Tariff,
};
use super::service::{self, NewPayment, NewTariff, Settings};
use super::{export, midtrans, prefetch};
use crate::common::batch::Row;
use crate::common::context::ContextExt;
use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::guard::RoleGuard;
use crate::common::ids::Fetch;
use crate::common::ids::{BillId, JobId, PaymentId, TariffId, UnitId, kind};
use crate::common::inline::Inline;
use crate::common::jobs::{self, Job};
use crate::common::live::{Burst, Live, Opening, changes_only};
use crate::common::pagination::Page;
use crate::common::types::{Period, Rupiah};
use crate::common::viewer::Viewer;

#[derive(InputObject, Default)]
#[graphql(name = "BillFilter")]
pub struct BillFilterInput {
    status: Option<BillStatus>,
    /// `YYYY-MM`.
    period: Option<String>,
    unit_id: Option<UnitId>,
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
        filter: Option<BillFilterInput>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Connection<String, Inline<Bill>>> {
        let page = Page::parse(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let filter = service::BillFilter {
            status: f.status,
            period: f
                .period
                .as_deref()
                .map(|p| Period::parse("filter.period", p))
                .transpose()?,
            unit_id: f.unit_id.map(|u| u.row()).transpose()?,
            overdue: f.overdue,
        };
        let time_zone = &ctx.request()?.tenant()?.time_zone;
        let viewer = ctx.viewer().await?;
        let rows = service::list_bills(ctx.tenant_tx()?, viewer, &filter, time_zone, &page).await?;
        let rows = Row::each(rows);
        prefetch::bills(ctx, ctx.look_ahead().field("edges").field("node"), &rows).await?;
        Ok(page.connection(rows, |b| b.id, |b| Inline(Bill(b))))
    }

    #[graphql(guard = "RoleGuard::member()")]
    async fn bill(&self, ctx: &Context<'_>, id: BillId) -> Result<Bill> {
        Ok(Bill::fetch(ctx, id.row()?).await?)
    }

    /// Billed, collected (net of refunds), refunded and arrears aging for a period (`YYYY-MM`).
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
            refunded: Rupiah(r.refunded),
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

    /// Tariffs by name, active ones first; inactive ones only with `includeInactive`.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn tariffs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_inactive: bool,
    ) -> Result<Vec<Tariff>> {
        let rows = service::list_tariffs(ctx.tenant_tx()?, include_inactive).await?;
        Ok(rows.into_iter().map(Tariff::from).collect())
    }

    /// The estate's billing day, due day and late fee.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn billing_settings(&self, ctx: &Context<'_>) -> Result<BillingSettings> {
        Ok(service::settings(ctx.tenant_tx()?).await?.into())
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn job(&self, ctx: &Context<'_>, id: JobId) -> Result<Job> {
        Ok(Job::fetch(ctx, id.row()?).await?)
    }
}

#[async_trait::async_trait]
impl Fetch for Bill {
    type Kind = kind::Bill;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        let viewer = ctx.viewer().await?;
        let bill = service::get_bill(ctx.tenant_tx()?, viewer, id).await?;
        Ok(Bill(bill.into()))
    }
}

#[async_trait::async_trait]
impl Fetch for Payment {
    type Kind = kind::Payment;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        let viewer = ctx.viewer().await?;
        let payment = service::get_payment(ctx.tenant_tx()?, viewer, id).await?;
        Ok(Payment(payment.into()))
    }
}

#[async_trait::async_trait]
impl Fetch for Job {
    type Kind = kind::Job;

    async fn fetch(ctx: &Context<'_>, id: i64) -> ApiResult<Self> {
        let viewer = ctx.viewer().await?;
        let tenant = ctx.request()?.tenant()?.slug.to_string();
        Ok(Job(
            service::get_job(ctx.tenant_tx()?, viewer, &tenant, id).await?
        ))
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
    unit_id: UnitId,
    tariff_id: TariffId,
    period: String,
    usage: Decimal,
}

#[derive(InputObject)]
pub struct OneOffChargeInput {
    unit_id: UnitId,
    tariff_id: TariffId,
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
    bill_id: BillId,
    amount: Rupiah,
    method: ManualMethod,
    reference: Option<String>,
}

#[derive(InputObject)]
pub struct RecordRefundInput {
    /// A cash or transfer payment (Midtrans payments are refunded in Midtrans).
    payment_id: PaymentId,
    amount: Rupiah,
    /// Why the money was given back (at most 500 characters).
    reason: String,
}

#[derive(Default)]
pub struct BillingMutation;

#[Object]
impl BillingMutation {
    /// Returns the new tariff's id.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn create_tariff(&self, ctx: &Context<'_>, input: TariffInput) -> Result<TariffId> {
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
        Ok(TariffId::new(id))
    }

    #[graphql(guard = "RoleGuard::manager()")]
    async fn set_tariff_active(
        &self,
        ctx: &Context<'_>,
        id: TariffId,
        active: bool,
    ) -> Result<bool> {
        let id = id.row()?;
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
        let unit = input.unit_id.row()?;
        let tariff = input.tariff_id.row()?;
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
        let unit = input.unit_id.row()?;
        let tariff = input.tariff_id.row()?;
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
    async fn void_bill(&self, ctx: &Context<'_>, id: BillId, reason: String) -> Result<Bill> {
        let bill = service::void_bill(ctx.tenant_tx()?, id.row()?, &reason).await?;
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
        let locked = service::lock_bill(tx, input.bill_id.row()?).await?;
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

    /// Records cash or a transfer given back: part or all of one payment, never more than
    /// is left of it. Returns the bill as the refund left it (see `Bill.refunds`).
    #[graphql(guard = "RoleGuard::manager()")]
    async fn record_refund(&self, ctx: &Context<'_>, input: RecordRefundInput) -> Result<Bill> {
        let req = ctx.request()?;
        let refunded = service::record_refund(
            ctx.tenant_tx()?,
            ctx.viewer().await?,
            input.payment_id.row()?,
            input.amount,
            &input.reason,
            req.principal()?.user_id,
        )
        .await?;
        req.audit_target(format!("bill:{}", refunded.bill.id));
        req.audit_target(format!("refund:{}", refunded.refund_id));
        req.emit(refunded.event());
        Ok(Bill(refunded.bill.into()))
    }

    /// Opens a Midtrans Snap checkout for what the bill still owes.
    #[graphql(guard = "RoleGuard::member()")]
    async fn create_payment(&self, ctx: &Context<'_>, bill_id: BillId) -> Result<Checkout> {
        let snap = ctx
            .data_opt::<midtrans::SnapClient>()
            .ok_or(ApiError::Forbidden(
                "online payments are not configured (MIDTRANS_SERVER_KEY)",
            ))?;
        let viewer = ctx.viewer().await?;
        let bill = service::get_bill(ctx.tenant_tx()?, viewer, bill_id.row()?).await?;
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
        id: BillId,
    ) -> Result<impl Stream<Item = Result<BillUpdate>> + use<>> {
        let id = id.row()?;
        let Opening {
            live,
            bursts,
            tx,
            viewer,
        } = Live::open(ctx).await?;
        let current = service::get_bill(&tx, &viewer, id).await?;
        tx.commit().await.map_err(ApiError::from)?;
        let rereads = bursts
            .filter(move |burst| ready(touches_bills(burst, |changed| changed == id)))
            .then(move |_| {
                let (live, viewer) = (live.clone(), viewer.clone());
                async move { read_bill(&live, &viewer, id).await }
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

/// The bill again, as the subscriber may see it (their household as of subscribing).
async fn read_bill(live: &Live, viewer: &Viewer, id: i64) -> ApiResult<BillUpdate> {
    let tx = live.begin().await?;
    let bill = service::get_bill(&tx, viewer, id).await?;
    tx.commit().await?;
    Ok(BillUpdate::from(&bill))
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
