//! Indonesian phone numbers, normalised to E.164.

use std::fmt;

use crate::common::error::ApiError;

/// An Indonesian phone number in E.164 form (`+62...`).
///
/// Accepts `08..`, `628..`, `+628..`, with spaces, dots and dashes between digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ApiError> {
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let national = if let Some(rest) = compact.strip_prefix("+62") {
            rest
        } else if let Some(rest) = compact.strip_prefix("62") {
            rest
        } else if let Some(rest) = compact.strip_prefix('0') {
            rest
        } else {
            return Err(ApiError::bad_input(
                field,
                "phone must start with 08, 62 or +62",
            ));
        };
        // The trunk `0` belongs to the national form only: `+620812...` is not a number.
        if national.starts_with('0') {
            return Err(ApiError::bad_input(
                field,
                "no 0 after the country code (+62 812..., not +62 0812...)",
            ));
        }
        if !national.chars().all(|c| c.is_ascii_digit()) {
            return Err(ApiError::bad_input(field, "phone may contain only digits"));
        }
        if !(8..=13).contains(&national.len()) {
            return Err(ApiError::bad_input(field, "phone must have 9 to 14 digits"));
        }
        Ok(Self(format!("+62{national}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_three_indonesian_forms() {
        for raw in ["0812-3456-7890", "6281234567890", "+62 812 3456 7890"] {
            assert_eq!(
                Phone::parse("phone", raw).unwrap().as_str(),
                "+6281234567890"
            );
        }
    }

    #[test]
    fn rejects_foreign_and_garbage() {
        for raw in [
            "+15551234567",
            "0812abc",
            "08",
            "",
            "+62081234567890",
            "+62 0812 3456 789",
            "62081234567890",
            "00812345678",
        ] {
            let err = Phone::parse("phone", raw).unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT");
        }
    }

    proptest! {
        #[test]
        fn every_form_of_a_number_normalises_to_the_same_e164(digits in "8[0-9]{8,12}") {
            let a = Phone::parse("p", &format!("0{digits}")).unwrap();
            let b = Phone::parse("p", &format!("62{digits}")).unwrap();
            let c = Phone::parse("p", &format!("+62{digits}")).unwrap();
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(&b, &c);
            prop_assert_eq!(a.as_str(), format!("+62{digits}"));
        }
    }
}
