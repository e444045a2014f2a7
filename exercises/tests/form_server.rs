//! The solution "A form sent with POST", over real TCP: the form, the page of
//! what it sent, decoded and escaped, and the limits on the body.

use std::time::{Duration, Instant};

use testkit::conventions::assert_page_contains;
use testkit::{Reply, Server};

const BINARY: &str = env!("CARGO_BIN_EXE_form-server");

/// A POST of `body` to `/`, as a browser sends a form.
fn post(server: &Server, body: &str) -> Reply {
    server.exchange(form_request(body).as_bytes())
}

fn form_request(body: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn the_page_holds_a_form_that_posts_to_itself() {
    let server = Server::start(BINARY, &[]);
    let reply = server.get("/");
    assert_page_contains(&reply, "<form method=\"post\" action=\"/\">");
    assert_page_contains(&reply, "name=\"message\"");
}

#[test]
fn the_fields_come_back_decoded_and_escaped() {
    let server = Server::start(BINARY, &[]);
    let reply =
        post(&server, "name=Ada+L%C3%BCtzen&message=%3Cscript%3Ealert(1)%3C%2Fscript%3E%0D%0Abye");
    assert_page_contains(&reply, "<tr><th>name</th><td>Ada Lützen</td></tr>");
    assert_page_contains(&reply, "<td>&lt;script&gt;alert(1)&lt;/script&gt;\r\nbye</td>");
    assert!(!reply.text().contains("<script>"));
    server.wait_for_log("\"POST / HTTP/1.1\" 200");
}

#[test]
fn a_body_in_pieces_is_read_whole() {
    let server = Server::start(BINARY, &[]);
    let request = form_request("name=slow&message=one+piece+at+a+time");
    let (head, body) = request.split_at(request.find("\r\n\r\n").unwrap() + 4);
    let (start, end) = body.split_at(9);
    let pieces = [head.as_bytes(), start.as_bytes(), end.as_bytes()];
    let reply = server.exchange_in_pieces(&pieces, Duration::from_millis(150));
    assert_page_contains(&reply, "<td>one piece at a time</td>");
}

#[test]
fn a_body_too_large_gets_413_before_it_is_sent() {
    let server = Server::start(BINARY, &["--max-body", "100"]);
    assert_eq!(post(&server, &format!("message={}", "x".repeat(92))).status, 200);
    let reply = post(&server, &format!("message={}", "x".repeat(93)));
    assert_eq!(reply.status, 413, "{}", reply.head);
    let started = Instant::now();
    let head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 1000000000\r\n\r\n";
    assert_eq!(server.exchange(head.as_bytes()).status, 413);
    assert!(started.elapsed() < Duration::from_secs(1), "waited {:?}", started.elapsed());
}

#[test]
fn a_post_without_its_length_gets_411_and_a_chunked_one_501() {
    let server = Server::start(BINARY, &[]);
    let reply = server.exchange(b"POST / HTTP/1.1\r\nHost: x\r\n\r\nname=x");
    assert_eq!(reply.status, 411, "{}", reply.head);
    let chunked =
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nname=x\r\n0\r\n\r\n";
    assert_eq!(server.exchange(chunked).status, 501);
    let reply = server.exchange(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    );
    assert_eq!(reply.status, 400, "{}", reply.head);
}

#[test]
fn a_body_that_stops_short_gets_408_after_the_read_timeout() {
    let server = Server::start(BINARY, &["--read-timeout", "0.5"]);
    let started = Instant::now();
    let request = form_request("name=complete");
    let reply = server.exchange(&request.as_bytes()[..request.len() - 3]);
    assert_eq!(reply.status, 408, "{}", reply.head);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(400) && waited < Duration::from_secs(5), "{waited:?}");
}

#[test]
fn only_urlencoded_forms_are_read_and_bad_escapes_get_400() {
    let server = Server::start(BINARY, &[]);
    let json = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    assert_eq!(server.exchange(json).status, 415);
    let reply = post(&server, "name=%zz");
    assert_eq!(reply.status, 400, "{}", reply.head);
    assert!(reply.text().contains("not followed by two hex digits"));
    let with_charset = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: Application/X-WWW-Form-Urlencoded; charset=UTF-8\r\nContent-Length: 6\r\n\r\nname=x";
    assert_page_contains(&server.exchange(with_charset), "<td>x</td>");
}
