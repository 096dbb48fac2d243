//! Document checks async-graphql does not ship, run by the server on the parsed document
//! before executing: a cap on aliases, and which kind of operation it is.
//!
//! Depth, complexity, directives and recursion are capped by the schema builder (see
//! `build_schema`). Aliases are counted here because `a1: units {..} a2: units {..} ...`
//! multiplies work without adding depth. Done outside the schema on purpose: any schema
//! extension puts a hook on every field of every operation.

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};

use crate::error::ApiError;

/// Refuses documents with more than `max` aliases.
pub fn check_aliases(doc: &ExecutableDocument, max: usize) -> Result<(), ApiError> {
    let count: usize = doc
        .operations
        .iter()
        .map(|(_, op)| aliases(&op.node.selection_set.node))
        .sum::<usize>()
        + doc
            .fragments
            .values()
            .map(|f| aliases(&f.node.selection_set.node))
            .sum::<usize>();
    if count > max {
        return Err(ApiError::bad_input(
            "query",
            format!("too many aliases: {count} (limit {max})"),
        ));
    }
    Ok(())
}

fn aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => aliases(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// The type of the operation a request runs (`operation_name`, or the only one).
pub fn operation_type(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<OperationType> {
    doc.operations
        .iter()
        .find(|(name, _)| {
            operation_name.is_none_or(|wanted| name.is_some_and(|n| n.as_str() == wanted))
        })
        .map(|(_, op)| op.node.ty)
}
