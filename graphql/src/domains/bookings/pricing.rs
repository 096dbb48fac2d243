//! Pricing strategies: one trait, one implementation per `Pricing`, chosen per facility.
//! Pure and integer rupiah.
//!
//! # Rounding (the same contract as billing's items, through the same functions)
//! - A line's amount is `quantity × rate` rounded half up to the rupiah
//!   ([`mul_div_round`]); HOURLY quantities are minutes, so `minutes × rate / 60`.
//! - PPN is per line ([`ppn_of`]), at the facility's rate.
//! - Subtotal = sum of line amounts, PPN = sum of line PPN, total = subtotal + PPN. The
//!   refundable deposit is not taxed and is not part of the total; what is due is
//!   `total + deposit`.
//!
//! Peak windows: a weekday and a local time range with a rate of its own. HOURLY charges
//! each minute at the rate of the first window (by start) covering it, else the base rate;
//! DAILY and PER_USAGE charge the window's rate when the booking starts inside one.

use chrono::{Datelike, NaiveDateTime, Timelike};
use klustera_entities::tenant::facility::Pricing;

use crate::common::error::{ApiError, ApiResult};
use crate::common::types::{Rupiah, mul_div_round, ppn_of};

/// A weekday (ISO, 1 = Monday) and local time range (minutes after midnight) with its
/// own rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeakWindow {
    pub weekday: u32,
    pub starts_minute: i64,
    pub ends_minute: i64,
    pub rate: i64,
}

impl PeakWindow {
    fn start_minute(&self) -> i64 {
        self.starts_minute
    }

    fn end_minute(&self) -> i64 {
        self.ends_minute
    }
}

/// Minutes after midnight of a local time.
pub fn minute_of_day(t: NaiveDateTime) -> i64 {
    i64::from(t.hour() * 60 + t.minute())
}

/// `HH:MM` of minutes after midnight (24:00 included).
pub fn hhmm(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// What a facility charges with.
#[derive(Debug, Clone)]
pub struct Rates {
    pub pricing: Pricing,
    pub rate: i64,
    pub deposit: i64,
    pub ppn_rate_bp: u32,
    pub peaks: Vec<PeakWindow>,
}

/// A booking to price: local start and end (same day, or ending at the next midnight).
#[derive(Debug, Clone, Copy)]
pub struct Stay {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub party_size: i64,
}

impl Stay {
    /// Minutes from the start day's midnight to the start and to the end.
    fn minutes(&self) -> (i64, i64) {
        let start = minute_of_day(self.start);
        (start, start + (self.end - self.start).num_minutes())
    }

    fn weekday(&self) -> u32 {
        self.start.weekday().number_from_monday()
    }

    /// The first peak window (by start) of the start's weekday covering the start.
    fn peak_at_start<'a>(&self, peaks: &'a [PeakWindow]) -> Option<&'a PeakWindow> {
        let (start, _) = self.minutes();
        windows_of(peaks, self.weekday())
            .into_iter()
            .find(|w| w.start_minute() <= start && start < w.end_minute())
    }
}

fn windows_of(peaks: &[PeakWindow], weekday: u32) -> Vec<&PeakWindow> {
    let mut ws: Vec<_> = peaks.iter().filter(|w| w.weekday == weekday).collect();
    ws.sort_by_key(|w| (w.start_minute(), w.end_minute()));
    ws
}

/// One charge before PPN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub description: String,
    /// Minutes (HOURLY), sessions (DAILY) or people (PER_USAGE).
    pub quantity: i64,
    /// Rupiah per hour, session or person.
    pub unit_price: i64,
    pub amount: i64,
}

/// A quote line: a charge and its PPN.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub description: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub amount: i64,
    pub ppn: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub lines: Vec<Line>,
    pub subtotal: i64,
    pub ppn: i64,
    pub total: i64,
    pub deposit: i64,
}

impl Quote {
    /// What the booker pays: the total and the refundable deposit.
    pub fn amount_due(&self) -> i64 {
        self.total + self.deposit
    }
}

/// A pricing strategy.
pub trait Strategy {
    /// The charges of `stay` at `rates` (before PPN).
    fn charges(&self, rates: &Rates, stay: &Stay) -> ApiResult<Vec<Charge>>;
}

pub struct Free;
pub struct Hourly;
pub struct Daily;
pub struct PerUsage;

fn overflow() -> ApiError {
    ApiError::bad_input("rate", "the amount is out of range")
}

fn amount(quantity: i64, rate: i64, per: i64) -> ApiResult<i64> {
    mul_div_round(i128::from(quantity), i128::from(rate), i128::from(per))
        .and_then(Rupiah::computed)
        .ok_or_else(overflow)
}

impl Strategy for Free {
    fn charges(&self, _rates: &Rates, _stay: &Stay) -> ApiResult<Vec<Charge>> {
        Ok(Vec::new())
    }
}

