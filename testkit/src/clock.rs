//! The checks of the clock lecture's servers that a student writes: its
//! small web server, and the three assignments: the swap server, the
//! secret-number server and the secret-word web server. The 25-byte
//! messages are spoken here from the outside, as any client would.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use crate::checks;
use crate::conventions::{Step, assert_page_contains};
use crate::suites::Check;
use crate::{PATIENCE, Server};

/// Every message of the lecture's protocol is this long, padded with spaces.
const MESSAGE: usize = 25;

/// The lecture's web server: hello at the root, 404 elsewhere.
pub const WEB: &[Check] = checks!(
    Step:
        the_root_answers_hello_client,
        any_other_path_is_404_path_not_found,
        the_path_is_shown_as_text_not_markup,
);

/// The swap server: two clients trade their strings.
pub const SWAP: &[Check] = checks!(
    Step:
        two_clients_swap_and_a_third_waits_for_a_fourth,
        a_lone_client_is_closed_after_the_wait,
        many_clients_at_once_are_paired_both_ways,
);

/// The secret-number server, its secret given with `--secret`.
pub const SECRET_NUMBER: &[Check] = checks!(
    Step:
        a_wrong_guess_is_wrong_and_the_right_one_right_once,
        sixteen_concurrent_guessers_one_right_then_secret_found_for_all,
        a_guesser_that_sends_nothing_holds_up_nobody,
);

/// The secret-word web server, its secret given as `meadow`.
pub const SECRET_WORD: &[Check] =
    checks!(Step: the_secret_word_is_guessed_in_the_address, a_guess_is_shown_as_text_not_markup);

fn the_root_answers_hello_client(step: &Step) {
    let server = step.start(&[]);
    assert_page_contains(&server.get("/"), "<h1 style=\"text-align: center\">hello client</h1>");
}

fn any_other_path_is_404_path_not_found(step: &Step) {
    let server = step.start(&[]);
    for path in ["/x", "/index.html", "/test?q=1"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.head);
        assert!(reply.text().contains(&format!("<p>{path} not found</p>")), "{}", reply.text());
    }
    server.wait_for_log("\"GET /x HTTP/1.1\" 404 ");
}

fn the_path_is_shown_as_text_not_markup(step: &Step) {
    let server = step.start(&[]);
    let reply = server.get("/<script>alert(1)</script>");
    assert_eq!(reply.status, 404);
    assert!(reply.text().contains("/&lt;script&gt;alert(1)&lt;/script&gt; not found"));
    assert!(!reply.text().contains("<script>"));
}

fn the_secret_word_is_guessed_in_the_address(step: &Step) {
    let server = step.start(&[]);
    assert_page_contains(&server.get("/"), "It has 6 letters.");
    let wrong = server.get("/apple");
    assert_page_contains(&wrong, "<h1>wrong</h1>");
    assert_page_contains(&wrong, "apple is not the secret word.");
    assert!(wrong.header("Content-Type").is_some_and(|kind| kind.starts_with("text/html")));
    assert_page_contains(&server.get("/Meadow"), "<h1>right</h1>");
    assert_page_contains(&server.get("/meadow"), "<h1>secret found</h1>");
    assert_page_contains(&server.get("/apple"), "<h1>secret found</h1>");
}

fn a_guess_is_shown_as_text_not_markup(step: &Step) {
    let server = step.start(&[]);
    let reply = server.get("/<b>x</b>?ignored=1");
    assert_page_contains(&reply, "&lt;b&gt;x&lt;/b&gt; is not the secret word.");
}

/// Sends `text`, padded to a message, on a new connection, and returns it.
fn send(server: &Server, text: &str) -> TcpStream {
    assert!(text.len() <= MESSAGE, "{text:?} does not fit a message");
    let mut stream = server.connect();
    stream.write_all(format!("{text:MESSAGE$}").as_bytes()).unwrap();
    stream
}

/// The answer on `stream`, without its padding: `None` when the server
/// closes without one.
fn answer(mut stream: TcpStream) -> Option<String> {
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("an answer, or a close, in time");
    if bytes.is_empty() {
        return None;
    }
    assert_eq!(bytes.len(), MESSAGE, "an answer is {MESSAGE} bytes: {bytes:?}");
    Some(String::from_utf8_lossy(&bytes).trim_end().to_string())
}

