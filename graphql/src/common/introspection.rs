//! Who may read the schema (`__schema`, `__type`) where it is restricted (the production
//! profile), and whether a document asks for it.
//!
//! The server refuses such a document before it executes, over HTTP and WebSocket alike,
//! and also turns async-graphql's introspection off for the request (a second lock).
//! `__typename` is not introspection: clients (urql's cache) need it.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

use super::error::ApiError;
use super::principal::{Principal, Role};

/// The error a caller gets for an introspection query they may not run.
pub const REFUSED: ApiError =
    ApiError::Forbidden("introspection is only for super admins on this server");

/// Whether `caller` may introspect the schema where introspection is restricted.
pub fn allowed(caller: Option<&Principal>) -> bool {
    // API keys with the `playground` scope (issue 17) are to be allowed here too.
    caller.is_some_and(|p| p.role == Role::SuperAdmin)
}

/// Whether any operation or fragment of `doc` selects `__schema` or `__type`, under any
/// alias, at any depth, inline fragments included.
pub fn asked(doc: &ExecutableDocument) -> bool {
    doc.operations
        .iter()
        .any(|(_, op)| in_set(&op.node.selection_set.node))
        || doc
            .fragments
            .values()
            .any(|f| in_set(&f.node.selection_set.node))
}

fn in_set(set: &SelectionSet) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(f) => {
            matches!(f.node.name.node.as_str(), "__schema" | "__type")
                || in_set(&f.node.selection_set.node)
        }
        Selection::InlineFragment(f) => in_set(&f.node.selection_set.node),
        // The fragment itself is walked with the document's fragments.
        Selection::FragmentSpread(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::asked;

    #[test]
    fn finds_the_schema_under_aliases_and_fragments() -> Result<(), Box<dyn std::error::Error>> {
        for (doc, wanted) in [
            ("{ __schema { types { name } } }", true),
            ("{ s: __schema { queryType { name } } }", true),
            ("{ __type(name: \"Bill\") { name } }", true),
            ("{ ... on Query { __schema { types { name } } } }", true),
            (
                "{ ...F } fragment F on Query { t: __type(name: \"Bill\") { name } }",
                true,
            ),
            (
                "query A { __typename } query B { __schema { types { name } } }",
                true,
            ),
            ("{ __typename }", false),
            ("{ me { __typename id } }", false),
        ] {
            assert_eq!(asked(&parse_query(doc)?), wanted, "{doc}");
        }
        Ok(())
    }
}
