//! `GET /graphql/ws`: GraphQL over WebSocket.
//!
//! Speaks `graphql-transport-ws` (the current protocol, to the letter, close codes
//! included) and the legacy `graphql-ws` (subscriptions-transport-ws) protocol, chosen by
//! the client's `Sec-WebSocket-Protocol`.
//!
//! Life of a connection: upgrade -> the client has `ws_init_timeout_ms` to send
//! `connection_init` (else 4408) whose payload carries `{"Authorization": "Bearer <access
//! token>"}` (optionally `"X-Tenant"`; Host and `X-Tenant` headers of the upgrade work as
//! on HTTP) -> the token is verified and its tenant checked as for HTTP (failure: 4403, or
//! `connection_error` + 4401 on the legacy protocol) -> `connection_ack` -> subscriptions,
//! each an async-graphql stream over the tenant's events ([`klustera_graphql::common::live`]);
//! queries and mutations sent over the socket run like HTTP ones, in their own tenant
//! transaction. The server pings every `ws_keepalive_secs`. The connection closes (4403)
//! when the access token expires, unless the client sent a fresh one first in a `ping`
//! payload (`{"Authorization": "Bearer <new token>"}`, same user and tenant), and (4403)
//! when its tenant is suspended ([`crate::tenancy::suspension`]), and (4403) when its
//! login's access changed: disabled, role changed, signed out everywhere
//! ([`klustera_graphql::domains::auth::sessions`]).
//!
//! One task per connection drives everything (no task per subscription): memory per idle
//! connection stays small, which is what lets one instance hold thousands of subscribers.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_graphql::parser::types::OperationType;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use futures::stream::BoxStream;
use futures::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Instant, sleep_until};
use tokio_stream::StreamMap;

use klustera_graphql::common::live::Live;
use klustera_graphql::common::types::TenantSlug;
use klustera_graphql::domains::auth::sessions::{self, AccessChange};
use klustera_graphql::{ApiError, Principal, RequestContext, Role, TenantScope};

use super::graphql::{
    Replay, classify, ensure_code, guard_introspection, run, still_current, tenant_for,
    to_server_error,
};
use super::state::AppState;
use crate::tenancy::resolve;

const TRANSPORT_WS: &str = "graphql-transport-ws";
/// How long a write may wait for a client that does not read.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
const LEGACY_WS: &str = "graphql-ws";

