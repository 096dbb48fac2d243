//! The closed sets of states stored in TEXT columns, one enum each.
//!
//! Each column carries a CHECK constraint listing exactly these values. The enum is the
//! entity field's type ([`sea_orm::DeriveActiveEnum`] with string values), the GraphQL enum
//! clients see (`async_graphql::Enum`: the variant names in SCREAMING_SNAKE_CASE are the
//! stored strings, and serde's names too: events and tokens carry them), and decodes straight from a raw row (`sqlx::Decode`), so a state is
//! spelled in one place. A value the enum does not know is an error wherever it is read,
//! never silently another state.
//!
//! These are the one exception to "entities are not API types": a state's stored name and
//! its API name are the same word on purpose, and a second copy of each list in the API
//! crate would be the drift this module exists to prevent.

use sea_orm::entity::prelude::*;
use sea_orm::sqlx::postgres::{PgTypeInfo, PgValueRef, Postgres};
use sea_orm::sqlx::{Decode, Type, error::BoxDynError};

/// One state enum: `DeriveActiveEnum` (TEXT), `async_graphql::Enum`, and a sqlx decoder
/// for rows read by position. `Variant = "STORED"` pairs; the GraphQL name of a variant is
/// its SCREAMING_SNAKE_CASE name, which must be the stored string (checked by a test).
macro_rules! states {
    ($(
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $value:tt),+ $(,)?
        }
    )*) => { $(
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum,
            async_graphql::Enum, serde::Serialize, serde::Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "Text")]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(string_value = $value)] $variant,)+
        }

        impl $name {
            /// The stored (and GraphQL) name.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value,)+ }
            }

            /// The state named `raw`, if it is one.
            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $($value => Some(Self::$variant),)+ _ => None }
            }
        }

        impl Type<Postgres> for $name {
            fn type_info() -> PgTypeInfo {
                <&str as Type<Postgres>>::type_info()
            }
            fn compatible(ty: &PgTypeInfo) -> bool {
                <&str as Type<Postgres>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, Postgres> for $name {
            fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                let raw = <&str as Decode<Postgres>>::decode(value)?;
                Self::parse(raw).ok_or_else(|| {
                    format!("{raw:?} is not a {}", stringify!($name)).into()
                })
            }
        }
    )* };
}

