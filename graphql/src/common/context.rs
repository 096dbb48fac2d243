//! What one GraphQL operation knows about itself: request id, caller, tenant.
//!
//! A [`RequestContext`] is built by the server for each request and put in the request's
//! data, never in the schema's: nothing here outlives the operation, so nothing can cross
//! requests or tenants.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::common::tenancy::{BoundTenant, TenantTx};
use async_graphql::Context;

use crate::common::error::{ApiError, ApiResult};
use crate::common::events::DomainEvent;
use crate::common::loader::Loaders;
use crate::common::viewer::Viewer;

pub use super::principal::{Principal, Role};

/// The tenant an operation is bound to, with its transaction.
///
/// The transaction was bound to this tenant by [`crate::common::tenancy::bind`]. It is
/// shared (not cloned) by every resolver and dataloader of the operation; the server
/// commits or rolls it back when the operation ends.
pub struct TenantScope {
    tx: Arc<TenantTx>,
}

impl TenantScope {
    pub fn new(tx: TenantTx) -> Self {
        Self { tx: Arc::new(tx) }
    }

    pub fn tx(&self) -> &Arc<TenantTx> {
        &self.tx
    }

    /// The tenant row as binding saw it (slug, display name, time zone).
    pub fn tenant(&self) -> &BoundTenant {
        self.tx.tenant()
    }
}

/// Per-operation state, in the request data.
pub struct RequestContext {
    pub request_id: String,
    /// The caller: `Ok(None)` for anonymous requests, `Err` for a bad token. A bad token
    /// does not stop the operation (an expired one must not block `login` or
    /// `refreshToken`); every field that needs a caller fails with its error.
    principal: Result<Option<Principal>, ApiError>,
    pub tenant: Option<TenantScope>,
    /// Ids touched by the running mutation field; drained into its audit row.
    audit_targets: Mutex<Vec<String>>,
    /// What the running mutation field was told (a reason); drained into its audit row.
    audit_note: Mutex<Option<String>>,
    /// The caller with their household, resolved once per operation.
    viewer: tokio::sync::OnceCell<Viewer>,
    /// What the operation did beyond its response; shared with the server.
    effects: Arc<Effects>,
}

/// Read by the server after the operation: whether a mutation ran (a rolled-back
/// operation's partial data then never happened) and which events to publish once the
/// transaction committed.
#[derive(Default)]
pub struct Effects {
    mutated: AtomicBool,
    events: Mutex<Vec<DomainEvent>>,
}

impl Effects {
    pub fn mutated(&self) -> bool {
        self.mutated.load(Ordering::Relaxed)
    }

    pub fn take_events(&self) -> Vec<DomainEvent> {
        self.events
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default()
    }
}

impl RequestContext {
    pub fn new(
        request_id: String,
        principal: Result<Option<Principal>, ApiError>,
        tenant: Option<TenantScope>,
    ) -> Self {
        Self {
            request_id,
            principal,
            tenant,
            audit_targets: Mutex::default(),
            audit_note: Mutex::default(),
            viewer: tokio::sync::OnceCell::new(),
            effects: Arc::default(),
        }
    }

    /// The operation's effects, for the server to read after executing.
    pub fn effects(&self) -> Arc<Effects> {
        self.effects.clone()
    }

    pub(crate) fn mark_mutated(&self) {
        self.effects.mutated.store(true, Ordering::Relaxed);
    }

    /// Records an event, published by the server only if the operation commits.
    pub fn emit(&self, event: DomainEvent) {
        if let Ok(mut events) = self.effects.events.lock() {
            events.push(event);
        }
    }

    /// The tenant this operation is bound to.
    pub fn tenant(&self) -> ApiResult<&BoundTenant> {
        self.scope().map(TenantScope::tenant)
    }

    /// The tenant and its transaction.
    pub fn scope(&self) -> ApiResult<&TenantScope> {
        self.tenant.as_ref().ok_or(ApiError::TenantNotFound)
    }

    pub fn principal(&self) -> ApiResult<&Principal> {
        match &self.principal {
            Ok(Some(p)) => Ok(p),
            Ok(None) => Err(ApiError::Unauthenticated("sign in first")),
            Err(e) => Err(e.clone()),
        }
    }

    /// The caller if a valid token was presented.
    pub fn caller(&self) -> Option<&Principal> {
        self.principal.as_ref().ok().and_then(Option::as_ref)
    }

    /// Records an id the current mutation touched, for its audit row.
    pub fn audit_target(&self, id: impl ToString) {
        if let Ok(mut targets) = self.audit_targets.lock() {
            targets.push(id.to_string());
        }
    }

    /// Records what the current mutation was told (e.g. a reason), for its audit row.
    /// Scrub personal data from it first: the audit trail outlives it.
    pub fn audit_note(&self, note: impl Into<String>) {
        if let Ok(mut slot) = self.audit_note.lock() {
            *slot = Some(note.into());
        }
    }

    pub(crate) fn take_audit_note(&self) -> Option<String> {
        self.audit_note.lock().ok().and_then(|mut n| n.take())
    }

    pub(crate) fn take_audit_targets(&self) -> Vec<String> {
        self.audit_targets
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default()
    }

    /// The caller as services see it, with their household (resolved on first use).
    pub async fn viewer(&self) -> ApiResult<&Viewer> {
        let principal = self.principal()?;
        let tx = self.scope()?.tx();
        self.viewer
            .get_or_try_init(|| Viewer::resolve(tx.as_ref(), principal.clone()))
            .await
    }
}

/// Shorthands for resolvers.
pub trait ContextExt {
    fn request(&self) -> ApiResult<&RequestContext>;
    /// The tenant-bound transaction of this operation.
    fn tenant_tx(&self) -> ApiResult<&TenantTx>;
    /// This operation's dataloaders (tenant-bound requests only).
    fn loader(&self) -> ApiResult<&Loaders>;
    /// The caller with their household (resolved once per operation).
    fn viewer(&self) -> impl Future<Output = ApiResult<&Viewer>> + Send;
}

impl ContextExt for Context<'_> {
    fn request(&self) -> ApiResult<&RequestContext> {
        self.data_opt::<RequestContext>()
            .ok_or_else(missing_context)
    }

    fn tenant_tx(&self) -> ApiResult<&TenantTx> {
        Ok(self.request()?.scope()?.tx().as_ref())
    }

    async fn viewer(&self) -> ApiResult<&Viewer> {
        self.request()?.viewer().await
    }

    fn loader(&self) -> ApiResult<&Loaders> {
        self.request()?.tenant()?;
        self.data_opt::<Loaders>().ok_or_else(missing_context)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("request context missing from GraphQL data")]
struct MissingContext;

/// Built only on the failure path: these lookups run several times per object.
fn missing_context() -> ApiError {
    ApiError::Internal(Arc::new(MissingContext))
}
