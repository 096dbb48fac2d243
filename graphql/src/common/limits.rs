//! Document checks async-graphql does not ship, run by the server on the parsed document
//! before executing: a cap on aliases, and which kind of operation it is.
//!
//! Depth, complexity, directives and recursion are capped by the schema builder (see
//! `build_schema`). Aliases are counted here because `a1: units {..} a2: units {..} ...`
//! multiplies work without adding depth. Done outside the schema on purpose: any schema
//! extension puts a hook on every field of every operation.

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};

use crate::common::error::ApiError;

/// What a document holds, counted in one walk over its operations and fragments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Size {
    /// Fields given an alias.
    pub aliases: usize,
    /// Selections: fields, inline fragments, fragment spreads.
    pub selections: usize,
}

impl Size {
    pub fn of(doc: &ExecutableDocument) -> Self {
        let mut size = Self::default();
        for (_, op) in doc.operations.iter() {
            size.add(&op.node.selection_set.node);
        }
        for fragment in doc.fragments.values() {
            size.add(&fragment.node.selection_set.node);
        }
        size
    }

    fn add(&mut self, set: &SelectionSet) {
        for item in &set.items {
            self.selections += 1;
            match &item.node {
                Selection::Field(f) => {
                    self.aliases += usize::from(f.node.alias.is_some());
                    self.add(&f.node.selection_set.node);
                }
                Selection::InlineFragment(f) => self.add(&f.node.selection_set.node),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
}

/// Refuses documents with more than `max` aliases.
pub fn check_aliases(size: Size, max: usize) -> Result<(), ApiError> {
    let count = size.aliases;
    if count > max {
        return Err(ApiError::bad_input(
            "query",
            format!("too many aliases: {count} (limit {max})"),
        ));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::Size;

    #[test]
    fn counts_aliases_and_selections_of_operations_and_fragments()
    -> Result<(), Box<dyn std::error::Error>> {
        // units, edges, node, id, n: number, ...F (6) + fragment F: b: block, name (2) = 8
        let doc = parse_query(
            "{ units { edges { node { id n: number ...F } } } } fragment F on Unit { b: block { name } }",
        )?;
        assert_eq!(
            Size::of(&doc),
            Size {
                aliases: 2,
                selections: 8
            }
        );
        Ok(())
    }
}
