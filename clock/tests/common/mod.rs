//! What the clock's test targets share: the lecture's question, and the
//! check of a `ctime` answer.

use chrono::{Local, NaiveDateTime};

/// The lecture's question, padded with spaces to 25 bytes.
pub const QUESTION: &[u8; 25] = b"What is the time?        ";

/// Checks that `text` is the time now in `ctime` form, as `Sun Apr  4 18:16:14 2010`.
pub fn assert_is_ctime_now(text: &str) {
    assert_eq!(text.len(), 24, "{text:?}");
    let time = NaiveDateTime::parse_from_str(text, "%a %b %e %H:%M:%S %Y")
        .unwrap_or_else(|error| panic!("{text:?} is not in ctime form: {error}"));
    let off = (Local::now().naive_local() - time).num_seconds().abs();
    assert!(off < 60, "{text:?} is {off} s away from now");
    let day = &text[8..10];
    assert!(day.starts_with(' ') || !day.starts_with('0'), "day {day:?} is padded with a space");
}
