//! The stdin driver: one request per line of standard input, one answer per
//! line of standard output, until the input ends.
//!
//! It tries the register and the protocol without any network:
//! `printf '0 5\n5 7\n' | cargo run -p cas --bin cas-stdin`.

use std::io::{self, BufRead, Write};

use cas::{Register, protocol};

// ANCHOR: main
fn main() -> io::Result<()> {
    let mut register = Register::new();
    let mut output = io::stdout().lock();
    for line in io::stdin().lock().split(b'\n') {
        writeln!(output, "{}", protocol::answer(&mut register, &line?))?;
    }
    Ok(())
}
// ANCHOR_END: main
