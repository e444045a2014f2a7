//! The compare-and-swap register: one number, changed only by compare-and-swap.

// ANCHOR: register
/// A number that starts at 0 and changes only by [`Register::compare_and_swap`].
#[derive(Debug, Default)]
pub struct Register {
    /// What the register holds now.
    value: u64,
}

impl Register {
    /// A register holding 0.
    pub fn new() -> Register {
        Register::default()
    }

    /// Sets the register to `new` if it holds `old`, and returns what it held before.
    ///
    /// The caller learns whether it won by comparing the result with `old`.
    pub fn compare_and_swap(&mut self, old: u64, new: u64) -> u64 {
        let previous = self.value;
        if previous == old {
            self.value = new;
        }
        previous
    }
}
// ANCHOR_END: register

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_only_when_the_old_value_matches() {
        let mut register = Register::new();
        assert_eq!(register.compare_and_swap(0, 5), 0);
        assert_eq!(register.compare_and_swap(5, 7), 5);
        assert_eq!(register.compare_and_swap(1, 2), 7);
        assert_eq!(register.compare_and_swap(7, 7), 7);
    }
}
