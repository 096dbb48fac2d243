//! A failed field is `null` in `data`, next to its error, as the GraphQL spec says.
//!
//! async-graphql 7 leaves a field whose resolver failed out of its parent object
//! altogether, nullable or not, which breaks clients that read `data` by shape (a normalised
//! cache takes a missing key for a partial result). [`fill`] puts the spec's `null` back,
//! once per operation and only when it has field errors: a nullable field that failed
//! becomes `null`; a non-null one makes its nearest nullable ancestor (a field or a list
//! item) `null`, or `data` itself when there is none.
//!
//! Done after execution, from the document and the schema's SDL, rather than as a schema
//! extension: an extension puts a hook on every field of every operation, and errors are
//! rare.

use std::collections::HashMap;
use std::sync::LazyLock;

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationType, Selection, SelectionSet, Type, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::{PathSegment, Response, Value};

/// Each field's declared type, by parent type and field name; the root types' names.
struct Shape {
    fields: HashMap<(String, String), Type>,
    roots: [String; 3],
}

static SHAPE: LazyLock<Shape> = LazyLock::new(|| Shape::of(&crate::sdl()));

impl Shape {
    fn of(sdl: &str) -> Self {
        let mut fields = HashMap::new();
        let mut roots = [
            "Query".to_owned(),
            "Mutation".to_owned(),
            "Subscription".to_owned(),
        ];
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return Self { fields, roots };
        };
        for def in doc.definitions {
            match def {
                TypeSystemDefinition::Type(t) => {
                    let owner = t.node.name.node.to_string();
                    let defs = match t.node.kind {
                        TypeKind::Object(o) => o.fields,
                        TypeKind::Interface(i) => i.fields,
                        _ => continue,
                    };
                    for f in defs {
                        fields.insert(
                            (owner.clone(), f.node.name.node.to_string()),
                            f.node.ty.node,
                        );
                    }
                }
                TypeSystemDefinition::Schema(s) => {
                    for (slot, name) in
                        roots
                            .iter_mut()
                            .zip([s.node.query, s.node.mutation, s.node.subscription])
                    {
                        if let Some(name) = name {
                            *slot = name.node.to_string();
                        }
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        Self { fields, roots }
    }

    fn root(&self, ty: OperationType) -> &str {
        match ty {
            OperationType::Query => &self.roots[0],
            OperationType::Mutation => &self.roots[1],
            OperationType::Subscription => &self.roots[2],
        }
    }
}

/// Puts `null` where `response`'s field errors say a value failed (see the module docs).
/// `doc` and `operation_name` are what the response answered.
pub fn fill(doc: &ExecutableDocument, operation_name: Option<&str>, response: &mut Response) {
    fill_with(&SHAPE, doc, operation_name, response);
}

fn fill_with(
    shape: &Shape,
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    response: &mut Response,
) {
    if response.data == Value::Null {
        return;
    }
    let Some(op) = doc
        .operations
        .iter()
        .find(|(name, _)| {
            operation_name.is_none_or(|wanted| name.is_some_and(|n| n.as_str() == wanted))
        })
        .map(|(_, op)| op)
    else {
        return;
    };
    let root = shape.root(op.node.ty);
    let paths: Vec<Vec<PathSegment>> = response
        .errors
        .iter()
        .filter(|e| !e.path.is_empty())
        .map(|e| e.path.clone())
        .collect();
    for path in paths {
        let Some(nullable) = nullability(shape, doc, root, &op.node.selection_set.node, &path)
        else {
            continue;
        };
        // The value that becomes null: the failed one if nullable, else its nearest
        // nullable ancestor; none: all of `data`.
        match nullable.iter().rposition(|n| *n) {
            Some(at) => set_null(&mut response.data, &path[..=at]),
            None => {
                response.data = Value::Null;
                return;
            }
        }
    }
}

/// Whether the value at each step of `path` may be null, from the document and the
/// declared types; `None` when the path does not follow the document.
fn nullability(
    shape: &Shape,
    doc: &ExecutableDocument,
    root: &str,
    root_set: &SelectionSet,
    path: &[PathSegment],
) -> Option<Vec<bool>> {
    let mut nullable = Vec::with_capacity(path.len());
    let mut owner = root.to_owned();
    let mut set = root_set;
    let mut ty: Option<&Type> = None;
    for segment in path {
        match segment {
            PathSegment::Field(key) => {
                let (field, declared) = find(shape, doc, set, &owner, key)?;
                nullable.push(declared.nullable);
                owner = named(declared).to_owned();
                set = &field.selection_set.node;
                ty = Some(declared);
            }
            PathSegment::Index(_) => {
                let BaseType::List(item) = &ty?.base else {
                    return None;
                };
                nullable.push(item.nullable);
                ty = Some(item);
            }
        }
    }
    Some(nullable)
}

/// The field answered under response key `key` in `set` (on type `owner`), looking into
/// fragments, with its declared type.
fn find<'d>(
    shape: &'d Shape,
    doc: &'d ExecutableDocument,
    set: &'d SelectionSet,
    owner: &str,
    key: &str,
) -> Option<(&'d Field, &'d Type)> {
    for item in &set.items {
        let found = match &item.node {
            Selection::Field(f) if f.node.response_key().node.as_str() == key => shape
                .fields
                .get(&(owner.to_owned(), f.node.name.node.to_string()))
                .map(|ty| (&f.node, ty)),
            Selection::Field(_) => None,
            Selection::InlineFragment(f) => {
                let on = f
                    .node
                    .type_condition
                    .as_ref()
                    .map_or(owner, |c| c.node.on.node.as_str());
                find(shape, doc, &f.node.selection_set.node, on, key)
            }
            Selection::FragmentSpread(s) => {
                doc.fragments.get(&s.node.fragment_name.node).and_then(|f| {
                    find(
                        shape,
                        doc,
                        &f.node.selection_set.node,
                        f.node.type_condition.node.on.node.as_str(),
                        key,
                    )
                })
            }
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => named(item),
    }
}

/// Sets the value at `path` to null (adding the key when the field was left out). An
/// ancestor already null (an earlier error) leaves nothing to do.
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = data;
    for segment in parents {
        at = match (segment, at) {
            (PathSegment::Field(key), Value::Object(map)) => match map.get_mut(key.as_str()) {
                Some(v) => v,
                None => return,
            },
            (PathSegment::Index(i), Value::List(items)) => match items.get_mut(*i) {
                Some(v) => v,
                None => return,
            },
            _ => return,
        };
    }
    match (last, at) {
        (PathSegment::Field(key), Value::Object(map)) => {
            map.insert(async_graphql::Name::new(key), Value::Null);
        }
        (PathSegment::Index(i), Value::List(items)) => {
            if let Some(v) = items.get_mut(*i) {
                *v = Value::Null;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::ServerError;

    const SDL: &str = "
        type Query { bill(id: ID!): Bill  bills: [Bill!]!  me: User! }
        type Bill { id: ID!  unit: Unit!  note: String  items: [Item] }
        type Unit { number: String! }
        type Item { amount: Int! }
        type User { name: String }
    ";

    fn filled(
        query: &str,
        data: serde_json::Value,
        paths: &[serde_json::Value],
    ) -> serde_json::Value {
        let shape = Shape::of(SDL);
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let mut response = Response::new(Value::from_json(data).unwrap());
        for path in paths {
            let mut e = ServerError::new("failed", None);
            e.path = serde_json::from_value(path.clone()).unwrap();
            response.errors.push(e);
        }
        fill_with(&shape, &doc, None, &mut response);
        response.data.into_json().unwrap()
    }

    #[test]
    fn a_failed_nullable_field_is_null_and_a_non_null_one_nulls_its_parent() {
        use serde_json::json;
        // Nullable `note` failed: null beside its siblings, under its alias too.
        assert_eq!(
            filled(
                "{ bill(id: 1) { id n: note } }",
                json!({"bill": {"id": "1"}}),
                &[json!(["bill", "n"])]
            ),
            json!({"bill": {"id": "1", "n": null}})
        );
        // Non-null `unit.number` failed: `unit` is non-null too, so `bill` becomes null.
        assert_eq!(
            filled(
                "{ bill(id: 1) { id unit { number } } }",
                json!({"bill": {"id": "1", "unit": {}}}),
                &[json!(["bill", "unit", "number"])]
            ),
            json!({"bill": null})
        );
        // In a list of nullable items, the item; through a fragment.
        assert_eq!(
            filled(
                "{ bill(id: 1) { ...F } } fragment F on Bill { items { amount } }",
                json!({"bill": {"items": [{"amount": 1}, {}]}}),
                &[json!(["bill", "items", 1, "amount"])]
            ),
            json!({"bill": {"items": [{"amount": 1}, null]}})
        );
        // Nothing nullable on the way up: no data at all.
        assert_eq!(
            filled(
                "{ bills { unit { number } } }",
                json!({"bills": [{"unit": {}}]}),
                &[json!(["bills", 0, "unit", "number"])]
            ),
            json!(null)
        );
        // A nullable root field that failed.
        assert_eq!(
            filled(
                "{ bill(id: 1) { id } me { name } }",
                json!({"me": {"name": "a"}}),
                &[json!(["bill"])]
            ),
            json!({"bill": null, "me": {"name": "a"}})
        );
    }
}
