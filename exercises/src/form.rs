//! Reading a form that a browser sends as `application/x-www-form-urlencoded`:
//! the body `name=Ada+L%C3%BCtzen&message=hi` holds the fields `name`, with
//! the value `Ada Lützen`, and `message`, with `hi`.

// ANCHOR: decode
/// The fields of a form, in the order sent, or what is wrong with it.
pub fn decode(body: &[u8]) -> Result<Vec<(String, String)>, &'static str> {
    let text = std::str::from_utf8(body).map_err(|_| "The form is not text.")?;
    text.split('&')
        .filter(|field| !field.is_empty())
        .map(|field| {
            let (name, value) = field.split_once('=').unwrap_or((field, ""));
            Ok((unescape(name)?, unescape(value)?))
        })
        .collect()
}

/// Undoes what the browser did to a name or a value: `+` stands for a
/// space, and `%XX` for the byte whose hex value is XX. The bytes must then
/// be UTF-8 text, as a page in UTF-8 makes its forms send.
fn unescape(text: &str) -> Result<String, &'static str> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        rest = after;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let (hex, after) = rest.split_at_checked(2).ok_or(BAD_ESCAPE)?;
                bytes.push(hex_byte(hex).ok_or(BAD_ESCAPE)?);
                rest = after;
            }
            byte => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).map_err(|_| "The form is not UTF-8 text.")
}

/// What is wrong with a `%` that is not followed by two hex digits.
const BAD_ESCAPE: &str = "A % in the form is not followed by two hex digits.";

/// The byte two hex digits stand for.
fn hex_byte(hex: &[u8]) -> Option<u8> {
    let digit = |byte: u8| (byte as char).to_digit(16);
    Some((digit(hex[0])? * 16 + digit(hex[1])?) as u8)
}
// ANCHOR_END: decode

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
    }

    #[test]
    fn plus_is_a_space_and_percent_escapes_are_bytes() {
        let decoded = decode(b"name=Ada+L%C3%BCtzen&message=1%2B1%3D2%26more%0D%0Abye").unwrap();
        assert_eq!(decoded, fields(&[("name", "Ada Lützen"), ("message", "1+1=2&more\r\nbye")]));
    }

    #[test]
    fn empty_fields_and_values_are_kept_apart() {
        assert_eq!(decode(b"").unwrap(), fields(&[]));
        assert_eq!(decode(b"a=&b&&=c").unwrap(), fields(&[("a", ""), ("b", ""), ("", "c")]));
    }

    #[test]
    fn bad_escapes_and_bytes_are_refused() {
        for bad in [&b"a=%"[..], b"a=%4", b"a=%zz", b"a=%+1", b"a=%C3", b"a=\xff"] {
            assert!(decode(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
