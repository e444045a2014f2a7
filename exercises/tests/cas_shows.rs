//! What the CAS solutions show beyond their suites: a copied register loses
//! every swap to the others, and the busy loop's check tells a server that
//! waits from one that does not.

use testkit::suites;
use testkit::{LineClient, Server};

const FORK: &str = env!("CARGO_BIN_EXE_cas-fork");
const CHANNELS: &str = env!("CARGO_BIN_EXE_cas-channels");

#[test]
fn copies_of_the_register_lose_every_swap_to_the_others() {
    let server = Server::start(FORK, &["--copy-register"]);
    let mut first = LineClient::new(&server);
    assert_eq!(first.ask("0 5"), "0");
    assert_eq!(first.ask("5 7"), "5", "a client sees its own swaps");
    assert_eq!(LineClient::new(&server).ask("0 9"), "0", "another client never sees them");
}

/// A server that waits in `accept` and `read` fails the busy loop's check.
#[test]
fn the_busy_check_fails_on_a_server_that_sleeps() {
    let suite = suites::find("cas-busy").unwrap();
    let is_the_check =
        |check: &&suites::Check| check.name == "the_server_runs_while_nobody_sends_anything";
    let check = suite.all_checks().find(is_the_check).unwrap();
    let verdict = suites::run(check, &suite.site(CHANNELS));
    assert!(
        matches!(&verdict, suites::Outcome::Failed(why) if why.contains("it slept")),
        "{verdict:?}"
    );
}
