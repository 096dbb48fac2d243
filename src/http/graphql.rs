//! GraphQL over HTTP: one operation, one tenant transaction.
//!
//! Life of a request: content-type check -> parse -> caller from the bearer token ->
//! tenant from Host / `X-Tenant` (or the token) -> `Binder::begin` opens the
//! transaction -> execute with a fresh `RequestContext` and dataloaders -> commit when the
//! operation has no error, roll back otherwise -> every error carries `extensions.code`.

use std::time::Instant;

use async_graphql::parser::types::OperationType;
use async_graphql::{ErrorExtensionValues, ServerError};
use axum::body::Bytes;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use klustera_graphql::common::error::TRANSIENT_REASON;
use klustera_graphql::common::rate_limit::ClientIp;
use klustera_graphql::common::types::TenantSlug;
use klustera_graphql::common::{introspection, limits, nulls};
use klustera_graphql::domains::auth::BrowserSession;
use klustera_graphql::{
    ApiError, AppSchema, Principal, RequestContext, Role, TenantScope, attach_request_data,
};

use klustera_graphql::common::events::{EventBus, EventTap};

use klustera_graphql::domains::auth::sessions;

use super::documents::Refused;
use super::session_cookie;
use super::state::AppState;
use crate::tenancy::resolve;

const APPLICATION_JSON: &str = "application/json";

/// Which media type the client asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `application/json`: always 200 for a well-formed request (legacy clients).
    Json,
    /// `application/graphql-response+json`: 4xx when the request never executed.
    GraphqlResponse,
}

impl Format {
    /// The media type `Accept` prefers, by q-value (RFC 9110 §12.5.1): the GraphQL response
    /// type only when named explicitly and not ranked below `application/json`; a wildcard
    /// (`*/*`, `application/*`), no header, or nothing we serve gets `application/json`.
    fn of(headers: &HeaderMap) -> Self {
        let ranges: Vec<mime::Mime> = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|r| r.trim().parse().ok())
            .collect();
        let graphql = quality(&ranges, &GRAPHQL_RESPONSE_JSON);
        let json = quality(&ranges, &mime::APPLICATION_JSON);
        match graphql {
            Some((q, true)) if q > 0 && q >= json.map_or(0, |(q, _)| q) => Self::GraphqlResponse,
            _ => Self::Json,
        }
    }
}

static GRAPHQL_RESPONSE_JSON: std::sync::LazyLock<mime::Mime> = std::sync::LazyLock::new(|| {
    "application/graphql-response+json"
        .parse()
        .unwrap_or(mime::APPLICATION_JSON)
});

/// The q-value (in thousandths) that `ranges` give `media`, from the most specific range
/// that matches it, and whether that range names it exactly; `None`: no range matches.
fn quality(ranges: &[mime::Mime], media: &mime::Mime) -> Option<(u16, bool)> {
    ranges
        .iter()
        .filter_map(|r| {
            let specificity = if r.essence_str().eq_ignore_ascii_case(media.essence_str()) {
                2
            } else if r.subtype() == mime::STAR && r.type_() == media.type_() {
                1
            } else if r.type_() == mime::STAR && r.subtype() == mime::STAR {
                0
            } else {
                return None;
            };
            Some((specificity, q_of(r)))
        })
        .max_by_key(|(specificity, _)| *specificity)
        .map(|(specificity, q)| (q, specificity == 2))
}

/// `q=0.8` -> 800; absent -> 1000; malformed -> 0 (not acceptable).
fn q_of(range: &mime::Mime) -> u16 {
    let Some(q) = range.get_param("q") else {
        return 1000;
    };
    let q = q.as_str();
    let (whole, frac) = q.split_once('.').unwrap_or((q, ""));
    let valid = matches!(whole, "0" | "1")
        && frac.len() <= 3
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (whole == "0" || frac.bytes().all(|b| b == b'0'));
    if !valid {
        return 0;
    }
    let thousandths: u16 = format!("{frac:0<3}").parse().unwrap_or(0);
    if whole == "1" { 1000 } else { thousandths }
}