/// Close codes of `graphql-transport-ws`.
mod close {
    pub const BAD_MESSAGE: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const SUBPROTOCOL: u16 = 4406;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const DUPLICATE_ID: u16 = 4409;
    pub const TOO_MANY_INITS: u16 = 4429;
    pub const NORMAL: u16 = 1000;
    /// RFC 6455: a message larger than the server accepts.
    pub const TOO_BIG: u16 = 1009;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Protocol {
    TransportWs,
    Legacy,
}

/// `GET /graphql/ws`.
pub async fn upgrade(
    State(app): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let limit = app.config.body_limit;
    let ws = ws
        .protocols([TRANSPORT_WS, LEGACY_WS])
        // Small buffers: most connections are idle subscribers.
        .read_buffer_size(2 * 1024)
        .write_buffer_size(0)
        .max_message_size(limit)
        .max_frame_size(limit);
    let protocol = match ws.selected_protocol().and_then(|v| v.to_str().ok()) {
        Some(TRANSPORT_WS) => Some(Protocol::TransportWs),
        Some(LEGACY_WS) => Some(Protocol::Legacy),
        _ => None,
    };
    let named = resolve::tenant_of(&headers, &app.config.base_domain);
    ws.on_upgrade(move |mut socket| async move {
        match protocol {
            Some(protocol) => Connection::new(app, protocol, named).run(socket).await,
            None => {
                let frame = close_frame(close::SUBPROTOCOL, "Subprotocol not acceptable");
                let _ = socket.send(Message::Close(Some(frame))).await;
            }
        }
    })
}

/// What one subscription stream yields: `(is first, response)`, `None` once it ended.
type Results = BoxStream<'static, (bool, Option<async_graphql::Response>)>;

/// The authenticated side of a connection, after `connection_ack`.
struct Session {
    principal: Principal,
    expires: Instant,
    live: Live,
    /// Tenants suspended since before the tenant was checked active.
    suspensions: broadcast::Receiver<Arc<str>>,
    /// Logins whose access changed since before the token was checked current.
    access: broadcast::Receiver<AccessChange>,
}

/// Waits until the login lost the access its token stood for (`true`), or news of it may
/// have been missed (`false`).
async fn access_ended(
    access: &mut broadcast::Receiver<AccessChange>,
    tenant: &TenantSlug,
    principal: &Principal,
) -> bool {
    loop {
        match access.recv().await {
            Ok(change)
                if *change.tenant == *tenant.as_str()
                    && change.user_id == principal.user_id
                    && change.auth_version != principal.auth_version =>
            {
                return true;
            }
            Ok(_) => {}
            Err(RecvError::Lagged(_)) => return false,
            Err(RecvError::Closed) => return std::future::pending().await,
        }
    }
}

/// What suspension news mean for a session.
enum Suspension {
    /// Its tenant was suspended.
    Suspended,
    /// News were missed: check the tenant.
    Unsure,
}

/// What ends a session from outside: its tenant suspended, its login's access changed.
enum News {
    Suspension(Suspension),
    /// `true`: the access ended; `false`: news were missed, check the login.
    Access(bool),
}

/// Waits for news that may end the session; never, before the connection is acknowledged.
async fn news(session: Option<&mut Session>) -> News {
    let Some(Session {
        principal,
        live,
        suspensions,
        access,
        ..
    }) = session
    else {
        return std::future::pending().await;
    };
    tokio::select! {
        news = suspension(suspensions, &live.tenant) => News::Suspension(news),
        ended = access_ended(access, &live.tenant, principal) => News::Access(ended),
    }
}

/// Waits until the tenant was suspended (or news of it may have been missed).
async fn suspension(
    suspensions: &mut broadcast::Receiver<Arc<str>>,
    tenant: &TenantSlug,
) -> Suspension {
    loop {
        match suspensions.recv().await {
            Ok(slug) if *slug == *tenant.as_str() => return Suspension::Suspended,
            Ok(_) => {}
            Err(RecvError::Lagged(_)) => return Suspension::Unsure,
            Err(RecvError::Closed) => return std::future::pending().await,
        }
    }
}

/// What the connection does next: send these messages, then maybe close.
struct Step {
    send: Vec<String>,
    close: Option<(u16, String)>,
}

impl Step {
    fn send(messages: Vec<Value>) -> Self {
        Self::send_text(messages.iter().map(Value::to_string).collect())
    }

    fn send_text(messages: Vec<String>) -> Self {
        Self {
            send: messages,
            close: None,
        }
    }

    fn close(code: u16, reason: impl Into<String>) -> Self {
        Self {
            send: vec![],
            close: Some((code, reason.into())),
        }
    }

    fn bad_message() -> Self {
        Self::close(close::BAD_MESSAGE, "Invalid message received")
    }
}

#[derive(Serialize)]
struct Outgoing<'a, P> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    payload: P,
}

#[derive(Deserialize)]
struct ClientMessage {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
    payload: Option<Value>,
}

struct Connection {
    app: AppState,
    protocol: Protocol,
    named: Result<Option<TenantSlug>, ApiError>,
    init_seen: bool,
    session: Option<Session>,
    subscriptions: StreamMap<String, Results>,
    connection_id: String,
}

impl Connection {
    fn new(app: AppState, protocol: Protocol, named: Result<Option<TenantSlug>, ApiError>) -> Self {
        Self {
            app,
            protocol,
            named,
            init_seen: false,
            session: None,
            subscriptions: StreamMap::new(),
            connection_id: uuid::Uuid::new_v4().simple().to_string(),
        }
    }