/// A moment for the server to take one client's message before the next.
const MOMENT: Duration = Duration::from_millis(200);

fn two_clients_swap_and_a_third_waits_for_a_fourth(step: &Step) {
    let server = step.start(&[]);
    let a = send(&server, "alpha");
    thread::sleep(MOMENT);
    let b = send(&server, "bravo");
    assert_eq!(answer(a).as_deref(), Some("bravo"));
    assert_eq!(answer(b).as_deref(), Some("alpha"));
    let c = send(&server, "charlie");
    thread::sleep(MOMENT);
    let d = send(&server, "delta");
    assert_eq!(answer(c).as_deref(), Some("delta"));
    assert_eq!(answer(d).as_deref(), Some("charlie"));
}

/// `--wait 0.5`: a client nobody swaps with is closed after half a second.
fn a_lone_client_is_closed_after_the_wait(step: &Step) {
    let server = step.start(&["--wait", "0.5"]);
    let started = Instant::now();
    assert_eq!(answer(send(&server, "echo")), None, "a lone client got an answer");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(400), "closed after {waited:?}, before --wait");
}

/// Twenty clients at once: each gets the string of another, and the pairs
/// match both ways.
fn many_clients_at_once_are_paired_both_ways(step: &Step) {
    let server = step.start(&[]);
    let got: Vec<String> = thread::scope(|scope| {
        let clients: Vec<_> = (0..20)
            .map(|n| {
                let server = &server;
                scope.spawn(move || answer(send(server, &format!("client {n}"))).unwrap())
            })
            .collect();
        clients.into_iter().map(|client| client.join().unwrap()).collect()
    });
    for (n, theirs) in got.iter().enumerate() {
        let partner: usize = theirs.strip_prefix("client ").unwrap().parse().unwrap();
        assert_ne!(partner, n, "client {n} got its own string");
        assert_eq!(got[partner], format!("client {n}"), "{n} got {partner}'s, but not back");
    }
}

fn a_wrong_guess_is_wrong_and_the_right_one_right_once(step: &Step) {
    let server = step.start(&["--secret", "7"]);
    let guess = |text: &str| answer(send(&server, text)).unwrap();
    assert_eq!(guess("3"), "wrong");
    assert_eq!(guess("seven"), "wrong");
    assert_eq!(guess("7"), "right");
    assert_eq!(guess("7"), "secret found");
    assert_eq!(guess("3"), "secret found");
}

/// Sixteen guessers at once, each trying every number from 1 to 16 in its own
/// order: exactly one guess is "right", and every guess sent after that
/// answer arrived gets "secret found".
fn sixteen_concurrent_guessers_one_right_then_secret_found_for_all(step: &Step) {
    let server = step.start(&["--secret", "11", "--max", "16"]);
    let start = Barrier::new(16);
    let guesses: Vec<(Instant, Instant, String)> = thread::scope(|scope| {
        let guessers: Vec<_> = (0..16)
            .map(|n| {
                let (server, start) = (&server, &start);
                scope.spawn(move || {
                    start.wait();
                    (1..=16)
                        .map(|k| {
                            let guess = (n + k) % 16 + 1;
                            let sent = Instant::now();
                            let verdict = answer(send(server, &guess.to_string())).unwrap();
                            (sent, Instant::now(), verdict)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        guessers.into_iter().flat_map(|guesser| guesser.join().unwrap()).collect()
    });
    assert_eq!(guesses.len(), 256);
    let right: Vec<_> = guesses.iter().filter(|(_, _, verdict)| verdict == "right").collect();
    assert_eq!(right.len(), 1, "exactly one right guess");
    let found_at = right[0].1;
    for (sent, _, verdict) in &guesses {
        assert!(["wrong", "right", "secret found"].contains(&verdict.as_str()), "{verdict}");
        if *sent > found_at {
            assert_eq!(verdict, "secret found");
        }
    }
}

/// A guesser that connects and sends nothing holds up no other guesser.
fn a_guesser_that_sends_nothing_holds_up_nobody(step: &Step) {
    let server = step.start(&["--secret", "2", "--read-timeout", "5"]);
    let _silent = server.connect();
    let started = Instant::now();
    assert_eq!(answer(send(&server, "1")).as_deref(), Some("wrong"));
    assert!(started.elapsed() < Duration::from_secs(2), "waited {:?}", started.elapsed());
}