/// The TCP peer's address, when the server was started with connection info.
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// The client's address rate limits count: the peer, or behind a trusted proxy the last
/// `X-Forwarded-For` entry (the one that proxy appended).
fn client_ip(app: &AppState, headers: &HeaderMap, peer: Peer) -> Option<ClientIp> {
    let forwarded = || {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|ip| ip.trim().parse().ok())
    };
    let ip = if app.config.trust_forwarded_for {
        forwarded().or(peer.0)
    } else {
        peer.0
    };
    ip.map(ClientIp)
}

/// `POST /graphql`: JSON bodies only (415 otherwise: no CSRF through forms or text/plain).
pub async fn post_graphql(
    State(app): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let format = Format::of(&headers);
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case(APPLICATION_JSON))
        });
    if !is_json {
        return plain_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "POST bodies must be application/json",
            format,
        );
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return plain_error(
            StatusCode::BAD_REQUEST,
            "batched requests are not supported",
            format,
        );
    }
    match serde_json::from_slice::<async_graphql::Request>(&body) {
        Ok(request) => {
            let client = client_ip(&app, &headers, peer);
            execute(app, &headers, client, request, format, Via::Post).await
        }
        Err(_) => plain_error(
            StatusCode::BAD_REQUEST,
            "the body is not a GraphQL request in JSON",
            format,
        ),
    }
}

/// `GET /graphql`: GraphiQL for browsers (unless the profile turns it off: 404); with
/// `?query=` a query (never a mutation).
pub async fn get_graphql(
    State(app): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    uri: axum::http::Uri,
    RawQuery(query): RawQuery,
) -> Response {
    let format = Format::of(&headers);
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        if !app.config.playground_served() {
            return plain_error(
                StatusCode::NOT_FOUND,
                "GraphiQL is not served here: send a query (GET ?query= or POST)",
                format,
            );
        }
        return super::security::playground(&headers, &uri);
    };
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(r) => r,
        Err(_) => return plain_error(StatusCode::BAD_REQUEST, "invalid query string", format),
    };
    let client = client_ip(&app, &headers, peer);
    execute(app, &headers, client, request, format, Via::Get).await
}

/// How the request arrived: mutations are refused over GET (no CSRF through links).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    Get,
    Post,
}

async fn execute(
    app: AppState,
    headers: &HeaderMap,
    client: Option<ClientIp>,
    mut request: async_graphql::Request,
    format: Format,
    via: Via,
) -> Response {
    let started = Instant::now();
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 128)
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);

    // Parse once, here: the document is checked, tells which schema runs it, and is
    // handed to async-graphql already parsed.
    let kind = match classify(&app, &mut request) {
        Ok(kind) => kind,
        Err(err) => {
            let response = async_graphql::Response::from_errors(vec![err]);
            let status = if format == Format::Json {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            };
            return respond(status, &response, format, &request_id);
        }
    };
    if via == Via::Get && kind != Some(OperationType::Query) {
        let mut resp = plain_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "only queries are accepted over GET",
            format,
        );
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return resp;
    }
    let schema = if kind == Some(OperationType::Mutation) {
        &app.mutation_schema
    } else {
        &app.schema
    };

    let caller = crate::auth::principal_of(headers, &app.keys);
    let guarded = guard_introspection(
        &app,
        caller.as_ref().ok().and_then(Option::as_ref),
        &mut request,
    );
    if let Err(err) = guarded {
        app.metrics
            .graphql_requests
            .get_or_create(&outcome("refused"))
            .inc();
        return refused(err, format, &request_id);
    }
    let prepared = prepare(&app, headers, caller).await;
    let (principal, scope) = match prepared {
        Ok(p) => p,
        Err(err) => {
            app.metrics
                .graphql_requests
                .get_or_create(&outcome("refused"))
                .inc();
            return refused(err, format, &request_id);
        }
    };
    let browser = session_cookie::browser_session(headers);
    let replay = Replay::of(&request, browser.clone(), client);
    request = replay.with_data(request);
    let response = run(
        &app,
        schema,
        principal,
        scope,
        request,
        &request_id,
        Some(&replay),
    )
    .await;
    app.metrics
        .graphql_seconds
        .observe(started.elapsed().as_secs_f64());

    let never_executed = response.data == async_graphql::Value::Null && !response.errors.is_empty();
    let status = if format == Format::GraphqlResponse && never_executed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut resp = respond_retryable(status, &response, format, &request_id);
    // The refresh token itself is written only here, never into the body.
    if let Some(cookie) = browser
        .and_then(|b| b.take_change())
        .and_then(|change| session_cookie::set_cookie(&change, app.config.cookie_secure))
    {
        resp.headers_mut().append(header::SET_COOKIE, cookie);
    }
    resp
}

