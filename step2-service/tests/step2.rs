//! Step 2 over real TCP: the HelloWorld service, and the HTTP conventions.

use testkit::Server;
use testkit::conventions::{Step, assert_page_contains};

const STEP: Step = Step { binary: env!("CARGO_BIN_EXE_step2-service"), args: &[], ok_path: "/" };

testkit::http_conventions!(STEP);

#[test]
fn answers_hello_world_with_the_time() {
    let server = Server::start(STEP.binary, &[]);
    let reply = server.get("/hello.html");
    assert_page_contains(&reply, "Hello World at ");
    let text = reply.text();
    let time = &text[text.find("Hello World at ").unwrap() + "Hello World at ".len()..][..8];
    assert!(
        chrono::NaiveTime::parse_from_str(time, "%H:%M:%S").is_ok(),
        "{time:?} is not HH:MM:SS"
    );
    assert!(time.bytes().enumerate().all(|(at, byte)| if at % 3 == 2 {
        byte == b':'
    } else {
        byte.is_ascii_digit()
    }));
}
