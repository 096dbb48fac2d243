//! `graphql/schema.graphql` is the checked-in contract; any change to the schema must
//! update it (run with `UPDATE_SCHEMA=1` to rewrite it, then review the diff).

#[test]
fn checked_in_sdl_matches_the_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/graphql/schema.graphql");
    let current = klustera_graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &current).unwrap();
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == current,
        "graphql/schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test schema_drift` and commit the diff"
    );
}
