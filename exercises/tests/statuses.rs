//! The solution "More status codes": what the form server's copy of step 1's
//! HTTP module answers that step 1 does not (414, 501, 405 with its own `Allow`, 500),
//! and the HTTP conventions it keeps.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use exercises::http;
use testkit::Server;
use testkit::conventions::Step;

const BINARY: &str = env!("CARGO_BIN_EXE_form-server");
const STEP: Step = Step { binary: BINARY, args: &[], ok_path: "/" };

// Every convention but `other_methods_get_405`: this server takes POST.
testkit::http_conventions!(@tests STEP;
    answers_with_correct_http,
    head_gets_the_head_only,
    request_in_pieces_gets_the_same_answer,
    absolute_target_is_understood,
    oversized_head_gets_431_and_the_next_client_is_served,
    silent_client_does_not_stall_others,
    empty_line_before_the_request_is_ignored,
    malformed_requests_get_400,
    unknown_version_gets_505,
    slow_head_gets_408,
    zero_read_timeout_is_refused,
    vanished_client_is_logged_and_forgotten,
    requests_are_logged_in_common_log_format,
    quiet_logs_nothing
);

#[test]
fn an_unknown_method_gets_501_and_a_known_one_405_with_allow() {
    let server = Server::start(BINARY, &[]);
    let reply = server.exchange(b"BREW /pot HTTP/1.1\r\n\r\n");
    assert_eq!(reply.status, 501, "{}", reply.head);
    assert!(reply.text().contains("501 Not Implemented"));
    for method in ["DELETE", "PUT", "OPTIONS"] {
        let reply =
            server.exchange(format!("{method} / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").as_bytes());
        assert_eq!(reply.status, 405, "{method}: {}", reply.head);
        assert_eq!(reply.header("Allow"), Some("GET, HEAD, POST"));
    }
    assert_eq!(server.get("/elsewhere").status, 404);
}

#[test]
fn a_target_longer_than_the_limit_gets_414() {
    let server = Server::start(BINARY, &[]);
    let longest = format!("/?{}", "a".repeat(http::MAX_TARGET - 2));
    assert_eq!(server.get(&longest).status, 200);
    let reply = server.get(&format!("{longest}a"));
    assert_eq!(reply.status, 414, "{}", reply.head);
    assert!(reply.text().contains("414 URI Too Long"));
}

/// The 500 needs a handler that fails; the form server has none, so this test
/// serves the `http` module itself, in this process, with one that panics.
#[test]
fn a_handler_that_panics_gets_500_and_the_server_goes_on() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    http::quiet();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || {
                http::serve(stream, Duration::from_secs(5), 0, |request| {
                    match request.target.as_str() {
                        "/bug" => panic!("a bug in a handler"),
                        _ => http::response(200, "OK", "<p>fine</p>"),
                    }
                })
            });
        }
    });
    let ask = |target: &str| {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(testkit::PATIENCE)).unwrap();
        stream.write_all(format!("GET {target} HTTP/1.0\r\n\r\n").as_bytes()).unwrap();
        testkit::read_reply(&mut stream)
    };
    let reply = ask("/bug");
    assert_eq!(reply.status, 500, "{}", reply.head);
    assert!(reply.text().contains("500 Internal Server Error"));
    assert_eq!(ask("/").status, 200);
}
