//! Database ids as GraphQL `ID`s.

use std::borrow::Cow;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{ContextSelectionSet, ID, OutputType, Positioned, ServerResult, Value};

/// A row id, written as the schema's `ID` (a string). The same type as `ID` in the schema;
/// it writes the number's digits straight into the response instead of first building an
/// `ID` string and then copying it, which was two allocations for every `id` of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowId(pub i64);

impl OutputType for RowId {
    fn type_name() -> Cow<'static, str> {
        <ID as OutputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <ID as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        _ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        Ok((*self).into())
    }
}

impl From<RowId> for Value {
    fn from(id: RowId) -> Self {
        Value::String(id.0.to_string())
    }
}