/// The status of a response some error of which says to come back later, whatever the
/// format: 429 when a rate limit refused it, 503 when the database could not serve it;
/// with `Retry-After` (the longest any error asked for).
fn come_back_later(response: &async_graphql::Response) -> Option<(StatusCode, u64)> {
    let mut found: Option<(StatusCode, u64)> = None;
    for ext in response.errors.iter().filter_map(|e| e.extensions.as_ref()) {
        let status = match ext.get("code") {
            Some(async_graphql::Value::String(c)) if c == "RATE_LIMITED" => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Some(async_graphql::Value::String(c)) if c == "SERVICE_UNAVAILABLE" => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => continue,
        };
        let Some(async_graphql::Value::Number(secs)) = ext.get("retryAfter") else {
            continue;
        };
        let secs = secs.as_u64().unwrap_or(1);
        found = Some(match found {
            // A rate limit is the client's to respect: it wins over the database's state.
            Some((s, before)) if s == StatusCode::TOO_MANY_REQUESTS || s == status => {
                (s, before.max(secs))
            }
            _ => (status, secs),
        });
    }
    found
}

/// [`respond`], unless an error says to come back later (see [`come_back_later`]).
fn respond_retryable(
    status: StatusCode,
    response: &async_graphql::Response,
    format: Format,
    request_id: &str,
) -> Response {
    let Some((status, secs)) = come_back_later(response) else {
        return respond(status, response, format, request_id);
    };
    let mut resp = respond(status, response, format, request_id);
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    resp
}

/// Gives the request its parsed document (parsed once, see [`super::documents`]) and
/// checks what must be checked before choosing a schema: the alias limit. Returns the
/// operation's type (`None`: no such operation), or the error that refuses the request,
/// with its code.
pub(crate) fn classify(
    app: &AppState,
    request: &mut async_graphql::Request,
) -> Result<Option<OperationType>, ServerError> {
    match app.documents.prepare(request, app.config.max_aliases) {
        Ok(()) => {
            // Every string argument, whatever the field: no NUL byte, no endless text.
            let variables = std::mem::take(&mut request.variables);
            let text = request
                .parsed_query()
                .map_or(Ok(()), |doc| limits::check_text(doc, &variables));
            request.variables = variables;
            if let Err(bad) = text {
                let mut err = ServerError::new(format!("{}: {}", bad.field, bad.message), None);
                let ext = err
                    .extensions
                    .get_or_insert_with(ErrorExtensionValues::default);
                ext.set("code", "BAD_USER_INPUT");
                ext.set("field", bad.field);
                return Err(err);
            }
            let operation_name = request.operation_name.clone();
            Ok(request
                .parsed_query()
                .ok()
                .and_then(|doc| limits::operation_type(doc, operation_name.as_deref())))
        }
        Err(Refused::Limit(err)) => Err(to_server_error(err)),
        Err(Refused::Parse(mut err)) => {
            ensure_code(&mut err);
            Err(err)
        }
    }
}

/// Where introspection is restricted (production), for a caller who may not introspect
/// ([`introspection::allowed`]): the request's introspection is turned off, and a document
/// that asks for the schema is refused before it runs (`FORBIDDEN`).
pub(crate) fn guard_introspection(
    app: &AppState,
    caller: Option<&Principal>,
    request: &mut async_graphql::Request,
) -> Result<(), ApiError> {
    if !app.config.is_production() || introspection::allowed(caller) {
        return Ok(());
    }
    request.introspection_mode = async_graphql::IntrospectionMode::Disabled;
    match request.parsed_query() {
        Ok(doc) if introspection::asked(doc) => Err(introspection::REFUSED),
        _ => Ok(()),
    }
}

/// Times an operation is run when deadlocks or serialization failures roll it back.
const ATTEMPTS: u32 = 3;

