//! The rule of the two guessing games: a guess is wrong or right, and once
//! someone was right, every later guess gets "secret found".
//!
//! Many clients guess at the same time, each on its own thread, so "was
//! anyone right yet?" is state that threads share. It is one flag, and the
//! decision "this guess is the first right one" must be taken by exactly one
//! thread. An atomic swap does both in one step.

use std::sync::atomic::{AtomicBool, Ordering};

/// What a guess gets back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not the secret, and nobody has found it yet.
    Wrong,
    /// The secret, and the first to find it.
    Right,
    /// Somebody found the secret before this guess was judged.
    Found,
}

impl Verdict {
    /// The reply the lecture asks for.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Wrong => "wrong",
            Verdict::Right => "right",
            Verdict::Found => "secret found",
        }
    }
}

// ANCHOR: game
/// One game: whether its secret has been found, shared by every client's thread.
#[derive(Debug, Default)]
pub struct Game {
    /// Set once, by the first right guess; never cleared.
    found: AtomicBool,
}

impl Game {
    /// Judges a guess, given whether it matches the secret.
    pub fn judge(&self, matches: bool) -> Verdict {
        if self.found.load(Ordering::SeqCst) {
            Verdict::Found
        } else if !matches {
            Verdict::Wrong
        } else if self.found.swap(true, Ordering::SeqCst) {
            // Another thread's right guess got there between our load and our swap.
            Verdict::Found
        } else {
            Verdict::Right
        }
    }
}
// ANCHOR_END: game

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn after_the_first_right_guess_everyone_gets_secret_found() {
        let game = Game::default();
        assert_eq!(game.judge(false), Verdict::Wrong);
        assert_eq!(game.judge(true), Verdict::Right);
        assert_eq!(game.judge(true), Verdict::Found);
        assert_eq!(game.judge(false), Verdict::Found);
    }

    #[test]
    fn of_many_right_guesses_at_once_exactly_one_is_right() {
        let game = Game::default();
        let verdicts: Vec<Verdict> = thread::scope(|scope| {
            let guessers: Vec<_> = (0..16).map(|_| scope.spawn(|| game.judge(true))).collect();
            guessers.into_iter().map(|guesser| guesser.join().unwrap()).collect()
        });
        assert_eq!(verdicts.iter().filter(|verdict| **verdict == Verdict::Right).count(), 1);
    }
}
