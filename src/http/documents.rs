//! Parsed GraphQL documents, kept by their text.
//!
//! Front ends send the same few documents over and over; parsing one (async-graphql's
//! PEG parser) was a fixed ~6% of the CPU of a small query. A document is parsed once
//! and later requests get a copy of the tree. Only documents that parsed and passed the
//! alias limit are kept, and only small ones, so the cache stays small whatever clients
//! send (before authentication): at most [`CAPACITY`] documents of at most
//! [`MAX_CACHED_LEN`] bytes and [`MAX_CACHED_SELECTIONS`] selections (a parsed selection
//! takes about a hundred times the bytes of its text).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::ServerError;
use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

use klustera_graphql::common::limits::{self, Size};

/// Distinct documents kept (least recently used first out).
pub const CAPACITY: NonZeroUsize = match NonZeroUsize::new(512) {
    Some(n) => n,
    None => panic!("capacity must not be zero"),
};
/// Longer documents are parsed every time (they are rare, and would bloat the cache).
pub const MAX_CACHED_LEN: usize = 8 * 1024;
/// Documents with more selections (fields, fragment spreads) are parsed every time.
pub const MAX_CACHED_SELECTIONS: usize = 500;

type Cache = LruCache<String, Arc<ExecutableDocument>>;

pub struct Documents {
    cache: Mutex<Cache>,
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            cache: Mutex::new(LruCache::new(CAPACITY)),
        }
    }
}

impl Documents {
    /// Gives `request` its parsed document: from the cache, or parsed and alias-checked
    /// now. The error refuses the request (with its code, for alias-limit errors).
    pub fn prepare(
        &self,
        request: &mut async_graphql::Request,
        max_aliases: usize,
    ) -> Result<(), Refused> {
        let cacheable = request.query.len() <= MAX_CACHED_LEN;
        if cacheable {
            let cached = self.lock().get(&request.query).cloned();
            if let Some(doc) = cached {
                request.set_parsed_query(ExecutableDocument::clone(&doc));
                return Ok(());
            }
        }
        let doc = request.parsed_query().map_err(Refused::Parse)?;
        let size = Size::of(doc);
        limits::check_aliases(size, max_aliases).map_err(Refused::Limit)?;
        if cacheable && size.selections <= MAX_CACHED_SELECTIONS {
            let doc = Arc::new(doc.clone());
            self.lock().put(request.query.clone(), doc);
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic while holding the lock leaves a cache that is still consistent.
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Why a document is refused before execution.
pub enum Refused {
    Parse(ServerError),
    Limit(klustera_graphql::ApiError),
}
