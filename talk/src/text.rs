//! The escapes of a TEXT argument, read as `printf` reads them, so that a
//! recipe can write `'GET / HTTP/1.0\r\n\r\n'` in any shell and send the
//! bytes HTTP asks for.

/// The bytes that `text` stands for: `\r`, `\n`, `\t`, `\\`, `\0` (a NUL
/// byte) and `\xHH` become the byte they name, and every other character
/// its UTF-8 bytes. Any other backslash is refused rather than guessed at.
pub fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            continue;
        }
        let byte = match chars.next() {
            Some('r') => b'\r',
            Some('n') => b'\n',
            Some('t') => b'\t',
            Some('\\') => b'\\',
            Some('0') => 0,
            Some('x') => hex_byte(chars.next(), chars.next())?,
            Some(other) => {
                return Err(format!("unknown escape `\\{other}`; write `\\\\` for a backslash"));
            }
            None => return Err("a `\\` ends the text; write `\\\\` for a backslash".into()),
        };
        bytes.push(byte);
    }
    Ok(bytes)
}

/// The byte that the two digits after `\x` name.
fn hex_byte(high: Option<char>, low: Option<char>) -> Result<u8, String> {
    let digit = |c: Option<char>| c.and_then(|c| c.to_digit(16));
    match (digit(high), digit(low)) {
        // Two hexadecimal digits make at most 255.
        (Some(high), Some(low)) => Ok((high * 16 + low) as u8),
        _ => Err("`\\x` needs two hexadecimal digits, as in `\\x1b`".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_the_bytes_they_name() {
        assert_eq!(unescape(r"GET / HTTP/1.0\r\n\r\n").unwrap(), b"GET / HTTP/1.0\r\n\r\n");
        assert_eq!(unescape(r"a\tb\\c\0d\x41\xff").unwrap(), b"a\tb\\c\0dA\xff");
        assert_eq!(unescape("plain é").unwrap(), "plain é".as_bytes());
    }

    #[test]
    fn a_backslash_that_names_nothing_is_refused() {
        for bad in [r"\q", r"end\", r"\x4", r"\xg0"] {
            assert!(unescape(bad).is_err(), "{bad}");
        }
    }
}
