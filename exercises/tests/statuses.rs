//! The solution "More status codes": what the form server answers beyond
//! step 1 (405 with its own `Allow`, and 500 for a handler that fails), the
//! statuses `http1` gives every server (414, 501), and the HTTP conventions
//! it keeps.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use exercises::or_500;
use testkit::Server;
use testkit::conventions::Step;

const BINARY: &str = env!("CARGO_BIN_EXE_form-server");
const STEP: Step = Step { binary: BINARY, args: &[], ok_path: "/" };

testkit::http_conventions!(STEP);

#[test]
fn an_unknown_method_gets_501_and_a_known_one_405_with_allow() {
    let server = Server::start(BINARY, &[]);
    let reply = server.exchange(b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(reply.status, 501, "{}", reply.head);
    assert!(reply.text().contains("501 Not Implemented"));
    for method in ["DELETE", "PUT", "OPTIONS"] {
        let reply =
            server.exchange(format!("{method} / HTTP/1.0\r\nContent-Length: 0\r\n\r\n").as_bytes());
        assert_eq!(reply.status, 405, "{method}: {}", reply.head);
        assert_eq!(reply.header("Allow"), Some("GET, HEAD, POST"));
    }
    assert_eq!(server.get("/elsewhere").status, 404);
}

#[test]
fn a_target_longer_than_the_limit_gets_414() {
    let server = Server::start(BINARY, &[]);
    let longest = format!("/?{}", "a".repeat(http1::MAX_TARGET - 2));
    assert_eq!(server.get(&longest).status, 200);
    let reply = server.get(&format!("{longest}a"));
    assert_eq!(reply.status, 414, "{}", reply.head);
    assert!(reply.text().contains("414 URI Too Long"));
}

/// The 500 needs a handler that fails; the form server has none, so this test
/// serves `http1` itself, in this process, with one that panics.
#[test]
fn a_handler_that_panics_gets_500_and_the_server_goes_on() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    http1::quiet();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || {
                http1::serve(
                    stream,
                    Duration::from_secs(5),
                    or_500(|request| match request.target.as_str() {
                        "/bug" => panic!("a bug in a handler"),
                        _ => http1::response(200, "OK", "<p>fine</p>"),
                    }),
                )
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
