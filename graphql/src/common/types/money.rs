use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

use crate::common::error::ApiError;

/// Indonesian rupiah, whole units, as a 64-bit integer. Never a float.
///
/// GraphQL scalar `Rupiah`: a JSON integer (amounts stay far below 2^53).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rupiah(pub i64);

impl Rupiah {
    /// A positive amount from user input.
    pub fn positive(field: &'static str, value: i64) -> Result<Self, ApiError> {
        if value <= 0 {
            return Err(ApiError::bad_input(
                field,
                "must be a positive number of rupiah",
            ));
        }
        Ok(Self(value))
    }
}

#[Scalar(name = "Rupiah")]
impl ScalarType for Rupiah {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::Number(n) => n
                .as_i64()
                .map(Rupiah)
                .ok_or_else(|| InputValueError::custom("whole rupiah only")),
            Value::String(s) => s
                .parse()
                .map(Rupiah)
                .map_err(|_| InputValueError::custom("whole rupiah only")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.into())
    }
}

/// `a × b / d`, rounded half up, for non-negative inputs; exact in `i128`. The one
/// rounding rule of money in the product (bill items, PPN, booking quotes).
pub fn mul_div_round(a: i128, b: i128, d: i128) -> i128 {
    (a * b + d / 2) / d
}

/// PPN of `amount` at `ppn_rate_bp` basis points (1100 = 11%), rounded half up: what a
/// bill item and a booking quote line both charge. `None` beyond 64 bits.
pub fn ppn_of(amount: i64, ppn_rate_bp: u32) -> Option<i64> {
    i64::try_from(mul_div_round(
        i128::from(amount),
        i128::from(ppn_rate_bp),
        10_000,
    ))
    .ok()
}

/// A billing period, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ApiError> {
        let bad = || ApiError::bad_input(field, "a period is YYYY-MM");
        let (y, m) = raw.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(2000..=2999).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Self { year, month })
    }

    /// The `day`th of the period's month (days above 28 are not accepted by settings).
    pub fn day(&self, day: u32) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month, day)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_strictly() {
        assert_eq!(
            Period::parse("p", "2026-01").unwrap().to_string(),
            "2026-01"
        );
        for bad in ["2026-13", "2026-1", "26-01", "2026/01", "", "2026-00"] {
            assert!(Period::parse("p", bad).is_err(), "{bad}");
        }
    }
}
