//! The lecture's web server over real TCP: the hello page, 404 elsewhere, and
//! the HTTP conventions every server of the workspace follows.

use testkit::Server;
use testkit::conventions::{Step, assert_page_contains};

const STEP: Step = Step { binary: env!("CARGO_BIN_EXE_clock-web"), args: &[], ok_path: "/" };

testkit::http_conventions!(STEP);

#[test]
fn the_root_answers_hello_client() {
    let server = Server::start(STEP.binary, &[]);
    assert_page_contains(&server.get("/"), "<h1 style=\"text-align: center\">hello client</h1>");
}

#[test]
fn any_other_path_is_404_path_not_found() {
    let server = Server::start(STEP.binary, &[]);
    for path in ["/x", "/index.html", "/test?q=1"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.head);
        assert!(reply.text().contains(&format!("<p>{path} not found</p>")), "{}", reply.text());
    }
    server.wait_for_log("\"GET /x HTTP/1.1\" 404 ");
}

#[test]
fn the_path_is_shown_as_text_not_markup() {
    let server = Server::start(STEP.binary, &[]);
    let reply = server.get("/<script>alert(1)</script>");
    assert_eq!(reply.status, 404);
    assert!(reply.text().contains("/&lt;script&gt;alert(1)&lt;/script&gt; not found"));
    assert!(!reply.text().contains("<script>"));
}
