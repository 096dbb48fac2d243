//! Browser sessions: the refresh token in an HttpOnly cookie, never in a response body.
//!
//! The HTTP edge puts a [`BrowserSession`] into an operation's data when the request says
//! `X-Klustera-Session: cookie` (a header cross-site forms cannot send), holding the
//! request's refresh-token cookie if any. `login` and `refreshToken` then record the new
//! token here instead of returning it, `refreshToken` and `logout` without an argument
//! read the cookie, and the edge turns what was recorded into a `Set-Cookie` header.
//! This module knows no HTTP: how the cookie is written is the edge's business.
//!
//! Without a `BrowserSession` (API clients, the WebSocket), the body-based flow is unchanged.

use std::sync::Mutex;

/// What the response must do to the browser's refresh-token cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookieChange {
    /// Store this refresh token (a sign-in or a rotation).
    Set(String),
    /// Remove it (sign-out, or a refresh token that no longer works).
    Clear,
}

/// A browser sign-in's request: the cookie it came with, and the change to send back.
#[derive(Debug, Default)]
pub struct BrowserSession {
    cookie: Option<String>,
    change: Mutex<Option<CookieChange>>,
}

impl BrowserSession {
    pub fn new(cookie: Option<String>) -> Self {
        Self {
            cookie: cookie.filter(|c| !c.is_empty()),
            change: Mutex::default(),
        }
    }

    /// The refresh token the browser sent in its cookie.
    pub fn cookie(&self) -> Option<&str> {
        self.cookie.as_deref()
    }

    pub fn record(&self, change: CookieChange) {
        if let Ok(mut slot) = self.change.lock() {
            *slot = Some(change);
        }
    }

    /// The change to send back, once.
    pub fn take_change(&self) -> Option<CookieChange> {
        self.change.lock().ok().and_then(|mut slot| slot.take())
    }
}
