//! The line protocol: a request is `OLD NEW`, the answer is what the register held.

use crate::Register;

/// The answer to anything that is not two numbers.
pub const BAD_SYNTAX: &str = "Bad Syntax";

// ANCHOR: answer
/// Answers one request line (without its `\n`): the register's previous value,
/// or [`BAD_SYNTAX`].
pub fn answer(register: &mut Register, line: &[u8]) -> String {
    match parse(line) {
        Some((old, new)) => register.compare_and_swap(old, new).to_string(),
        None => BAD_SYNTAX.to_string(),
    }
}

/// Reads `OLD NEW`: two numbers separated by blanks, with blanks allowed
/// around them, and nothing else.
pub fn parse(line: &[u8]) -> Option<(u64, u64)> {
    let mut words = line.split(u8::is_ascii_whitespace).filter(|word| !word.is_empty());
    let old = number(words.next()?)?;
    let new = number(words.next()?)?;
    match words.next() {
        None => Some((old, new)),
        Some(_) => None,
    }
}

/// Reads a word of decimal digits. One too large for the register is not a number.
fn number(word: &[u8]) -> Option<u64> {
    if !word.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(word).ok()?.parse().ok()
}
// ANCHOR_END: answer

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(lines: &[&str]) -> Vec<String> {
        let mut register = Register::new();
        lines.iter().map(|line| answer(&mut register, line.as_bytes())).collect()
    }

    #[test]
    fn answers_the_previous_value() {
        assert_eq!(answers(&["0 5", "5 7", "1 2", "7 7"]), ["0", "5", "7", "7"]);
    }

    #[test]
    fn blanks_around_and_between_are_fine() {
        assert_eq!(answers(&["  0\t 5 \r", "\t5 7"]), ["0", "5"]);
    }

    #[test]
    fn anything_else_is_bad_syntax() {
        let bad = [
            "",
            "x",
            "1",
            "1 2 3",
            "1 2x",
            "-1 2",
            "+1 2",
            "1.0 2",
            "1,2",
            "0x1 2",
            "١ ٢",
            "18446744073709551616 1",
            "1 99999999999999999999999",
        ];
        assert!(answers(&bad).iter().all(|answer| answer == BAD_SYNTAX), "{:?}", answers(&bad));
    }

    #[test]
    fn the_largest_number_fits() {
        assert_eq!(answers(&["0 18446744073709551615", "0 0"]), ["0", "18446744073709551615"]);
    }
}