    async fn run(mut self, socket: WebSocket) {
        let (mut sink, mut incoming) = socket.split();
        let init_deadline =
            Instant::now() + Duration::from_millis(self.app.config.ws_init_timeout_ms);
        let every = Duration::from_secs(self.app.config.ws_keepalive_secs.max(1));
        let mut keepalive = tokio::time::interval_at(Instant::now() + every, every);

        #[expect(
            clippy::large_enum_variant,
            reason = "one value per loop turn, on the stack"
        )]
        enum Event {
            Incoming(Option<Result<Message, axum::Error>>),
            Result(String, (bool, Option<async_graphql::Response>)),
            InitTimeout,
            KeepAlive,
            Expired,
            News(News),
        }

        let closing = loop {
            let acked = self.session.is_some();
            let expires = self.session.as_ref().map_or(init_deadline, |s| s.expires);
            let event = tokio::select! {
                message = incoming.next() => Event::Incoming(message),
                Some((id, item)) = self.subscriptions.next(), if !self.subscriptions.is_empty() => {
                    Event::Result(id, item)
                }
                () = sleep_until(init_deadline), if !acked => Event::InitTimeout,
                _ = keepalive.tick(), if acked => Event::KeepAlive,
                () = sleep_until(expires), if acked => Event::Expired,
                news = news(self.session.as_mut()), if acked => Event::News(news),
            };
            let step = match event {
                Event::Incoming(Some(Ok(Message::Text(text)))) => self.on_message(&text).await,
                Event::Incoming(Some(Ok(Message::Binary(_)))) => Step::bad_message(),
                Event::Incoming(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {
                    Step::send(vec![])
                }
                Event::Incoming(Some(Err(err))) if too_big(&err) => {
                    Step::close(close::TOO_BIG, "Message too big")
                }
                Event::Incoming(Some(Ok(Message::Close(_)) | Err(_)) | None) => break None,
                Event::Result(id, (first, result)) => self.on_result(id, first, result),
                Event::InitTimeout => {
                    Step::close(close::INIT_TIMEOUT, "Connection initialisation timeout")
                }
                Event::KeepAlive => Step::send(vec![match self.protocol {
                    Protocol::TransportWs => json!({"type": "ping"}),
                    Protocol::Legacy => json!({"type": "ka"}),
                }]),
                Event::Expired => Step::close(close::FORBIDDEN, "Forbidden: access token expired"),
                Event::News(News::Suspension(news)) => self.on_suspension(news).await,
                Event::News(News::Access(ended)) => self.on_access_change(ended).await,
            };
            for message in step.send {
                // A client that stops reading is dropped, not waited for.
                let sent =
                    tokio::time::timeout(SEND_TIMEOUT, sink.send(Message::Text(message.into())));
                if !matches!(sent.await, Ok(Ok(()))) {
                    return;
                }
            }
            if step.close.is_some() {
                break step.close;
            }
        };
        match closing {
            Some((code, reason)) => {
                let _ = sink
                    .send(Message::Close(Some(close_frame(code, &reason))))
                    .await;
            }
            // The client closed: flush the close reply the WebSocket layer queued.
            None => {
                let _ = sink.close().await;
            }
        }
    }

    async fn on_message(&mut self, text: &str) -> Step {
        let Ok(message) = serde_json::from_str::<ClientMessage>(text) else {
            return Step::bad_message();
        };
        match (self.protocol, message.kind.as_str()) {
            (_, "connection_init") => self.on_init(message.payload.as_ref()).await,
            (Protocol::TransportWs, "ping") => self.on_ping(message.payload.as_ref()),
            (Protocol::TransportWs, "pong") => Step::send(vec![]),
            (Protocol::TransportWs, "subscribe") | (Protocol::Legacy, "start") => {
                self.on_subscribe(message.id, message.payload)
            }
            (Protocol::TransportWs, "complete") => {
                if let Some(id) = message.id {
                    self.subscriptions.remove(&id);
                }
                Step::send(vec![])
            }
            (Protocol::Legacy, "stop") => match message.id {
                Some(id) => {
                    self.subscriptions.remove(&id);
                    Step::send(vec![json!({"type": "complete", "id": id})])
                }
                None => Step::send(vec![]),
            },
            (Protocol::Legacy, "connection_terminate") => Step::close(close::NORMAL, "terminated"),
            _ => Step::bad_message(),
        }
    }

    async fn on_init(&mut self, payload: Option<&Value>) -> Step {
        if self.init_seen {
            return match self.protocol {
                Protocol::TransportWs => {
                    Step::close(close::TOO_MANY_INITS, "Too many initialisation requests")
                }
                Protocol::Legacy => Step::send(vec![json!({"type": "connection_ack"})]),
            };
        }
        self.init_seen = true;
        // Listen before the tenant and the token are checked: a suspension or an access
        // change committed after the check is heard.
        let suspensions = self.app.suspensions.subscribe();
        let access = self.app.auth_versions.subscribe();
        match authenticate(&self.app, &self.named, payload, suspensions, access).await {
            Ok(session) => {
                self.session = Some(session);
                let mut messages = vec![json!({"type": "connection_ack"})];
                if self.protocol == Protocol::Legacy {
                    messages.push(json!({"type": "ka"}));
                }
                Step::send(messages)
            }
            Err(err) => {
                let reason = format!("Forbidden: {}", err.message());
                match self.protocol {
                    Protocol::TransportWs => Step::close(close::FORBIDDEN, reason),
                    Protocol::Legacy => {
                        // The legacy protocol reports the refusal in a message first.
                        let message = json!({"type": "connection_error", "payload": {
                            "message": err.message(), "extensions": {"code": err.code()}}});
                        Step {
                            send: vec![message.to_string()],
                            close: Some((close::UNAUTHORIZED, reason)),
                        }
                    }
                }
            }
        }
    }

    /// The tenant was suspended (or may have been): close, unless it is still active.
    async fn on_suspension(&mut self, news: Suspension) -> Step {
        let suspended = Step::close(close::FORBIDDEN, "Forbidden: the tenant is suspended");
        let (Suspension::Unsure, Some(session)) = (news, &self.session) else {
            return suspended;
        };
        match self.app.binder.begin(&session.live.tenant).await {
            Ok(tx) => {
                let _ = tx.rollback().await;
                Step::send(vec![])
            }
            Err(ApiError::TenantSuspended | ApiError::TenantNotFound) => suspended,
            // The database cannot tell now; the subscriptions' own reads will.
            Err(_) => Step::send(vec![]),
        }
    }

    /// The login's access changed (or may have): close, unless the token is still current.
    async fn on_access_change(&mut self, ended: bool) -> Step {
        let closed = Step::close(close::FORBIDDEN, "Forbidden: this sign-in has ended");
        let (false, Some(session)) = (ended, &self.session) else {
            return closed;
        };
        let Ok(tx) = self.app.binder.begin(&session.live.tenant).await else {
            // The database cannot tell now; the operations' own checks will.
            return Step::send(vec![]);
        };
        let current = self
            .app
            .auth_versions
            .is_current(&tx, session.live.tenant.as_str(), &session.principal)
            .await;
        let _ = tx.rollback().await;
        match current {
            Ok(false) => closed,
            Ok(true) | Err(_) => Step::send(vec![]),
        }
    }

    /// `ping`: answered with `pong`; a payload with a fresh token extends the connection.
    fn on_ping(&mut self, payload: Option<&Value>) -> Step {
        if let (Some(session), Some(token)) = (
            self.session.as_mut(),
            field(payload, "authorization").and_then(crate::auth::bearer),
        ) {
            match self.app.keys.verify_until(token) {
                // The same identity only: running subscriptions were authorised for it.
                Ok((p, exp))
                    if p.user_id == session.principal.user_id
                        && p.tenant == session.principal.tenant
                        && p.role == session.principal.role
                        && p.resident_id == session.principal.resident_id =>
                {
                    session.expires = deadline(exp);
                }
                _ => return Step::close(close::FORBIDDEN, "Forbidden: invalid token"),
            }
        }
        Step::send(vec![json!({"type": "pong"})])
    }

    fn on_subscribe(&mut self, id: Option<String>, payload: Option<Value>) -> Step {
        let Some(session) = &self.session else {
            return Step::close(close::UNAUTHORIZED, "Unauthorized");
        };
        let Some(id) = id.filter(|id| !id.is_empty()) else {
            return Step::bad_message();
        };
        let Some(Ok(mut request)) = payload.map(serde_json::from_value::<async_graphql::Request>)
        else {
            return Step::bad_message();
        };
        if self.subscriptions.contains_key(&id) {
            match self.protocol {
                Protocol::TransportWs => {
                    return Step::close(
                        close::DUPLICATE_ID,
                        format!("Subscriber for {id} already exists"),
                    );
                }
                // The legacy protocol replaces the running operation.
                Protocol::Legacy => {
                    self.subscriptions.remove(&id);
                }
            }
        }
        if self.subscriptions.len() >= self.app.config.ws_max_subscriptions {
            let err = ApiError::RateLimited("too many subscriptions on this connection");
            return Step::send(vec![self.error(&id, vec![to_server_error(err)])]);
        }

        let kind = match classify(&self.app, &mut request) {
            Ok(kind) => kind,
            Err(err) => return Step::send(vec![self.error(&id, vec![err])]),
        };
        if let Err(err) = guard_introspection(&self.app, Some(&session.principal), &mut request) {
            return Step::send(vec![self.error(&id, vec![to_server_error(err)])]);
        }
        let request_id = format!("ws-{}-{id}", self.connection_id);
        let principal = session.principal.clone();
        let results: Results = match kind {
            Some(OperationType::Subscription) => {
                let ctx = RequestContext::new(request_id, Ok(Some(principal)), None);
                let request = request.data(ctx).data(session.live.clone());
                self.app
                    .schema
                    .execute_stream(request)
                    .map(|mut response| {
                        response.errors.iter_mut().for_each(ensure_code);
                        Some(response)
                    })
                    .chain(futures::stream::once(async { None }))
                    .enumerate()
                    .map(|(i, r)| (i == 0, r))
                    .boxed()
            }
            Some(kind) => {
                let app = self.app.clone();
                let tenant = session.live.tenant.clone();
                // Spawned: the operation runs to its commit and its events' publication
                // even if the client completes it, stops reading or goes away.
                let single = tokio::spawn(async move {
                    let schema = if kind == OperationType::Mutation {
                        &app.mutation_schema
                    } else {
                        &app.schema
                    };
                    let started = std::time::Instant::now();
                    let response = match app.binder.begin(&tenant).await {
                        Ok(tx) => {
                            let scope = TenantScope::new(tx);
                            match still_current(&app, Ok(Some(principal)), Some(&scope)).await {
                                Ok(principal) => {
                                    let replay = Replay::of(&request, None, None);
                                    let scope = Some(scope);
                                    let replay = Some(&replay);
                                    run(
                                        &app,
                                        schema,
                                        principal,
                                        scope,
                                        request,
                                        &request_id,
                                        replay,
                                    )
                                    .await
                                }
                                Err(err) => {
                                    async_graphql::Response::from_errors(vec![to_server_error(err)])
                                }
                            }
                        }
                        Err(err) => {
                            async_graphql::Response::from_errors(vec![to_server_error(err)])
                        }
                    };
                    let seconds = started.elapsed().as_secs_f64();
                    app.metrics.graphql_seconds.observe(seconds);
                    response
                });
                let single = async move {
                    single.await.unwrap_or_else(|_| {
                        let err =
                            ApiError::internal(std::io::Error::other("operation task failed"));
                        async_graphql::Response::from_errors(vec![to_server_error(err)])
                    })
                };
                futures::stream::once(single)
                    .map(Some)
                    .chain(futures::stream::once(async { None }))
                    .enumerate()
                    .map(|(i, r)| (i == 0, r))
                    .boxed()
            }
            None => {
                let err = ApiError::bad_input("operationName", "no such operation");
                return Step::send(vec![self.error(&id, vec![to_server_error(err)])]);
            }
        };
        self.subscriptions.insert(id, results);
        Step::send(vec![])
    }

    fn on_result(
        &mut self,
        id: String,
        first: bool,
        result: Option<async_graphql::Response>,
    ) -> Step {
        let Some(response) = result else {
            self.subscriptions.remove(&id);
            return Step::send(vec![json!({"type": "complete", "id": id})]);
        };
        // An operation refused before it produced anything ends with `error`.
        if first
            && self.protocol == Protocol::TransportWs
            && response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
        {
            self.subscriptions.remove(&id);
            return Step::send(vec![self.error(&id, response.errors)]);
        }
        let kind = match self.protocol {
            Protocol::TransportWs => "next",
            Protocol::Legacy => "data",
        };
        // The hot path of fan-out: serialised once, straight to text.
        let message = Outgoing {
            kind,
            id: &id,
            payload: &response,
        };
        match serde_json::to_string(&message) {
            Ok(text) => Step::send_text(vec![text]),
            Err(_) => {
                let err = ApiError::internal(std::io::Error::other("unserialisable response"));
                Step::send(vec![self.error(&id, vec![to_server_error(err)])])
            }
        }
    }

    fn error(&self, id: &str, errors: Vec<async_graphql::ServerError>) -> Value {
        match self.protocol {
            Protocol::TransportWs => json!({"type": "error", "id": id, "payload": errors}),
            Protocol::Legacy => json!({"type": "error", "id": id, "payload": {"errors": errors}}),
        }
    }
}

