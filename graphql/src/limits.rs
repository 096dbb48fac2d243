//! Query limits async-graphql does not ship: a cap on aliases per document.
//!
//! Depth, complexity, directives and recursion are capped by the schema builder (see
//! `build_schema`); aliases are counted here, right after parsing, because a query like
//! `a1: units {..} a2: units {..} ...` multiplies work without adding depth.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Variables};

pub struct AliasLimit(pub usize);

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AliasLimitExtension(self.0))
    }
}

struct AliasLimitExtension(usize);

#[async_graphql::async_trait::async_trait]
impl Extension for AliasLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let mut count = 0;
        for (_, op) in doc.operations.iter() {
            count += aliases(&op.node.selection_set.node);
        }
        for fragment in doc.fragments.values() {
            count += aliases(&fragment.node.selection_set.node);
        }
        if count > self.0 {
            let mut err = ServerError::new(
                format!("too many aliases: {count} (limit {})", self.0),
                None,
            );
            err.extensions = Some({
                let mut ext = async_graphql::ErrorExtensionValues::default();
                ext.set("code", "BAD_USER_INPUT");
                ext
            });
            return Err(err);
        }
        Ok(doc)
    }
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
