//! Step 1 over real TCP: the hello page, and the HTTP conventions.

use testkit::Server;
use testkit::conventions::{Step, assert_page_contains};

const STEP: Step = Step { binary: env!("CARGO_BIN_EXE_step1-hello"), args: &[], ok_path: "/" };

testkit::http_conventions!(STEP);

#[test]
fn answers_hello_and_shows_the_request() {
    let server = Server::start(STEP.binary, &[]);
    let reply = server.get("/index.html");
    assert_page_contains(&reply, "Hello from HTTPSocket");
    assert!(reply.text().contains("GET /index.html HTTP/1.1\nHost: "), "{}", reply.text());
    assert!(reply.text().contains("User-Agent: curl/7.88.1"), "{}", reply.text());
}

#[test]
fn request_is_shown_as_text_not_markup() {
    let server = Server::start(STEP.binary, &[]);
    let reply =
        server.exchange(b"GET /<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\nX-Q: \"'&\r\n\r\n");
    assert_page_contains(
        &reply,
        "GET /&lt;script&gt;alert(1)&lt;/script&gt; HTTP/1.1\nHost: x\nX-Q",
    );
    assert!(reply.text().contains("X-Q: &quot;&#39;&amp;"), "{}", reply.text());
    assert!(!reply.text().contains("<script>"));
}