/// What it takes to run an operation again: its text and inputs, and the data the edge
/// gave it. Nothing of it was sent to the client yet when it runs again.
pub(crate) struct Replay {
    query: String,
    operation_name: Option<String>,
    variables: async_graphql::Variables,
    extensions: async_graphql::Extensions,
    introspection: async_graphql::IntrospectionMode,
    browser: Option<std::sync::Arc<BrowserSession>>,
    client: Option<ClientIp>,
}

impl Replay {
    pub(crate) fn of(
        request: &async_graphql::Request,
        browser: Option<std::sync::Arc<BrowserSession>>,
        client: Option<ClientIp>,
    ) -> Self {
        Self {
            query: request.query.clone(),
            operation_name: request.operation_name.clone(),
            variables: request.variables.clone(),
            extensions: request.extensions.clone(),
            introspection: request.introspection_mode,
            browser,
            client,
        }
    }

    /// `request` with the edge's data.
    fn with_data(&self, mut request: async_graphql::Request) -> async_graphql::Request {
        if let Some(browser) = &self.browser {
            request = request.data(browser.clone());
        }
        if let Some(client) = self.client {
            request = request.data(client);
        }
        request
    }

    /// The operation as it first came, parsed (from the documents' cache) and with its data.
    fn request(&self, app: &AppState) -> Option<async_graphql::Request> {
        let mut request =
            async_graphql::Request::new(self.query.clone()).variables(self.variables.clone());
        request.operation_name.clone_from(&self.operation_name);
        request.extensions.clone_from(&self.extensions);
        request.introspection_mode = self.introspection;
        classify(app, &mut request).ok()?;
        Some(self.with_data(request))
    }
}

/// Whether the operation was rolled back by a deadlock or a serialization failure.
fn transient(response: &async_graphql::Response) -> bool {
    response.errors.iter().any(|e| {
        e.extensions.as_ref().and_then(|x| x.get("reason"))
            == Some(&async_graphql::Value::from(TRANSIENT_REASON))
    })
}

/// Runs one query or mutation in its own tenant transaction (HTTP and WebSocket alike):
/// execute, commit when it has no error (roll back otherwise), publish its events after
/// the commit, give every error a code. An operation a deadlock or a serialization
/// failure rolled back runs again, from its own new transaction, up to [`ATTEMPTS`]
/// times with a growing, jittered pause: its client has been sent nothing yet.
pub(crate) async fn run(
    app: &AppState,
    schema: &AppSchema,
    principal: Result<Option<Principal>, ApiError>,
    scope: Option<TenantScope>,
    request: async_graphql::Request,
    request_id: &str,
    replay: Option<&Replay>,
) -> async_graphql::Response {
    let slug = scope.as_ref().map(|s| s.tenant().slug.clone());
    let mut response = run_once(app, schema, principal.clone(), scope, request, request_id).await;
    if let (Some(replay), Some(slug)) = (replay, slug) {
        for attempt in 1..ATTEMPTS {
            if !transient(&response) {
                break;
            }
            let Some(request) = replay.request(app) else {
                break;
            };
            let pause = rand::random_range(10..=40) * u64::from(attempt);
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            tracing::info!(
                request_id,
                attempt,
                "rolled back by a concurrent change: running again"
            );
            app.metrics.operation_retries.inc();
            response = match app.binder.begin(&slug).await {
                Ok(tx) => {
                    let scope = TenantScope::new(tx);
                    run_once(
                        app,
                        schema,
                        principal.clone(),
                        Some(scope),
                        request,
                        request_id,
                    )
                    .await
                }
                Err(err) => async_graphql::Response::from_errors(vec![to_server_error(err)]),
            };
        }
    }
    app.metrics
        .graphql_requests
        .get_or_create(&outcome(if response.is_ok() { "ok" } else { "error" }))
        .inc();
    response
}

