//! Typed, opaque global ids (GraphQL's Global Object Identification convention).
//!
//! Every object's `id` is an [`Id<K>`]: in the schema a plain `ID`, on the wire the
//! base64url of `<Type>:<row id>` (e.g. `Bill:42` -> `QmlsbDo0Mg`). Clients treat it as
//! opaque; a front-end cache can key by it, since no two objects share one. An argument
//! typed `Id<K>` accepts any string: one that is not an id of `K` (another type's id, a
//! bare number, garbage) parses into an id that names no row, and [`Id::row`] answers it
//! with `NOT_FOUND`, the same as for a row that does not exist. So `bill(id:)` given a
//! unit's id says "bill not found", never "that is a unit".
//!
//! The kinds are declared once, below, with their GraphQL type names.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{
    Context, ContextSelectionSet, ID, InputType, InputValueResult, OutputType, Positioned,
    ServerResult, Value,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::ApiError;

/// A kind of object that has global ids: its GraphQL type name.
pub trait NodeKind: Send + Sync + 'static {
    /// The GraphQL type name, also the prefix inside the id.
    const NAME: &'static str;
    /// How `NOT_FOUND` names it (`ApiError::NotFound`).
    const NOT_FOUND: &'static str;
}

/// A node type: what `node(id:)` fetches by row id (implemented in each domain's
/// `schema` module, listed in the schema's `Node` interface).
#[async_trait::async_trait]
pub trait Fetch: Sized {
    type Kind: NodeKind;
    /// Row `id` of this type as the caller may see it; `NOT_FOUND` otherwise.
    async fn fetch(ctx: &Context<'_>, id: i64) -> Result<Self, ApiError>;
}

/// The id of one `K`: a row id when it names one (see the module docs).
pub struct Id<K> {
    /// `None`: given by a client, but not an id of `K`.
    row: Option<i64>,
    kind: PhantomData<fn() -> K>,
}

impl<K: NodeKind> Id<K> {
    /// The id of row `row` of `K`'s table.
    pub fn new(row: i64) -> Self {
        Self {
            row: Some(row),
            kind: PhantomData,
        }
    }

    /// The row id, or `NOT_FOUND` when the id given was not one of `K`.
    pub fn row(&self) -> Result<i64, ApiError> {
        self.row.ok_or(ApiError::NotFound(K::NOT_FOUND))
    }

    /// The opaque string clients see.
    pub fn encode(&self) -> String {
        match self.row {
            Some(row) => encode(K::NAME, row),
            None => String::new(),
        }
    }

    /// Parses a client's id; never fails (see [`Id::row`]).
    pub fn parse(raw: &str) -> Self {
        Self {
            row: decode(raw).and_then(|(kind, row)| (kind == K::NAME).then_some(row)),
            kind: PhantomData,
        }
    }
}

/// The opaque id of row `row` of type `kind`. Every object of a response writes one, so
/// `Type:row` is put together on the stack and only the encoded id is allocated.
pub fn encode(kind: &str, row: i64) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(row).as_bytes();
    let mut raw = [0u8; 64];
    let len = kind.len() + 1 + digits.len();
    let Some(raw) = raw.get_mut(..len) else {
        return URL_SAFE_NO_PAD.encode([kind.as_bytes(), b":", digits].concat());
    };
    raw[..kind.len()].copy_from_slice(kind.as_bytes());
    raw[kind.len()] = b':';
    raw[kind.len() + 1..].copy_from_slice(digits);
    URL_SAFE_NO_PAD.encode(raw)
}

/// The type name and row id inside an opaque id, if it is one.
pub fn decode(raw: &str) -> Option<(String, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, row) = text.split_once(':')?;
    // Digits only: `+1`, ` 1` or `01` would let one row have several ids.
    if row.is_empty() || !row.bytes().all(|b| b.is_ascii_digit()) || row.starts_with('0') {
        return None;
    }
    Some((kind.to_owned(), row.parse().ok()?))
}

impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for Id<K> {}

impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.row == other.row
    }
}

impl<K> Eq for Id<K> {}

impl<K: NodeKind> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            Some(row) => write!(f, "{}:{row}", K::NAME),
            None => write!(f, "{}:?", K::NAME),
        }
    }
}

/// The opaque string (what the `Node` interface's `id` converts through).
impl<K: NodeKind> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl<K: NodeKind> From<Id<K>> for Value {
    fn from(id: Id<K>) -> Self {
        Value::String(id.encode())
    }
}

impl<K: NodeKind> OutputType for Id<K> {
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

impl<K: NodeKind> InputType for Id<K> {
    type RawValueType = Self;

    fn type_name() -> Cow<'static, str> {
        <ID as InputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <ID as InputType>::create_type_info(registry)
    }

    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        let id = <ID as InputType>::parse(value).map_err(|e| e.propagate())?;
        Ok(Self::parse(&id))
    }

    fn to_value(&self) -> Value {
        (*self).into()
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

/// The row ids of `ids`; `NOT_FOUND` if any is not an id of `K`.
pub fn rows<K: NodeKind>(ids: &[Id<K>]) -> Result<Vec<i64>, ApiError> {
    ids.iter().map(Id::row).collect()
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $alias:ident = $kind:ident ($name:literal, $not_found:literal);)*) => {
        /// The marker types of [`Id`], one per kind.
        pub mod kind {
            $(
                #[derive(Debug)]
                pub enum $kind {}
                impl super::NodeKind for $kind {
                    const NAME: &'static str = $name;
                    const NOT_FOUND: &'static str = $not_found;
                }
            )*
        }
        $($(#[$doc])* pub type $alias = Id<kind::$kind>;)*
    };
}

// Every type of the API with an id. The GraphQL type name is part of the id.
kinds! {
    BlockId = Block("Block", "block");
    UnitId = Unit("Unit", "unit");
    ResidentId = Resident("Resident", "resident");
    OccupancyId = Occupancy("Occupancy", "link");
    UserId = User("User", "user");
    TariffId = Tariff("Tariff", "tariff");
    BillId = Bill("Bill", "bill");
    BillItemId = BillItem("BillItem", "bill item");
    PaymentId = Payment("Payment", "payment");
    RefundId = Refund("Refund", "refund");
    JobId = Job("Job", "job");
    PollId = Poll("Poll", "poll");
    PollOptionId = PollOption("PollOption", "poll option");
    AnnouncementId = Announcement("Announcement", "announcement");
    ComplaintId = Complaint("Complaint", "complaint");
    ComplaintCommentId = ComplaintComment("ComplaintComment", "complaint comment");
    ComplaintAttachmentId = ComplaintAttachment("ComplaintAttachment", "complaint attachment");
    FacilityId = Facility("Facility", "facility");
    FacilityClosureId = FacilityClosure("FacilityClosure", "closure");
    BookingId = Booking("Booking", "booking");
    BookingRefundId = BookingRefund("BookingRefund", "booking refund");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_round_trips_and_names_its_type() {
        let id = BillId::new(42);
        assert_eq!(id.encode(), "QmlsbDo0Mg");
        assert_eq!(BillId::parse(&id.encode()).row().unwrap(), 42);
        assert_eq!(decode(&id.encode()), Some(("Bill".into(), 42)));
    }

    #[test]
    fn another_types_id_or_garbage_is_not_found() {
        let unit = UnitId::new(42).encode();
        for raw in [unit.as_str(), "42", "", "QmlsbDo"] {
            assert!(matches!(
                BillId::parse(raw).row(),
                Err(ApiError::NotFound("bill"))
            ));
        }
        // Not canonical: leading zeros or signs would give one row several ids.
        let padded = URL_SAFE_NO_PAD.encode("Bill:042");
        let signed = URL_SAFE_NO_PAD.encode("Bill:+42");
        assert!(BillId::parse(&padded).row().is_err());
        assert!(BillId::parse(&signed).row().is_err());
    }
}