states! {
    /// What a unit is.
    #[derive(Default)]
    pub enum UnitType {
        #[default]
        House = "HOUSE",
        Apartment = "APARTMENT",
        Shophouse = "SHOPHOUSE",
        Land = "LAND",
    }

    /// How a resident is linked to a unit.
    #[graphql(name = "Relation")]
    pub enum Relation {
        Owner = "OWNER",
        Tenant = "TENANT",
        Family = "FAMILY",
    }

    /// What a user may do (`SUPER_ADMIN` lives in the control plane, never in a tenant's
    /// `users`). Tokens carry it by its stored name.
    pub enum Role {
        SuperAdmin = "SUPER_ADMIN",
        Manager = "MANAGER",
        Resident = "RESIDENT",
        Security = "SECURITY",
    }

    /// Where a bill is in its life.
    pub enum BillStatus {
        Unpaid = "UNPAID",
        PartiallyPaid = "PARTIALLY_PAID",
        Paid = "PAID",
        Overdue = "OVERDUE",
        Void = "VOID",
    }

    /// How a tariff charges: a fixed amount, per m², per metered unit, or per one-off charge.
    pub enum TariffKind {
        Fixed = "FIXED",
        PerArea = "PER_AREA",
        Metered = "METERED",
        OneOff = "ONE_OFF",
    }

    /// How a tariff charges for paying late.
    pub enum LateFeeKind {
        None = "NONE",
        /// A fixed amount.
        Flat = "FLAT",
        /// Basis points of the bill total.
        Percent = "PERCENT",
    }

    /// What a bill line charges for: a tariff of that kind, or the late fee.
    pub enum BillItemKind {
        Fixed = "FIXED",
        PerArea = "PER_AREA",
        Metered = "METERED",
        OneOff = "ONE_OFF",
        LateFee = "LATE_FEE",
    }

    /// How a payment was made.
    pub enum PaymentMethod {
        Cash = "CASH",
        Transfer = "TRANSFER",
        Midtrans = "MIDTRANS",
    }

    /// Where a Midtrans payment order is.
    pub enum OrderStatus {
        Created = "CREATED",
        Pending = "PENDING",
        Paid = "PAID",
        Failed = "FAILED",
        Refunded = "REFUNDED",
    }

    /// How a facility's bookings are paid: through a Midtrans Snap checkout of their own,
    /// or as one-off items on the unit's next monthly bill.
    pub enum FacilityPayment {
        Midtrans = "MIDTRANS",
        NextBill = "NEXT_BILL",
    }

    /// What a billing notification says.
    pub enum NotificationKind {
        Reminder = "REMINDER",
        Receipt = "RECEIPT",
    }

    /// Where a billing notification is.
    pub enum NotificationStatus {
        Pending = "PENDING",
        Sent = "SENT",
        Failed = "FAILED",
    }

    /// Who holds a poll's one vote.
    pub enum Eligibility {
        /// One vote per unit (cast by any resident of it).
        Unit = "UNIT",
        /// One vote per resident.
        Resident = "RESIDENT",
    }

    /// Who may see how each voter voted.
    pub enum Ballot {
        /// Nobody sees who voted for what.
        Secret = "SECRET",
        /// Staff see who voted for what.
        Open = "OPEN",
    }

    /// Who an announcement addresses.
    #[graphql(name = "AnnouncementAudience")]
    pub enum Audience {
        /// Every resident.
        All = "ALL",
        /// Residents of units in the named blocks.
        Blocks = "BLOCKS",
        /// Residents of the named units.
        Units = "UNITS",
        /// The named residents.
        Residents = "RESIDENTS",
    }

    /// Where a complaint is in its life.
    pub enum ComplaintStatus {
        Open = "OPEN",
        InProgress = "IN_PROGRESS",
        Resolved = "RESOLVED",
        Closed = "CLOSED",
        Reopened = "REOPENED",
    }

    /// How urgent a complaint is; decides its SLA hours.
    pub enum ComplaintPriority {
        Low = "LOW",
        Medium = "MEDIUM",
        High = "HIGH",
        Urgent = "URGENT",
    }

    /// Whether a tenant is served.
    pub enum TenantStatus {
        Active = "ACTIVE",
        Suspended = "SUSPENDED",
    }

    /// Where a background job is.
    pub enum JobStatus {
        Queued = "QUEUED",
        Running = "RUNNING",
        Done = "DONE",
        Dead = "DEAD",
    }
}

impl From<TariffKind> for BillItemKind {
    /// The kind of the line a tariff bills.
    fn from(kind: TariffKind) -> Self {
        match kind {
            TariffKind::Fixed => Self::Fixed,
            TariffKind::PerArea => Self::PerArea,
            TariffKind::Metered => Self::Metered,
            TariffKind::OneOff => Self::OneOff,
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::resolver_utils::EnumType;
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;

    /// The GraphQL name of every state is its stored name, and both directions agree.
    fn agrees<E>()
    where
        E: ActiveEnum<Value = String> + EnumType + Iterable + Copy + PartialEq + std::fmt::Debug,
    {
        for state in E::iter() {
            let stored = state.to_value();
            assert_eq!(E::try_from_value(&stored).ok(), Some(state));
            let gql = E::items()
                .iter()
                .find(|item| item.value == state)
                .map(|item| item.name);
            assert_eq!(gql, Some(stored.as_str()), "{state:?}");
        }
        assert!(E::try_from_value(&"NO_SUCH_STATE".to_owned()).is_err());
    }

    #[test]
    fn stored_and_graphql_names_agree() {
        agrees::<UnitType>();
        agrees::<Relation>();
        agrees::<Role>();
        agrees::<BillStatus>();
        agrees::<TariffKind>();
        agrees::<LateFeeKind>();
        agrees::<BillItemKind>();
        agrees::<PaymentMethod>();
        agrees::<OrderStatus>();
        agrees::<FacilityPayment>();
        agrees::<NotificationKind>();
        agrees::<NotificationStatus>();
        agrees::<Eligibility>();
        agrees::<Ballot>();
        agrees::<Audience>();
        agrees::<ComplaintStatus>();
        agrees::<ComplaintPriority>();
        agrees::<TenantStatus>();
        agrees::<JobStatus>();
    }
}
