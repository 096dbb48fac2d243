//! A statement's rows, loaded once per request and shared by reference.
//!
//! The rows of a nested list are loaded once (by a prefetch or a dataloader batch) and
//! then held by several owners: the loader's cache, the next prefetch level, and one
//! GraphQL object per row. They live in one `Arc<Vec<T>>` per statement (moved there, not
//! copied). A [`Rows`] (the rows of one key: a range of that vector) and a [`Row`] (one of them) point into it, so
//! a cache hit or a new object costs a reference count instead of a copy of the row and
//! its strings; copying rows on every cache hit was a tenth of a bill list's CPU.

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// The hasher of the loaders' per-request caches, keyed by ids: seeded per process, and
/// much cheaper than SipHash on these small keys.
pub type IdHasher = foldhash::fast::RandomState;

/// One row of a statement's result.
pub struct Row<T> {
    batch: Arc<Vec<T>>,
    index: usize,
}

impl<T> Row<T> {
    /// Every row of `rows`, sharing one allocation.
    pub fn each(rows: Vec<T>) -> Vec<Self> {
        let batch = Arc::new(rows);
        (0..batch.len())
            .map(|index| Self {
                batch: Arc::clone(&batch),
                index,
            })
            .collect()
    }
}

impl<T> From<T> for Row<T> {
    /// A row on its own (a mutation's result, a single lookup).
    fn from(row: T) -> Self {
        Self {
            batch: Arc::new(vec![row]),
            index: 0,
        }
    }
}

impl<T> Deref for Row<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.batch[self.index]
    }
}

impl<T> Clone for Row<T> {
    fn clone(&self) -> Self {
        Self {
            batch: Arc::clone(&self.batch),
            index: self.index,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Row<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// The rows of one key, in the statement's order.
pub struct Rows<T> {
    batch: Arc<Vec<T>>,
    range: Range<usize>,
}

impl<T> Rows<T> {
    /// Each row, as a [`Row`] sharing this batch.
    pub fn rows(&self) -> impl Iterator<Item = Row<T>> + '_ {
        self.range.clone().map(|index| Row {
            batch: Arc::clone(&self.batch),
            index,
        })
    }

    /// The first `n` rows.
    pub fn first(mut self, n: usize) -> Self {
        self.range.end = self.range.end.min(self.range.start + n);
        self
    }
}

impl<T> Deref for Rows<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.batch[self.range.clone()]
    }
}

impl<T> Clone for Rows<T> {
    fn clone(&self) -> Self {
        Self {
            batch: Arc::clone(&self.batch),
            range: self.range.clone(),
        }
    }
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Self {
            batch: Arc::default(),
            range: 0..0,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Rows<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// `rows` by their (unique) key, for loaders of one row per key; a key without a row has
/// no entry.
pub fn by_key<K: Eq + Hash, T>(rows: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Row<T>> {
    Row::each(rows).into_iter().map(|r| (key(&r), r)).collect()
}

/// `rows` grouped by `key`, with an entry for every one of `keys` (empty when it has no
/// rows: the loader's cache then also remembers "none"). Each key's rows keep the
/// statement's order.
pub fn group<K, T>(keys: &[K], mut rows: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Rows<T>>
where
    K: Copy + Eq + Hash + Ord,
{
    if !rows.is_sorted_by_key(&key) {
        rows.sort_by_key(&key); // stable; the loaders' SQL orders by the key already
    }
    let batch = Arc::new(rows);
    // One hash insertion per key; each key's range found by binary search.
    keys.iter()
        .map(|k| {
            let start = batch.partition_point(|r| key(r) < *k);
            let len = batch[start..].partition_point(|r| key(r) == *k);
            let rows = Rows {
                batch: Arc::clone(&batch),
                range: start..start + len,
            };
            (*k, rows)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_the_statement_order_and_answer_every_key() {
        let rows = vec![(7, "a"), (3, "b"), (7, "c"), (3, "d"), (5, "e")];
        let groups = group(&[3, 5, 7, 9], rows, |r| r.0);
        let names = |k: i32| groups[&k].iter().map(|r| r.1).collect::<Vec<_>>();
        assert_eq!(names(3), ["b", "d"]);
        assert_eq!(names(5), ["e"]);
        assert_eq!(names(7), ["a", "c"]);
        assert!(names(9).is_empty());
        assert_eq!(groups[&7].clone().first(1).len(), 1);
        let each: Vec<_> = groups[&3].rows().map(|r| r.1).collect();
        assert_eq!(each, ["b", "d"]);
    }
}