async fn run_once(
    app: &AppState,
    schema: &AppSchema,
    principal: Result<Option<Principal>, ApiError>,
    scope: Option<TenantScope>,
    request: async_graphql::Request,
    request_id: &str,
) -> async_graphql::Response {
    let tenant = scope
        .as_ref()
        .map(|s| s.tenant().slug.to_string())
        .unwrap_or_default();
    let tx = scope.as_ref().map(|s| s.tx().clone());
    let span = tracing::info_span!(
        "graphql",
        request_id = %request_id,
        tenant = %tenant,
        operation = request.operation_name.as_deref().unwrap_or(""),
    );
    let ctx = RequestContext::new(request_id.to_owned(), principal, scope);
    let effects = ctx.effects();
    // Kept to put failed fields' nulls back into `data` (rare: re-parsed only then).
    let document = (request.query.clone(), request.operation_name.clone());
    let mut response = schema
        .execute(attach_request_data(request, ctx))
        .instrument(span.clone())
        .await;
    let ended = match &tx {
        Some(tx) if response.is_ok() => tx.commit().await,
        Some(tx) => tx.rollback().await,
        None => Ok(()),
    };
    if let Err(err) = ended {
        let err = ApiError::from(err);
        let _guard = span.enter();
        response = async_graphql::Response::from_errors(vec![to_server_error(err)]);
    }
    if response.is_ok() {
        if !tenant.is_empty() {
            for event in effects.take_events() {
                // This process follows at once (the response must not race the bus).
                app.auth_versions.observe(&tenant, &event);
                app.events.publish(&tenant, event);
            }
        }
    } else if effects.mutated() {
        // Rolled back: the fields that "succeeded" before the error did not happen.
        response.data = async_graphql::Value::Null;
    }
    if response.errors.iter().any(|e| !e.path.is_empty())
        && let Ok(doc) = async_graphql::parser::parse_query(&document.0)
    {
        nulls::fill(&doc, document.1.as_deref(), &mut response);
    }
    for error in &mut response.errors {
        ensure_code(error);
    }
    response
}

/// Caller and tenant scope, or the reason the request is refused before executing.
async fn prepare(
    app: &AppState,
    headers: &HeaderMap,
    principal: Result<Option<Principal>, ApiError>,
) -> Result<(Result<Option<Principal>, ApiError>, Option<TenantScope>), ApiError> {
    let named = resolve::tenant_of(headers, &app.config.base_domain)?;
    let slug = tenant_for(named, principal.as_ref().ok().and_then(Option::as_ref))?;
    let scope = match slug {
        Some(slug) => Some(TenantScope::new(app.binder.begin(&slug).await?)),
        None => None,
    };
    let principal = still_current(app, principal, scope.as_ref()).await?;
    Ok((principal, scope))
}

/// The caller, unless their login's access changed since the token was issued (then the
/// operation runs as with a bad token: fields that need a caller are `UNAUTHENTICATED`,
/// `login` and `refreshToken` still work).
pub(crate) async fn still_current(
    app: &AppState,
    principal: Result<Option<Principal>, ApiError>,
    scope: Option<&TenantScope>,
) -> Result<Result<Option<Principal>, ApiError>, ApiError> {
    if let (Ok(Some(p)), Some(scope)) = (&principal, scope)
        && !app
            .auth_versions
            .is_current(scope.tx().as_ref(), scope.tenant().slug.as_str(), p)
            .await?
    {
        return Ok(Err(sessions::ENDED));
    }
    Ok(principal)
}

/// The tenant an operation runs in: the one named (Host, `X-Tenant`), which a token must
/// belong to, or else a tenant user's own.
pub(crate) fn tenant_for(
    named: Option<TenantSlug>,
    caller: Option<&Principal>,
) -> Result<Option<TenantSlug>, ApiError> {
    Ok(match (named, caller) {
        (Some(slug), Some(p)) if p.tenant != slug.as_str() => return Err(ApiError::TenantMismatch),
        (Some(slug), _) => Some(slug),
        (None, Some(p)) if p.role != Role::SuperAdmin => {
            Some(TenantSlug::parse(&p.tenant).map_err(|_| ApiError::TenantNotFound)?)
        }
        (None, _) => None,
    })
}

fn outcome(outcome: &'static str) -> crate::telemetry::OutcomeLabel {
    crate::telemetry::OutcomeLabel { outcome }
}

/// An error of the request as a whole: no location, no path.
pub(crate) fn to_server_error(err: ApiError) -> ServerError {
    let gql: async_graphql::Error = err.into();
    let mut error = ServerError::new(gql.message, None);
    error.extensions = gql.extensions;
    error
}

