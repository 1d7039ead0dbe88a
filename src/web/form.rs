//! Form bodies decoded strictly. `serde_urlencoded` (and so `web::Form`) replaces bytes that are
//! not UTF-8 with U+FFFD, which would store a changed answer without telling the person; here
//! such a body is refused so the page can ask for it again.

use percent_encoding::percent_decode;

/// Why a body could not be read as a form.
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable;

/// The fields of an `application/x-www-form-urlencoded` body, in order, or `Unreadable` when a
/// name or value is not UTF-8 once decoded.
pub fn decode(body: &[u8]) -> Result<Vec<(String, String)>, Unreadable> {
    body.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &pair[..0]),
            };
            Ok((component(name)?, component(value)?))
        })
        .collect()
}

fn component(raw: &[u8]) -> Result<String, Unreadable> {
    // `+` means a space in forms; a literal plus arrives as %2B.
    let spaced: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_decode(&spaced).collect();
    String::from_utf8(bytes).map_err(|_| Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_browser_form_decodes_as_serde_urlencoded_would() {
        let body = "fft=4&fft_reason=Kind+and+quick%2C+1%2B1%3D2+%E2%9C%93&empty=&flag";
        let expected: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap();
        assert_eq!(decode(body.as_bytes()).unwrap(), expected);
        assert_eq!(
            expected,
            pairs(&[
                ("fft", "4"),
                ("fft_reason", "Kind and quick, 1+1=2 ✓"),
                ("empty", ""),
                ("flag", "")
            ])
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_not_replaced() {
        assert_eq!(decode(b"fft=4&fft_reason=%FF%FE"), Err(Unreadable));
        assert_eq!(decode(b"fft=4&fft_reason=\xff\xfe"), Err(Unreadable));
        assert_eq!(
            decode(b"%C3=1"),
            Err(Unreadable),
            "a cut-off character in a name"
        );
    }

    #[test]
    fn a_value_may_hold_an_equals_sign_and_stray_percent_signs_are_kept() {
        assert_eq!(
            decode(b"a=b=c&d=100%").unwrap(),
            pairs(&[("a", "b=c"), ("d", "100%")])
        );
        assert_eq!(decode(b"").unwrap(), pairs(&[]));
    }
}
