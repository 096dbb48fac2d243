//! Audit: every root mutation field writes one append-only row, in the same transaction
//! as its change.
//!
//! Done once, as a schema extension around root `Mutation` fields, so no resolver can
//! forget it. Resolvers only name what they touched (`RequestContext::audit_target`). If
//! the mutation fails, the request's transaction rolls back and takes the row with it;
//! if writing the row fails, the mutation fails.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ServerResult, Value};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::ControlPlane;
use crate::common::context::RequestContext;
use crate::common::error::ApiError;

pub struct AuditLog;

impl ExtensionFactory for AuditLog {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AuditLogExtension)
    }
}

struct AuditLogExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for AuditLogExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // Every field passes through here: leave all but root mutation fields untouched.
        if info.path_node.parent.is_some() || info.parent_type != "Mutation" {
            return next.run(ctx, info).await;
        }
        let Some(req) = ctx.data_opt::<RequestContext>() else {
            return next.run(ctx, info).await;
        };
        let operation = info.name.to_owned();
        let pos = info.field.name.pos;
        req.mark_mutated();
        let value = next.run(ctx, info).await?;
        record(req, ctx.data_opt::<ControlPlane>(), &operation)
            .await
            .map_err(|err| {
                let gql: async_graphql::Error = err.into();
                gql.into_server_error(pos)
            })?;
        Ok(value)
    }
}

async fn record(
    req: &RequestContext,
    control: Option<&ControlPlane>,
    operation: &str,
) -> Result<(), ApiError> {
    let targets = req.take_audit_targets();
    let note = req.take_audit_note();
    let (actor, role) = match req.caller() {
        Some(p) => (p.user_id.to_string(), p.role.as_str()),
        None => ("anonymous".to_owned(), "ANONYMOUS"),
    };
    match &req.tenant {
        Some(scope) => {
            scope
                .tx()
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "INSERT INTO audit_log (actor, actor_role, tenant_slug, operation, target_ids, request_id, note) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    [
                        actor.into(),
                        role.into(),
                        scope.tenant().slug.to_string().into(),
                        operation.into(),
                        targets.into(),
                        req.request_id.clone().into(),
                        note.into(),
                    ],
                ))
                .await?;
        }
        None => {
            let Some(control) = control else {
                return Ok(());
            };
            control
                .db
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "INSERT INTO control.audit_log (actor, operation, target_ids, request_id) VALUES ($1, $2, $3, $4)",
                    [format!("{role}:{actor}").into(), operation.into(), targets.into(), req.request_id.clone().into()],
                ))
                .await?;
        }
    }
    Ok(())
}

/// The audit row of work nobody asked for in a request (a job's), in the tenant
/// transaction `db` that does the work: actor `system`, role `SYSTEM`.
pub async fn record_system(
    db: &impl ConnectionTrait,
    tenant_slug: &str,
    operation: &str,
    targets: Vec<String>,
    note: Option<String>,
) -> Result<(), ApiError> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO audit_log (actor, actor_role, tenant_slug, operation, target_ids, note) \
         VALUES ('system', 'SYSTEM', $1, $2, $3, $4)",
        [
            tenant_slug.into(),
            operation.into(),
            targets.into(),
            note.into(),
        ],
    ))
    .await?;
    Ok(())
}
