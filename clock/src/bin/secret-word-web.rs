//! The lecture's third assignment: a web server that holds a secret word. The
//! guess is the path: `http://localhost:8000/apple` guesses "apple". Like the
//! secret-number server, the first right guess is "right" and every later one
//! gets "secret found".

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use http1::{Request, Response, escape};

use clock::cli::{self, WebListen, parse_timeout};
use clock::log;
use clock::secret::{Game, Verdict};
use clock::threads::thread_per_client;

/// What the server is told on its command line.
#[derive(Debug, Parser)]
#[command(version, about = "The secret-word web server: guess the word in the address bar.")]
struct Config {
    /// Where to listen.
    #[command(flatten)]
    listen: WebListen,
    /// Seconds a client may take to send its request.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout)]
    read_timeout: Duration,
    /// Log no requests: for load tests, where writing the log costs more than answering.
    #[arg(long)]
    quiet: bool,
    /// Use this secret word instead of one drawn at random (for tests and demonstrations).
    #[arg(long)]
    secret: Option<String>,
}

/// The words a secret is drawn from.
const WORDS: &[&str] = &[
    "apple", "candle", "garden", "island", "ladder", "meadow", "pepper", "river", "tiger", "window",
];

fn main() -> ExitCode {
    let config = Config::parse();
    cli::exit_code(config.listen.bind().map(|listener| run(listener, &config)))
}

// ANCHOR: run
/// Draws the secret and serves each connection on a thread of its own.
fn run(listener: TcpListener, config: &Config) {
    if config.quiet {
        http1::quiet();
    }
    let secret = config.secret.clone().unwrap_or_else(|| {
        let drawn = WORDS[rand::random_range(..WORDS.len())];
        log(&format!("a secret word of {} letters is drawn", drawn.len()));
        drawn.into()
    });
    let secret: Arc<str> = secret.into();
    let game = Arc::new(Game::default());
    let read_timeout = config.read_timeout;
    thread_per_client(listener, move |stream| {
        http1::serve(stream, read_timeout, |request| page(request, &secret, &game))
    });
}

/// The page for a request: how to play on `/`, the verdict on any other path.
fn page(request: &Request, secret: &str, game: &Game) -> Response {
    let path = request.target.split('?').next().unwrap_or_default();
    let guess = path.trim_start_matches('/');
    if guess.is_empty() {
        let rules = format!(
            "<h1>Guess the secret word</h1>\n<p>It has {} letters. Type your guess after \
             the slash in the address bar, as in <code>/banana</code>.</p>",
            secret.chars().count()
        );
        return http1::response(200, "OK", &rules);
    }
    let verdict = game.judge(guess.eq_ignore_ascii_case(secret));
    let said = match verdict {
        Verdict::Wrong => format!("{} is not the secret word. Try again.", escape(guess)),
        Verdict::Right => format!("{} is the secret word, and you found it first!", escape(guess)),
        Verdict::Found => "Somebody has found the secret word already.".into(),
    };
    http1::response(200, "OK", &format!("<h1>{}</h1>\n<p>{said}</p>", verdict.as_str()))
}
// ANCHOR_END: run
