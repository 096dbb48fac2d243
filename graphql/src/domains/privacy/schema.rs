//! Privacy fields. Thin: guard, one service call, map to GraphQL objects.

use async_graphql::{Context, Json, Object, Result};

use super::model::{PrivacySettings, ResidentDataExport};
use super::service;
use crate::ControlPlane;
use crate::common::context::ContextExt;
use crate::common::guard::RoleGuard;
use crate::common::ids::ResidentId;
use crate::domains::property::model::Resident;

#[derive(Default)]
pub struct PrivacyQuery;

#[Object]
impl PrivacyQuery {
    #[graphql(guard = "RoleGuard::manager()")]
    async fn privacy_settings(&self, ctx: &Context<'_>) -> Result<PrivacySettings> {
        Ok(PrivacySettings {
            former_resident_retention_days: service::retention_days(ctx.tenant_tx()?).await?,
        })
    }
}

#[derive(Default)]
pub struct PrivacyMutation;

#[Object]
impl PrivacyMutation {
    /// Everything the tenant holds about a resident, as one JSON document: for the
    /// resident themself or a manager. Audited (who exported whom). A resident asking
    /// for someone outside their household gets `NOT_FOUND`, for a member of their
    /// household `FORBIDDEN`.
    #[graphql(guard = "RoleGuard::manager_or_resident()")]
    async fn export_resident_data(
        &self,
        ctx: &Context<'_>,
        resident_id: ResidentId,
    ) -> Result<ResidentDataExport> {
        let id = resident_id.row()?;
        let req = ctx.request()?;
        let document = service::export(
            ctx.tenant_tx()?,
            ctx.viewer().await?,
            req.tenant()?.slug.as_str(),
            id,
        )
        .await?;
        req.audit_target(format!("resident:{id}"));
        Ok(ResidentDataExport {
            resident_id: ResidentId::new(id),
            generated_at: chrono::Utc::now(),
            document: Json(document),
        })
    }

    /// Anonymises a resident on request (manager only; the reason is audited, with the
    /// resident's identifiers scrubbed): name, phone, email and NIK replaced by a stable
    /// pseudonym ("Penghuni 7F3A2C"), also where free text names them; their logins
    /// disabled and signed out everywhere; household links ended. Bills, payments and
    /// the audit trail stay, under the pseudonym. Irreversible; idempotent.
    #[graphql(guard = "RoleGuard::manager()")]
    async fn anonymise_resident(
        &self,
        ctx: &Context<'_>,
        resident_id: ResidentId,
        reason: String,
    ) -> Result<Resident> {
        let id = resident_id.row()?;
        let req = ctx.request()?;
        let done = service::anonymise_on_request(
            ctx.tenant_tx()?,
            &ctx.data::<ControlPlane>()?.db,
            req.tenant()?.slug.as_str(),
            id,
            &reason,
        )
        .await?;
        req.audit_target(format!("resident:{id}"));
        for user in &done.users {
            req.audit_target(format!("user:{user}"));
        }
        if let Some(note) = done.note {
            req.audit_note(note);
        }
        for event in done.events {
            req.emit(event);
        }
        Ok(Resident(done.resident.into()))
    }

    /// Sets how long former residents are kept before the daily sweep anonymises them
    /// (manager only; 30 to 3650 days).
    #[graphql(guard = "RoleGuard::manager()")]
    async fn update_privacy_settings(
        &self,
        ctx: &Context<'_>,
        former_resident_retention_days: i32,
    ) -> Result<PrivacySettings> {
        let days =
            service::set_retention_days(ctx.tenant_tx()?, former_resident_retention_days).await?;
        Ok(PrivacySettings {
            former_resident_retention_days: days,
        })
    }
}