impl Strategy for Hourly {
    fn charges(&self, rates: &Rates, stay: &Stay) -> ApiResult<Vec<Charge>> {
        let (start, end) = stay.minutes();
        let windows = windows_of(&rates.peaks, stay.weekday());
        // Cut [start, end) at every window boundary; each piece takes its rate.
        let mut cuts = vec![start, end];
        for w in &windows {
            cuts.extend([w.start_minute(), w.end_minute()]);
        }
        cuts.retain(|c| (start..=end).contains(c));
        cuts.sort_unstable();
        cuts.dedup();
        // Minutes per window (None: off-peak), in first-seen order.
        let mut minutes: Vec<(Option<&PeakWindow>, i64)> = Vec::new();
        for piece in cuts.windows(2) {
            let (a, b) = (piece[0], piece[1]);
            let window = windows
                .iter()
                .find(|w| w.start_minute() <= a && b <= w.end_minute())
                .copied();
            match minutes.iter_mut().find(|(w, _)| *w == window) {
                Some((_, m)) => *m += b - a,
                None => minutes.push((window, b - a)),
            }
        }
        minutes
            .into_iter()
            .filter(|(_, m)| *m > 0)
            .map(|(window, m)| {
                let (rate, label) = match window {
                    Some(w) => (
                        w.rate,
                        format!("Peak {}-{}", hhmm(w.starts_minute), hhmm(w.ends_minute)),
                    ),
                    None => (rates.rate, "Hourly".to_owned()),
                };
                Ok(Charge {
                    description: format!("{label}: {m} min"),
                    quantity: m,
                    unit_price: rate,
                    amount: amount(m, rate, 60)?,
                })
            })
            .collect()
    }
}

impl Strategy for Daily {
    fn charges(&self, rates: &Rates, stay: &Stay) -> ApiResult<Vec<Charge>> {
        let (rate, label) = match stay.peak_at_start(&rates.peaks) {
            Some(w) => (w.rate, "Session (peak)"),
            None => (rates.rate, "Session"),
        };
        Ok(vec![Charge {
            description: label.to_owned(),
            quantity: 1,
            unit_price: rate,
            amount: rate,
        }])
    }
}

impl Strategy for PerUsage {
    fn charges(&self, rates: &Rates, stay: &Stay) -> ApiResult<Vec<Charge>> {
        let (rate, label) = match stay.peak_at_start(&rates.peaks) {
            Some(w) => (w.rate, "Entry (peak)"),
            None => (rates.rate, "Entry"),
        };
        Ok(vec![Charge {
            description: format!("{label} × {}", stay.party_size),
            quantity: stay.party_size,
            unit_price: rate,
            amount: amount(stay.party_size, rate, 1)?,
        }])
    }
}

/// The strategy of a facility's pricing.
pub fn strategy(pricing: Pricing) -> &'static dyn Strategy {
    match pricing {
        Pricing::Free => &Free,
        Pricing::Hourly => &Hourly,
        Pricing::Daily => &Daily,
        Pricing::PerUsage => &PerUsage,
    }
}

