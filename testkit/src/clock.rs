//! The checks of the lecture's web servers: its small web server, and the
//! secret-word web server of its assignments.

use crate::checks;
use crate::conventions::{Step, assert_page_contains};
use crate::suites::Check;

/// The lecture's web server: hello at the root, 404 elsewhere.
pub const WEB: &[Check] = checks!(
    Step:
        the_root_answers_hello_client,
        any_other_path_is_404_path_not_found,
        the_path_is_shown_as_text_not_markup,
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
