//! The bill-item factory: tariffs + a unit's facts -> bill items. Pure, integer rupiah.
//!
//! # Rounding (documented contract)
//! - An item's amount is `quantity × rate` rounded half up to the rupiah. Quantities
//!   (m², meter usage) carry two decimals; the product is computed exactly in `i128`.
//! - PPN is computed per item: `amount × ppn_rate_bp / 10000`, rounded half up.
//! - A bill's subtotal is the sum of item amounts, its PPN the sum of item PPN, its total
//!   their sum. So a bill always equals the sum of its items, to the rupiah.

use std::collections::HashMap;

use rust_decimal::Decimal;

pub use klustera_entities::states::TariffKind;
use klustera_entities::states::UnitType;

use crate::common::types::mul_div_round;

#[derive(Debug, Clone)]
pub struct Tariff {
    pub id: i64,
    pub name: String,
    pub kind: TariffKind,
    /// Rupiah per unit, per m², per meter unit or per charge.
    pub rate: i64,
    /// PPN in basis points (1100 = 11%).
    pub ppn_rate_bp: u32,
    /// Applies only to units of this type; `None`: every unit.
    pub unit_type: Option<UnitType>,
}

/// What the factory needs to know about one unit for one period.
#[derive(Debug, Clone, Default)]
pub struct UnitFacts {
    pub unit_type: UnitType,
    pub area_m2: Decimal,
    /// Meter usage per METERED tariff id.
    pub usage: HashMap<i64, Decimal>,
    /// Quantities per ONE_OFF tariff id (several charges may add up).
    pub one_offs: HashMap<i64, i64>,
    /// Ready-made items of other domains (a booking charged to the bill), billed as they
    /// are, after the tariffs' items.
    pub charges: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `None`: a ready-made charge of another domain (a booking).
    pub tariff_id: Option<i64>,
    pub kind: TariffKind,
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: i64,
    pub amount: i64,
    pub ppn_rate_bp: u32,
    pub ppn: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub subtotal: i64,
    pub ppn: i64,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactoryError {
    #[error("amount out of range for tariff {0}")]
    Overflow(i64),
}

/// Quantity as hundredths (two decimals), rounding anything finer half up.
fn hundredths(q: Decimal) -> i128 {
    let scaled = (q * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    scaled.mantissa() / 10i128.pow(scaled.scale())
}

fn item(t: &Tariff, quantity: Decimal, description: String) -> Result<Item, FactoryError> {
    let amount = mul_div_round(hundredths(quantity), i128::from(t.rate), 100);
    let ppn = mul_div_round(amount, i128::from(t.ppn_rate_bp), 10_000);
    let to_i64 = |v: i128| i64::try_from(v).map_err(|_| FactoryError::Overflow(t.id));
    Ok(Item {
        tariff_id: Some(t.id),
        kind: t.kind,
        description,
        quantity: two_places(quantity),
        unit_price: t.rate,
        amount: to_i64(amount)?,
        ppn_rate_bp: t.ppn_rate_bp,
        ppn: to_i64(ppn)?,
    })
}

/// The items of one unit's bill. Tariffs that do not apply yield nothing.
pub fn items_for(unit: &UnitFacts, tariffs: &[Tariff]) -> Result<Vec<Item>, FactoryError> {
    let mut items = Vec::new();
    for t in tariffs {
        if t.unit_type.is_some_and(|ty| ty != unit.unit_type) {
            continue;
        }
        match t.kind {
            TariffKind::Fixed => items.push(item(t, Decimal::ONE, t.name.clone())?),
            TariffKind::PerArea => {
                items.push(item(
                    t,
                    unit.area_m2,
                    format!("{} ({} m²)", t.name, two_places(unit.area_m2)),
                )?);
            }
            TariffKind::Metered => {
                if let Some(usage) = unit.usage.get(&t.id) {
                    items.push(item(
                        t,
                        *usage,
                        format!("{} ({} pemakaian)", t.name, two_places(*usage)),
                    )?);
                }
            }
            TariffKind::OneOff => {
                if let Some(qty) = unit.one_offs.get(&t.id) {
                    items.push(item(t, Decimal::from(*qty), t.name.clone())?);
                }
            }
        }
    }
    items.extend(unit.charges.iter().cloned());
    Ok(items)
}

pub fn totals(items: &[Item]) -> Result<Totals, FactoryError> {
    let mut t = Totals::default();
    for i in items {
        let overflow = || FactoryError::Overflow(i.tariff_id.unwrap_or_default());
        t.subtotal = t.subtotal.checked_add(i.amount).ok_or_else(overflow)?;
        t.ppn = t.ppn.checked_add(i.ppn).ok_or_else(overflow)?;
    }
    t.total = t
        .subtotal
        .checked_add(t.ppn)
        .ok_or(FactoryError::Overflow(0))?;
    Ok(t)
}

/// A quantity to two decimals, half up: what an item shows and what it bills.
fn two_places(q: Decimal) -> Decimal {
    q.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tariff(id: i64, kind: TariffKind, rate: i64, bp: u32) -> Tariff {
        Tariff {
            id,
            name: format!("T{id}"),
            kind,
            rate,
            ppn_rate_bp: bp,
            unit_type: None,
        }
    }

    #[test]
    fn rounds_half_up_per_item() {
        let unit = UnitFacts {
            unit_type: UnitType::House,
            area_m2: Decimal::new(3650, 2),
            ..Default::default()
        };
        // 36.50 m² × Rp 1.001 = 36 536.5 -> 36 537; PPN 11% = 4 019.07 -> 4 019
        let items = items_for(&unit, &[tariff(1, TariffKind::PerArea, 1001, 1100)]).unwrap();
        assert_eq!((items[0].amount, items[0].ppn), (36_537, 4_019));
        assert_eq!(
            totals(&items).unwrap(),
            Totals {
                subtotal: 36_537,
                ppn: 4_019,
                total: 40_556
            }
        );
    }

    #[test]
    fn tariffs_for_other_unit_types_and_missing_readings_yield_nothing() {
        let unit = UnitFacts {
            unit_type: UnitType::House,
            area_m2: Decimal::ONE,
            ..Default::default()
        };
        let mut shop = tariff(1, TariffKind::Fixed, 50_000, 0);
        shop.unit_type = Some(UnitType::Shophouse);
        let items = items_for(
            &unit,
            &[
                shop,
                tariff(2, TariffKind::Metered, 5_000, 0),
                tariff(3, TariffKind::OneOff, 1, 0),
            ],
        );
        assert!(items.unwrap().is_empty());
    }

    #[test]
    fn each_kind_bills_its_own_quantity_and_description() {
        let mut unit = UnitFacts {
            unit_type: UnitType::House,
            area_m2: Decimal::new(3650, 2),
            ..Default::default()
        };
        unit.usage.insert(3, Decimal::new(12_345, 3)); // 12.345 m³ -> 12.35 (half up)
        unit.one_offs.insert(4, 3);
        let mut house_only = tariff(5, TariffKind::Fixed, 7_000, 0);
        house_only.unit_type = Some(UnitType::House);
        let items = items_for(
            &unit,
            &[
                tariff(1, TariffKind::Fixed, 150_000, 0),
                tariff(2, TariffKind::PerArea, 2_000, 1100),
                tariff(3, TariffKind::Metered, 4_500, 0),
                tariff(4, TariffKind::OneOff, 25_000, 0),
                house_only,
            ],
        )
        .unwrap();
        let got: Vec<(i64, &str, Decimal, i64, i64)> = items
            .iter()
            .map(|i| {
                (
                    i.tariff_id.unwrap_or_default(),
                    i.description.as_str(),
                    i.quantity,
                    i.amount,
                    i.ppn,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "T1", Decimal::ONE, 150_000, 0),
                // 36.50 × 2 000 = 73 000; PPN 11% = 8 030
                (2, "T2 (36.50 m²)", Decimal::new(3650, 2), 73_000, 8_030),
                // 12.35 × 4 500 = 55 575
                (3, "T3 (12.35 pemakaian)", Decimal::new(1235, 2), 55_575, 0),
                (4, "T4", Decimal::from(3), 75_000, 0),
                (5, "T5", Decimal::ONE, 7_000, 0),
            ]
        );
        assert_eq!(
            totals(&items).unwrap(),
            Totals {
                subtotal: 360_575,
                ppn: 8_030,
                total: 368_605
            }
        );
    }

    #[test]
    fn amounts_beyond_64_bits_are_an_error_not_a_wrap() {
        let unit = UnitFacts {
            unit_type: UnitType::House,
            area_m2: Decimal::new(200, 2),
            ..Default::default()
        };
        let huge = tariff(9, TariffKind::PerArea, i64::MAX, 0);
        assert_eq!(items_for(&unit, &[huge]), Err(FactoryError::Overflow(9)));
        let big = items_for(&unit, &[tariff(8, TariffKind::Fixed, i64::MAX - 1, 0)]).unwrap();
        let twice = [big[0].clone(), big[0].clone()];
        assert_eq!(totals(&twice), Err(FactoryError::Overflow(8)));
    }

    const KINDS: [TariffKind; 4] = [
        TariffKind::Fixed,
        TariffKind::PerArea,
        TariffKind::Metered,
        TariffKind::OneOff,
    ];

    fn arb_tariff() -> impl Strategy<Value = Tariff> {
        (
            1i64..50,
            0usize..4,
            0i64..5_000_000,
            prop_oneof![Just(0u32), Just(1100u32), 0u32..=10_000],
        )
            .prop_map(|(id, k, rate, bp)| tariff(id, KINDS[k], rate, bp))
    }

    proptest! {
        #[test]
        fn bill_totals_equal_the_sum_of_items(
            tariffs in proptest::collection::vec(arb_tariff(), 0..12),
            area_cents in 1i64..10_000_000,
            usage_cents in proptest::collection::hash_map(1i64..50, 0i64..100_000_000, 0..10),
            one_offs in proptest::collection::hash_map(1i64..50, 1i64..20, 0..5),
        ) {
            let unit = UnitFacts {
                unit_type: UnitType::House,
                area_m2: Decimal::new(area_cents, 2),
                usage: usage_cents.into_iter().map(|(k, v)| (k, Decimal::new(v, 2))).collect(),
                one_offs,
                charges: Vec::new(),
            };
            let items = items_for(&unit, &tariffs).unwrap();
            let t = totals(&items).unwrap();
            prop_assert_eq!(t.subtotal, items.iter().map(|i| i.amount).sum::<i64>());
            prop_assert_eq!(t.ppn, items.iter().map(|i| i.ppn).sum::<i64>());
            prop_assert_eq!(t.total, t.subtotal + t.ppn);
            for i in &items {
                // Exact: |amount - quantity × rate| ≤ ½ rupiah, and PPN likewise.
                let exact = i.quantity * Decimal::from(i.unit_price);
                prop_assert!((Decimal::from(i.amount) - exact).abs() <= Decimal::new(5, 1));
                let exact_ppn = Decimal::from(i.amount) * Decimal::from(i.ppn_rate_bp) / Decimal::from(10_000);
                prop_assert!((Decimal::from(i.ppn) - exact_ppn).abs() <= Decimal::new(5, 1));
            }
        }
    }
}
