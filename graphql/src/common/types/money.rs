use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

use crate::common::error::ApiError;

/// Indonesian rupiah, whole units, as a 64-bit integer. Never a float.
///
/// GraphQL scalar `Rupiah`: a JSON integer. As input it is bounded to
/// `0..=`[`Rupiah::MAX_INPUT`] (Rp 1,000,000,000,000): fractions, non-finite numbers,
/// negatives and anything larger are `BAD_USER_INPUT` before a resolver runs. Every
/// computed amount (bill and booking totals) is checked against [`Rupiah::MAX_TOTAL`], the
/// largest integer a JavaScript client reads exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rupiah(pub i64);

impl Rupiah {
    /// The largest rupiah amount any input may carry.
    pub const MAX_INPUT: i64 = 1_000_000_000_000;
    /// The largest computed amount: `Number.MAX_SAFE_INTEGER`, 2^53 - 1.
    pub const MAX_TOTAL: i64 = (1 << 53) - 1;

    /// A positive amount from user input.
    pub fn positive(field: &'static str, value: i64) -> Result<Self, ApiError> {
        if value <= 0 {
            return Err(ApiError::bad_input(
                field,
                "must be a positive number of rupiah",
            ));
        }
        Self::input(field, value)
    }

    /// An amount from user input (zero included): `0..=MAX_INPUT`.
    pub fn input(field: &'static str, value: i64) -> Result<Self, ApiError> {
        Self::bounded(value).map_err(|message| ApiError::bad_input(field, message))
    }

    fn bounded(value: i64) -> Result<Self, &'static str> {
        if value < 0 {
            return Err("must not be negative");
        }
        if value > Self::MAX_INPUT {
            return Err("at most Rp 1,000,000,000,000");
        }
        Ok(Self(value))
    }

    /// A computed amount, if a client can read it exactly.
    pub fn computed(value: i128) -> Option<i64> {
        i64::try_from(value)
            .ok()
            .filter(|v| (0..=Self::MAX_TOTAL).contains(v))
    }
}

#[Scalar(name = "Rupiah")]
impl ScalarType for Rupiah {
    fn parse(value: Value) -> InputValueResult<Self> {
        let whole = match &value {
            Value::Number(n) => match n.as_i64() {
                Some(v) => Some(v),
                // 1000.0 is whole; 1000.5, 1e300 and anything non-finite are not.
                None => n
                    .as_f64()
                    .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15)
                    .map(|f| {
                        #[allow(clippy::cast_possible_truncation)] // whole and below 1e15
                        let v = f as i64;
                        v
                    }),
            },
            Value::String(s) => s.trim().parse().ok(),
            _ => return Err(InputValueError::expected_type(value)),
        };
        let whole = whole.ok_or_else(|| InputValueError::custom("whole rupiah only"))?;
        Self::bounded(whole).map_err(InputValueError::custom)
    }

    /// Literals are checked when the document is validated, before anything runs.
    fn is_valid(value: &Value) -> bool {
        Self::parse(value.clone()).is_ok()
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.into())
    }
}

/// `a × b / d`, rounded half up, for non-negative inputs; exact in `i128`, `None` when it
/// does not fit. The one rounding rule of money in the product (bill items, PPN, booking
/// quotes).
pub fn mul_div_round(a: i128, b: i128, d: i128) -> Option<i128> {
    a.checked_mul(b)?.checked_add(d / 2)?.checked_div(d)
}

/// PPN of `amount` at `ppn_rate_bp` basis points (1100 = 11%), rounded half up: what a
/// bill item and a booking quote line both charge. `None` beyond 64 bits.
pub fn ppn_of(amount: i64, ppn_rate_bp: u32) -> Option<i64> {
    i64::try_from(mul_div_round(
        i128::from(amount),
        i128::from(ppn_rate_bp),
        10_000,
    )?)
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

    fn parsed(value: serde_json::Value) -> Result<i64, String> {
        Rupiah::parse(Value::from_json(value).unwrap())
            .map(|r| r.0)
            .map_err(|e| e.into_server_error(Default::default()).message)
    }

    #[test]
    fn rupiah_input_is_whole_and_bounded() {
        use serde_json::json;
        assert_eq!(parsed(json!(150_000)), Ok(150_000));
        assert_eq!(parsed(json!(150_000.0)), Ok(150_000));
        assert_eq!(parsed(json!("150000")), Ok(150_000));
        assert_eq!(parsed(json!(0)), Ok(0));
        assert_eq!(parsed(json!(Rupiah::MAX_INPUT)), Ok(Rupiah::MAX_INPUT));
        for bad in [
            json!(Rupiah::MAX_INPUT + 1),
            json!(9_007_199_254_740_993_i64),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(-1),
            json!(0.5),
            json!(1e300),
            json!("NaN"),
            json!("Infinity"),
            json!("1.5"),
        ] {
            assert!(parsed(bad.clone()).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn products_that_do_not_fit_are_none() {
        assert_eq!(mul_div_round(3, 5, 2), Some(8));
        assert_eq!(mul_div_round(i128::MAX, 2, 1), None);
        assert_eq!(ppn_of(i64::MAX, 10_000), Some(i64::MAX));
        assert_eq!(Rupiah::computed(i128::from(Rupiah::MAX_TOTAL) + 1), None);
    }

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
