//! Objects of long lists, resolved a field at a time in place.
//!
//! async-graphql resolves an object by boxing one future per selected field and driving
//! them as a set. On the hot lists (units, their residents, bills, their items and
//! payments: thousands of fields per response) that machinery costs more than the fields
//! themselves. [`Inline<T>`] is `T` in the schema (same type, same fields) but awaits
//! `T`'s own field resolvers one by one, in place, in one boxed future per object (the
//! box keeps the future's size finite where objects nest into each other: a unit's
//! residents' units). The list around it still resolves its items concurrently, so the
//! dataloaders still batch; the list's prefetch has usually primed them anyway.
//!
//! Every field runs its own resolver, as on async-graphql's path: a guard or a check
//! written in a resolver applies however the object is reached. (An earlier version
//! answered "plain" fields straight from the row in release builds, which would have
//! skipped a guard added to such a field later.)
//!
//! A selection it does not handle as plainly (fragments, one response key selected twice)
//! takes async-graphql's own path. It is meant for objects below the root: it does not
//! run extensions' per-field hooks (the audit extension only looks at root mutation
//! fields).

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_container_serial};
use async_graphql::{ContextSelectionSet, OutputType, Positioned, ServerResult, Value};

/// `T`, resolved field by field in place (see the module documentation).
pub struct Inline<T>(pub T);

impl<T: ContainerType> OutputType for Inline<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> impl Future<Output = ServerResult<Value>> + Send {
        Box::pin(resolve_fields(&self.0, ctx))
    }
}

async fn resolve_fields<T: ContainerType>(
    object: &T,
    ctx: &ContextSelectionSet<'_>,
) -> ServerResult<Value> {
    let items = &ctx.item.node.items;
    if !plain(items) {
        return resolve_container_serial(ctx, object).await;
    }
    let mut fields = IndexMap::with_capacity(items.len());
    for item in items {
        let Selection::Field(field) = &item.node else {
            continue;
        };
        let key = field.node.response_key().node.clone();
        if field.node.name.node == "__typename" {
            fields.insert(key, Value::String(T::type_name().into_owned()));
            continue;
        }
        match object.resolve_field(&ctx.with_field(field)).await {
            Ok(value) => {
                fields.insert(key, value.unwrap_or_default());
            }
            Err(err) => ctx.add_error(err),
        }
    }
    Ok(if fields.is_empty() {
        Value::Null
    } else {
        Value::Object(fields)
    })
}

/// Whether the selection is only fields without directives (`@skip` and `@include` are
/// gone by now; any other takes async-graphql's path), with distinct response keys.
fn plain(items: &[Positioned<Selection>]) -> bool {
    items.iter().enumerate().all(|(i, item)| {
        key(item).is_some_and(|k| items[..i].iter().all(|earlier| key(earlier) != Some(k)))
    })
}

fn key(item: &Positioned<Selection>) -> Option<&str> {
    match &item.node {
        Selection::Field(field) if field.node.directives.is_empty() => {
            Some(field.node.response_key().node.as_str())
        }
        _ => None,
    }
}