/// Every error leaves with a code. Errors without one come from async-graphql itself:
/// parsing, validation and argument coercion are the client's (`BAD_USER_INPUT`, message
/// kept); anything else is ours (`INTERNAL_SERVER_ERROR`, message logged and replaced).
pub(crate) fn ensure_code(error: &mut ServerError) {
    if error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some())
    {
        return;
    }
    let client_fault = error.path.is_empty()
        || error.message.starts_with("Failed to parse")
        || error.message.starts_with("Expected input type")
        || error.message.starts_with("Invalid value for argument");
    let code = if client_fault {
        "BAD_USER_INPUT"
    } else {
        tracing::error!(message = %error.message, "uncoded error replaced");
        error.message = "internal server error".into();
        "INTERNAL_SERVER_ERROR"
    };
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set("code", code);
}

fn refused(err: ApiError, format: Format, request_id: &str) -> Response {
    let status = match (format, &err) {
        (Format::Json, _) => StatusCode::OK,
        (_, ApiError::Unauthenticated(_)) => StatusCode::UNAUTHORIZED,
        (_, ApiError::TenantNotFound) => StatusCode::NOT_FOUND,
        (_, ApiError::TenantMismatch | ApiError::TenantSuspended | ApiError::Forbidden(_)) => {
            StatusCode::FORBIDDEN
        }
        (_, ApiError::TenantMigrating) => StatusCode::SERVICE_UNAVAILABLE,
        (_, ApiError::Internal(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let response = async_graphql::Response::from_errors(vec![to_server_error(err)]);
    respond_retryable(status, &response, format, request_id)
}

fn plain_error(status: StatusCode, message: &str, format: Format) -> Response {
    let body = serde_json::json!({"errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]});
    with_type((status, body.to_string()).into_response(), format)
}

fn respond(
    status: StatusCode,
    response: &async_graphql::Response,
    format: Format,
    request_id: &str,
) -> Response {
    // A request that never executed (unparsable, invalid, refused) has no `data` entry
    // under the GraphQL response type (GraphQL over HTTP); legacy JSON keeps `data: null`.
    let never_executed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let body = if format == Format::GraphqlResponse && never_executed {
        serde_json::to_value(response).and_then(|mut body| {
            if let Some(body) = body.as_object_mut() {
                body.remove("data");
            }
            serde_json::to_string(&body)
        })
    } else {
        serde_json::to_string(response)
    };
    let body = match body {
        Ok(body) => body,
        Err(_) => {
            return plain_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal server error",
                format,
            );
        }
    };
    let mut resp = with_type((status, body).into_response(), format);
    if let Ok(id) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-request-id", id);
    }
    resp
}

fn with_type(mut resp: Response, format: Format) -> Response {
    let media = match format {
        Format::Json => "application/json; charset=utf-8",
        Format::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
    };
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(accept: Option<&str>) -> Format {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        }
        Format::of(&headers)
    }

    #[test]
    fn accept_is_weighed_by_q_values() {
        use Format::{GraphqlResponse as G, Json as J};
        for (accept, wanted) in [
            (None, J),
            (Some(""), J),
            (Some("*/*"), J),
            (Some("application/*"), J),
            (Some("text/html"), J),
            (Some("application/json"), J),
            (Some("application/graphql-response+json"), G),
            (
                Some("application/graphql-response+json, application/json;q=0.9"),
                G,
            ),
            (
                Some("application/graphql-response+json;q=0.5, application/json"),
                J,
            ),
            (
                Some("application/json;q=0.5, application/graphql-response+json;q=0.8"),
                G,
            ),
            (Some("application/graphql-response+json;q=0, */*"), J),
            // A substring is not a media type.
            (
                Some("application/jsonx, application/graphql-response+json"),
                G,
            ),
            (
                Some("text/plain; note=\"application/json\", application/graphql-response+json"),
                G,
            ),
            (Some("application/graphql-response+json, */*;q=0.1"), G),
            (Some("APPLICATION/GRAPHQL-RESPONSE+JSON"), G),
            (Some("application/graphql-response+json;q=1.5"), J),
        ] {
            assert!(format(accept) == wanted, "{accept:?}");
        }
    }
}
