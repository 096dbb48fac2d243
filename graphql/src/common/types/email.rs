//! An email address, trimmed and lowercased: the form logins and residents are stored in.

use std::fmt;

use crate::common::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ApiError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Self(email))
        } else {
            Err(ApiError::bad_input(field, "not an email address"))
        }
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_rejects() {
        assert_eq!(
            Email::parse("e", " Budi@Mail.Test ").unwrap().to_string(),
            "budi@mail.test"
        );
        for bad in [
            "budi",
            "@mail.test",
            "budi@mail",
            "bu di@mail.test",
            "budi@mail.test.",
        ] {
            assert!(Email::parse("e", bad).is_err(), "{bad}");
        }
    }
}