/// The full quote of `stay`: lines with PPN, totals, deposit.
pub fn quote(rates: &Rates, stay: &Stay) -> ApiResult<Quote> {
    let charges = strategy(rates.pricing).charges(rates, stay)?;
    let mut lines = Vec::with_capacity(charges.len());
    let (mut subtotal, mut ppn) = (0i64, 0i64);
    for c in charges {
        let line_ppn = ppn_of(c.amount, rates.ppn_rate_bp).ok_or_else(overflow)?;
        subtotal = subtotal.checked_add(c.amount).ok_or_else(overflow)?;
        ppn = ppn.checked_add(line_ppn).ok_or_else(overflow)?;
        lines.push(Line {
            description: c.description,
            quantity: c.quantity,
            unit_price: c.unit_price,
            amount: c.amount,
            ppn: line_ppn,
        });
    }
    let deposit = rates.deposit;
    Ok(Quote {
        lines,
        subtotal,
        ppn,
        total: subtotal
            .checked_add(ppn)
            .and_then(|total| Rupiah::computed(total.into()))
            .ok_or_else(overflow)?,
        deposit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn at(day: u32, minute: i64) -> NaiveDateTime {
        // 2026-03-02 is a Monday.
        NaiveDate::from_ymd_opt(2026, 3, day)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(minute)
    }

    fn rates(pricing: Pricing, rate: i64, bp: u32, peaks: Vec<PeakWindow>) -> Rates {
        Rates {
            pricing,
            rate,
            deposit: 0,
            ppn_rate_bp: bp,
            peaks,
        }
    }

    fn exact_half_up(q: i64, rate: i64, per: i64) -> i64 {
        // Reference: floor((q × rate) / per + 1/2) in exact rationals.
        let n = i128::from(q) * i128::from(rate);
        ((2 * n + i128::from(per)) / (2 * i128::from(per))) as i64
    }

    #[test]
    fn ninety_minutes_at_100_000_an_hour_with_11_percent_ppn() {
        let r = rates(Pricing::Hourly, 100_000, 1100, vec![]);
        let q = quote(
            &r,
            &Stay {
                start: at(2, 600),
                end: at(2, 690),
                party_size: 2,
            },
        )
        .unwrap();
        assert_eq!((q.subtotal, q.ppn, q.total), (150_000, 16_500, 166_500));
    }

    #[test]
    fn an_hourly_booking_across_a_peak_boundary_pays_each_side_its_rate() {
        // Monday 17:00-18:00 peak at 200 000; booking 16:30-18:30.
        let peak = PeakWindow {
            weekday: 1,
            starts_minute: 17 * 60,
            ends_minute: 18 * 60,
            rate: 200_000,
        };
        let r = rates(Pricing::Hourly, 100_000, 0, vec![peak]);
        let q = quote(
            &r,
            &Stay {
                start: at(2, 990),
                end: at(2, 1110),
                party_size: 1,
            },
        )
        .unwrap();
        let amounts: Vec<_> = q.lines.iter().map(|l| (l.quantity, l.amount)).collect();
        assert_eq!(amounts, vec![(60, 100_000), (60, 200_000)]);
        // A Tuesday has no peak.
        let q = quote(
            &r,
            &Stay {
                start: at(3, 990),
                end: at(3, 1110),
                party_size: 1,
            },
        )
        .unwrap();
        assert_eq!(q.subtotal, 200_000);
    }

    proptest! {
        #[test]
        fn every_strategy_totals_the_sum_of_its_lines(
            pricing in prop_oneof![Just(Pricing::Free), Just(Pricing::Hourly), Just(Pricing::Daily), Just(Pricing::PerUsage)],
            rate in 0i64..10_000_000,
            bp in 0u32..=10_000,
            day in 2u32..9,
            slot in prop_oneof![Just(15i64), Just(30), Just(60)],
            start_slot in 0i64..40,
            slots in 1i64..16,
            party in 1i64..50,
            peak in proptest::option::of((0i64..1440, 1i64..600, 0i64..10_000_000, 1u32..=7)),
            deposit in 0i64..1_000_000,
        ) {
            let start = (start_slot * slot).min(1440 - slot);
            let end = (start + slots * slot).min(1440);
            let peaks = peak.map(|(s, len, r, wd)| PeakWindow {
                weekday: wd, starts_minute: s, ends_minute: (s + len).min(1440), rate: r,
            }).into_iter().collect();
            let mut r = rates(pricing, rate, bp, peaks);
            r.deposit = deposit;
            let q = quote(&r, &Stay { start: at(day, start), end: at(day, end), party_size: party }).unwrap();
            prop_assert_eq!(q.subtotal, q.lines.iter().map(|l| l.amount).sum::<i64>());
            prop_assert_eq!(q.ppn, q.lines.iter().map(|l| l.ppn).sum::<i64>());
            prop_assert_eq!(q.total, q.subtotal + q.ppn);
            prop_assert_eq!(q.amount_due(), q.total + deposit);
            for l in &q.lines {
                // PPN per line, half up: billing's rule.
                prop_assert_eq!(l.ppn, exact_half_up(l.amount, i64::from(bp), 10_000));
            }
            match pricing {
                Pricing::Free => prop_assert!(q.lines.is_empty()),
                Pricing::Hourly => {
                    // Every minute is charged once, pro rata, each piece rounded half up.
                    prop_assert_eq!(q.lines.iter().map(|l| l.quantity).sum::<i64>(), end - start);
                    for l in &q.lines {
                        prop_assert_eq!(l.amount, exact_half_up(l.quantity, l.unit_price, 60));
                    }
                }
                Pricing::Daily => prop_assert_eq!(q.lines.len(), 1),
                Pricing::PerUsage => {
                    prop_assert_eq!(q.lines[0].quantity, party);
                    prop_assert_eq!(q.lines[0].amount, party * q.lines[0].unit_price);
                }
            }
        }

        #[test]
        fn hourly_peak_minutes_are_exactly_the_overlap_with_the_window(
            ps in 0i64..1380, plen in 1i64..600, start in 0i64..1380, len in 1i64..600,
        ) {
            let pe = (ps + plen).min(1440);
            let end = (start + len).min(1440);
            let peak = PeakWindow { weekday: 1, starts_minute: ps, ends_minute: pe, rate: 600 };
            let r = rates(Pricing::Hourly, 60, 0, vec![peak]);
            let q = quote(&r, &Stay { start: at(2, start), end: at(2, end), party_size: 1 }).unwrap();
            let overlap = (end.min(pe) - start.max(ps)).max(0);
            let peak_minutes: i64 = q.lines.iter().filter(|l| l.unit_price == 600).map(|l| l.quantity).sum();
            prop_assert_eq!(peak_minutes, overlap);
            // 60/h is 1 per minute, 600/h 10 per minute: exact.
            prop_assert_eq!(q.subtotal, (end - start - overlap) + 10 * overlap);
        }
    }
}
