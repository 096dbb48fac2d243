//! NIK (Nomor Induk Kependudukan), Indonesia's 16-digit population identity number.

use std::fmt;

use crate::common::error::ApiError;

/// A NIK with a plausible structure: `PP KK CC DDMMYY SSSS`.
///
/// - `PP`: province code, 11 (Aceh) to 94 (Papua);
/// - `KK`, `CC`: regency/city and district codes, never `00`;
/// - `DDMMYY`: date of birth, women's day plus 40 (41..71); the day must exist in its
///   month (29 February is accepted: the century is not in the number);
/// - `SSSS`: serial, from `0001`.
///
/// Spaces, dots and dashes between digits are ignored, as people write them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nik(String);

impl Nik {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ApiError> {
        let digits: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad_input(field, "a NIK has exactly 16 digits"));
        }
        let b = digits.as_bytes();
        let two = |at: usize| u32::from(b[at] - b'0') * 10 + u32::from(b[at + 1] - b'0');
        if digits.bytes().all(|b| b == b'0') {
            return Err(ApiError::bad_input(field, "a NIK cannot be all zeros"));
        }
        if !(11..=94).contains(&two(0)) {
            return Err(ApiError::bad_input(
                field,
                "a NIK starts with a province code from 11 to 94",
            ));
        }
        if two(2) == 0 || two(4) == 0 {
            return Err(ApiError::bad_input(
                field,
                "a NIK's regency and district codes are never 00",
            ));
        }
        let (day, month) = (two(6), two(8));
        let day = if day > 40 { day - 40 } else { day };
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 => 29,
            _ => {
                return Err(ApiError::bad_input(
                    field,
                    "a NIK's birth month (digits 9-10) is 01 to 12",
                ));
            }
        };
        if !(1..=days_in_month).contains(&day) {
            return Err(ApiError::bad_input(
                field,
                "a NIK's birth day (digits 7-8) is a day of its month, plus 40 for women",
            ));
        }
        if &digits[12..] == "0000" {
            return Err(ApiError::bad_input(
                field,
                "a NIK's serial (last 4 digits) starts at 0001",
            ));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_men_and_women_as_written() {
        // Jakarta Selatan, born 17-08-1990 (a man; a woman is day 57), serial 0001.
        for raw in [
            "3174011708900001",
            "3174015708900001",
            "3174 0157 0890 0001",
            "31.74.01-570890-0001",
        ] {
            let nik = Nik::parse("identityNumber", raw).unwrap();
            assert_eq!(&nik.as_str()[..6], "317401");
        }
        // 29 February and the extreme province codes.
        Nik::parse("n", "1101012902000001").unwrap();
        Nik::parse("n", "9401016912990001").unwrap();
    }

    #[test]
    fn rejects_implausible_numbers_naming_the_field() {
        for raw in [
            "0000000000000000",
            "123",
            "31740117089000012",
            "317401170890000a",
            "1074011708900001", // province 10
            "9574011708900001", // province 95
            "3100011708900001", // regency 00
            "3174001708900001", // district 00
            "3174010008900001", // day 00
            "3174013208900001", // day 32
            "3174014008900001", // day 40 (neither a man's nor a woman's)
            "3174017208900001", // day 72 (32 + 40)
            "3174013104900001", // 31 April
            "3174013002900001", // 30 February
            "3174011700900001", // month 00
            "3174011713900001", // month 13
            "3174011708900000", // serial 0000
            "",
        ] {
            let err = Nik::parse("identityNumber", raw).unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{raw}");
            assert!(
                matches!(&err, ApiError::BadUserInput { field, .. } if *field == "identityNumber"),
                "{raw}: {err:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn every_plausible_structure_parses(
            province in 11u32..=94, regency in 1u32..=99, district in 1u32..=99,
            day in 1u32..=28, woman: bool, month in 1u32..=12, year in 0u32..=99, serial in 1u32..=9999,
        ) {
            let raw = format!(
                "{province:02}{regency:02}{district:02}{:02}{month:02}{year:02}{serial:04}",
                if woman { day + 40 } else { day }
            );
            let nik = Nik::parse("n", &raw).unwrap();
            prop_assert_eq!(nik.as_str(), raw.as_str());
        }
    }
}