/// Verifies the token of `connection_init` and that its tenant is active now.
async fn authenticate(
    app: &AppState,
    named: &Result<Option<TenantSlug>, ApiError>,
    payload: Option<&Value>,
    suspensions: broadcast::Receiver<Arc<str>>,
    access: broadcast::Receiver<AccessChange>,
) -> Result<Session, ApiError> {
    let token = field(payload, "authorization")
        .and_then(crate::auth::bearer)
        .ok_or(ApiError::Unauthenticated(
            "connection_init needs {\"Authorization\": \"Bearer <access token>\"}",
        ))?;
    let (principal, exp) = app.keys.verify_until(token)?;
    if principal.role == Role::SuperAdmin {
        return Err(ApiError::Forbidden("subscriptions are for tenant users"));
    }
    let named = match (named, field(payload, "x-tenant")) {
        (Err(err), _) => return Err(err.clone()),
        (Ok(Some(slug)), _) => Some(slug.clone()),
        (Ok(None), Some(raw)) => Some(crate::tenancy::resolve::slug("X-Tenant", raw)?),
        (Ok(None), None) => None,
    };
    let tenant = tenant_for(named, Some(&principal))?.ok_or(ApiError::TenantNotFound)?;
    // Refuse unknown and suspended tenants now rather than on the first subscription.
    let tx = app.binder.begin(&tenant).await?;
    let current = app
        .auth_versions
        .is_current(&tx, tenant.as_str(), &principal)
        .await?;
    tx.rollback().await?;
    if !current {
        return Err(sessions::ENDED);
    }
    let live = Live {
        tenant,
        time_zone: tx.tenant().time_zone.clone(),
        db: app.binder.clone(),
        events: app.events.clone(),
    };
    Ok(Session {
        principal,
        expires: deadline(exp),
        live,
        suspensions,
        access,
    })
}

/// A close frame whose reason fits the protocol's limit (under 123 bytes).
/// Whether a read failed because the message (or a frame) was over the size limit.
fn too_big(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(tungstenite::Error::Capacity(_)) = e.downcast_ref::<tungstenite::Error>() {
            return true;
        }
        source = e.source();
    }
    false
}

fn close_frame(code: u16, reason: &str) -> CloseFrame {
    let mut end = reason.len().min(120);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    CloseFrame {
        code,
        reason: reason[..end].into(),
    }
}

/// A payload field by case-insensitive name.
fn field<'a>(payload: Option<&'a Value>, name: &str) -> Option<&'a str> {
    payload?
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))?
        .1
        .as_str()
}

/// When a token expiring at `exp` (unix seconds) stops being good: that very instant, not
/// up to a second later (whole seconds now would round the time left up).
fn deadline(exp: i64) -> Instant {
    let expiry = UNIX_EPOCH + Duration::from_secs(u64::try_from(exp).unwrap_or(0));
    let left = expiry
        .duration_since(SystemTime::now())
        .unwrap_or(Duration::ZERO);
    Instant::now() + left
}
