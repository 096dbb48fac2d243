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
//! # Plain fields
//! Fields that only read the object's row (ids, names, amounts, states: no arguments, no
//! context, nothing to await) are declared in a `plain` block of [`row_object!`], which
//! writes from each declaration both the field's resolver and its entry in
//! [`PlainFields`]; `Inline` answers those straight from the row, without a future or
//! async-graphql's per-field machinery. A plain field cannot carry a guard or any other
//! attribute (the macro does not accept one): a field that needs a guard is written as an
//! ordinary resolver below the block, and every such field runs its resolver however the
//! object is reached. Debug builds, which every test runs, also resolve each plain field
//! through its resolver and assert that the two values agree.
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
use async_graphql::{ContextSelectionSet, InputType, OutputType, Positioned, ServerResult, Value};

use super::ids::{Id, NodeKind};

/// `T`, resolved field by field in place (see the module documentation).
pub struct Inline<T>(pub T);

/// The fields of an object that are plain reads of its row (see the module documentation),
/// written by [`row_object!`] only.
pub trait PlainFields {
    /// The value of field `name` (its GraphQL name), or `None` when it is not a plain
    /// field or its column does not decode (the resolver then reports the error).
    fn plain_field(&self, name: &str) -> Option<Value>;
}

/// A plain field's value as the response holds it: what the field's `OutputType` would
/// resolve to, without a future.
pub trait PlainValue {
    fn plain_value(self) -> Value;
}

impl PlainValue for &str {
    fn plain_value(self) -> Value {
        Value::String(self.to_owned())
    }
}

impl<T: PlainValue> PlainValue for Option<T> {
    fn plain_value(self) -> Value {
        self.map_or(Value::Null, PlainValue::plain_value)
    }
}

impl<K: NodeKind> PlainValue for Id<K> {
    fn plain_value(self) -> Value {
        self.into()
    }
}

/// Types whose input form is also their output form (scalars and enums).
macro_rules! plain_as_input {
    ($($ty:ty),* $(,)?) => {$(
        impl PlainValue for $ty {
            fn plain_value(self) -> Value {
                InputType::to_value(&self)
            }
        }
    )*};
}

plain_as_input!(
    bool,
    i32,
    i64,
    rust_decimal::Decimal,
    chrono::NaiveDate,
    chrono::DateTime<chrono::FixedOffset>,
    crate::common::types::Rupiah,
    klustera_entities::states::UnitType,
    klustera_entities::states::BillStatus,
    klustera_entities::states::BillItemKind,
    klustera_entities::states::PaymentMethod,
    klustera_entities::states::RefundSource,
    klustera_entities::states::BookingStatus,
    klustera_entities::states::FacilityKind,
    klustera_entities::states::Pricing,
    klustera_entities::states::FacilityPayment,
);

/// An object over a row (`$ty(pub Row<..>)` or any newtype whose `.0` derefs to the row),
/// its `#[Object]` impl and its [`PlainFields`], from one declaration:
///
/// ```text
/// row_object! {
///     #[Object]
///     Unit(u: unit::Model) {
///         plain {
///             "id" id: UnitId = UnitId::new(u.id);
///             /// Floor or land area in m².
///             "areaM2" area_m2: Decimal = u.area_m2;
///         }
///         async fn block(&self, ctx: &Context<'_>) -> Result<Inline<Block>> { .. }
///     }
/// }
/// ```
///
/// Each plain field is `"graphqlName" rust_name: OutputType = expression;` where the
/// expression reads the row through the named binding and may use `?` (a column that
/// does not decode). `#[Object]` is written by the caller (so that the expressions of
/// `complexity` attributes below resolve where they are written). Only doc comments are accepted on a plain field (see the module
/// documentation); the rest of the block is pasted into the `#[Object]` impl as written.
macro_rules! row_object {
    (
        $pound:tt $object:tt
        $ty:ident($row:ident: $row_ty:ty) {
            plain {
                $(
                    $(#[doc = $doc:literal])*
                    $name:literal $field:ident: $out:ty = $expr:expr;
                )*
            }
            $($rest:tt)*
        }
    ) => {
        $pound $object
        impl $ty {
            $(
                $(#[doc = $doc])*
                #[graphql(name = $name)]
                pub async fn $field(&self) -> async_graphql::Result<$out> {
                    let $row: &$row_ty = &self.0;
                    Ok($expr)
                }
            )*
            $($rest)*
        }

        impl $crate::common::inline::PlainFields for $ty {
            fn plain_field(&self, name: &str) -> Option<async_graphql::Value> {
                fn value(
                    $row: &$row_ty,
                    name: &str,
                ) -> async_graphql::Result<Option<async_graphql::Value>> {
                    use $crate::common::inline::PlainValue as _;
                    Ok(Some(match name {
                        $($name => { let value: $out = $expr; value.plain_value() })*
                        _ => return Ok(None),
                    }))
                }
                value(&self.0, name).ok().flatten()
            }
        }
    };
}

pub(crate) use row_object;

impl<T: ContainerType + PlainFields> OutputType for Inline<T> {
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

async fn resolve_fields<T: ContainerType + PlainFields>(
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
        let bare =
            field.node.arguments.is_empty() && field.node.selection_set.node.items.is_empty();
        if bare && let Some(value) = object.plain_field(field.node.name.node.as_str()) {
            #[cfg(debug_assertions)]
            {
                let resolved = object.resolve_field(&ctx.with_field(field)).await;
                assert_eq!(
                    resolved.ok().flatten().as_ref(),
                    Some(&value),
                    "{}.{}: the plain value differs from the resolver's",
                    T::type_name(),
                    field.node.name.node
                );
            }
            fields.insert(key, value);
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
