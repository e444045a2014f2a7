//! The solution "More status codes", in this process: a handler that fails
//! gets 500. The checks over TCP are the suite `statuses`.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use exercises::or_500;

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
