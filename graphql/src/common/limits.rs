//! Document checks async-graphql does not ship, run by the server on the parsed document
//! before executing: a cap on aliases, text no argument accepts (NUL bytes, more than
//! [`MAX_TEXT`] characters), and which kind of operation it is.
//!
//! Depth, complexity, directives and recursion are capped by the schema builder (see
//! `build_schema`). Aliases are counted here because `a1: units {..} a2: units {..} ...`
//! multiplies work without adding depth. Done outside the schema on purpose: any schema
//! extension puts a hook on every field of every operation.

use async_graphql::Variables;
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql_value::{ConstValue, Value};

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

/// The most characters any string argument may carry, whatever the field: a field with a
/// tighter rule (a name, a reason) checks its own below this.
pub const MAX_TEXT: usize = 20_000;

/// A string argument no field accepts: where it is (`field.argument.key`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadText {
    pub field: String,
    pub message: &'static str,
}

/// Every string of every field argument, literal or from `variables`, is free of NUL
/// bytes (PostgreSQL cannot store them) and at most [`MAX_TEXT`] characters: one check
/// for every field, run before anything executes.
pub fn check_text(doc: &ExecutableDocument, variables: &Variables) -> Result<(), BadText> {
    for (_, op) in doc.operations.iter() {
        text_in_set(&op.node.selection_set.node, variables)?;
    }
    for fragment in doc.fragments.values() {
        text_in_set(&fragment.node.selection_set.node, variables)?;
    }
    Ok(())
}

fn text_in_set(set: &SelectionSet, variables: &Variables) -> Result<(), BadText> {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                for (name, value) in &f.node.arguments {
                    let path = format!("{}.{}", f.node.name.node, name.node);
                    text_in_value(&value.node, variables, &path)?;
                }
                text_in_set(&f.node.selection_set.node, variables)?;
            }
            Selection::InlineFragment(f) => text_in_set(&f.node.selection_set.node, variables)?,
            Selection::FragmentSpread(_) => {}
        }
    }
    Ok(())
}

fn text_in_value(value: &Value, variables: &Variables, path: &str) -> Result<(), BadText> {
    match value {
        Value::Variable(name) => match variables.get(name) {
            Some(v) => text_in_const(v, path),
            None => Ok(()),
        },
        Value::String(s) => text(s, path),
        Value::List(items) => items
            .iter()
            .try_for_each(|v| text_in_value(v, variables, path)),
        Value::Object(fields) => fields
            .iter()
            .try_for_each(|(k, v)| text_in_value(v, variables, &format!("{path}.{k}"))),
        _ => Ok(()),
    }
}

fn text_in_const(value: &ConstValue, path: &str) -> Result<(), BadText> {
    match value {
        ConstValue::String(s) => text(s, path),
        ConstValue::List(items) => items.iter().try_for_each(|v| text_in_const(v, path)),
        ConstValue::Object(fields) => fields
            .iter()
            .try_for_each(|(k, v)| text_in_const(v, &format!("{path}.{k}"))),
        _ => Ok(()),
    }
}

fn text(s: &str, path: &str) -> Result<(), BadText> {
    let bad = |message| {
        Err(BadText {
            field: path.to_owned(),
            message,
        })
    };
    if s.contains('\0') {
        return bad("must not contain NUL bytes");
    }
    // Bytes bound characters from above: count only when it could matter.
    if s.len() > MAX_TEXT && s.chars().count() > MAX_TEXT {
        return bad("at most 20000 characters");
    }
    Ok(())
}

#[cfg(test)]
mod text_tests {
    use super::*;

    fn checked(query: &str, variables: serde_json::Value) -> Result<(), BadText> {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        check_text(&doc, &Variables::from_json(variables))
    }

    #[test]
    fn nul_bytes_and_endless_text_are_refused_where_they_are() {
        let ok = checked(
            "mutation($r: String!) { voidBill(id: \"x\", reason: $r) { id } }",
            serde_json::json!({"r": "salah tagih"}),
        );
        assert_eq!(ok, Ok(()));
        let nul = checked(
            "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }",
            serde_json::json!({"i": {"billId": "x", "reference": "a\u{0}b"}}),
        );
        assert_eq!(nul.unwrap_err().field, "recordPayment.input.reference");
        let literal = checked(
            "{ a: login(identifier: \"\\u0000\") { accessToken } }",
            serde_json::json!({}),
        );
        assert_eq!(literal.unwrap_err().field, "login.identifier");
        let long = "é".repeat(MAX_TEXT + 1);
        let endless = checked(
            "mutation($r: String!) { ... on Mutation { voidBill(id: \"x\", reason: $r) { id } } }",
            serde_json::json!({"r": long}),
        );
        assert_eq!(
            endless,
            Err(BadText {
                field: "voidBill.reason".into(),
                message: "at most 20000 characters"
            })
        );
        let just = "é".repeat(MAX_TEXT);
        assert_eq!(
            checked(
                "mutation($r: [String!]) { f(tags: $r) }",
                serde_json::json!({"r": [just]})
            ),
            Ok(())
        );
    }
}
