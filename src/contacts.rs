//! Contact details typed in by staff: checked at the edge, redacted in logs and `Debug`.

use phonenumber::country;

/// A UK mobile number, held in E.164 form (`+447700900123`).
#[derive(Clone, PartialEq, Eq)]
pub struct UkMobile(String);

impl UkMobile {
    /// Accepts a UK mobile number however it is written (`07700 900123`, `+44 7700 900123`,
    /// `0044 7700-900-123`); the error never repeats the number.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let parsed = phonenumber::parse(Some(country::Id::GB), raw.trim())
            .map_err(|_| "is not a phone number".to_string())?;
        let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
        let is_uk_mobile = parsed.code().value() == 44
            && ((phonenumber::is_valid(&parsed)
                && matches!(
                    parsed.number_type(&phonenumber::metadata::DATABASE),
                    phonenumber::Type::Mobile
                ))
                || is_reserved_for_testing(&e164));
        if is_uk_mobile {
            Ok(UkMobile(e164))
        } else {
            Err("is not a UK mobile number".into())
        }
    }

    /// The number in E.164 form, for sending.
    pub fn e164(&self) -> &str {
        &self.0
    }
}

/// Ofcom keeps 07700 900000 to 07700 900999 for drama and testing, so no person has one;
/// libphonenumber calls them invalid, but GOV.UK Notify's test numbers and every example in a
/// Trust's training material are in this range, and a service must take them.
fn is_reserved_for_testing(e164: &str) -> bool {
    e164.len() == "+447700900123".len() && e164.starts_with("+447700900")
}

impl std::fmt::Debug for UkMobile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UkMobile([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_mobiles_are_read_however_they_are_written() {
        for written in [
            "07911 123456",
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "0044 7700-900-123",
            "+44 (0)7700 900123",
        ] {
            let digits: String = written.chars().filter(char::is_ascii_digit).collect();
            let national = digits.trim_start_matches("0044").trim_start_matches("44");
            let expected = format!("+44{}", national.trim_start_matches('0'));
            assert_eq!(
                UkMobile::parse(written).map(|m| m.e164().to_string()),
                Ok(expected),
                "{written}"
            );
        }
    }

    #[test]
    fn landlines_foreign_numbers_and_nonsense_are_refused_without_repeating_them() {
        for refused in [
            "020 7946 0018",
            "+1 212 555 0100",
            "0770090",
            "07700 9001234",
            "call me",
            "",
        ] {
            let error = UkMobile::parse(refused).unwrap_err();
            assert!(!refused.is_empty() && !error.contains(refused) || refused.is_empty());
        }
        assert!(format!("{:?}", UkMobile::parse("07700 900123").unwrap()).contains("redacted"));
    }
}
