//! The checks of the exercises that build a web server of their own: serve
//! files, give each its type, answer more status codes, read a form sent
//! with POST.

use std::fs;
use std::time::{Duration, Instant};

use crate::checks;
use crate::conventions::{Step, assert_page_contains};
use crate::suites::Check;
use crate::{Reply, Server, TempDir};

/// "Serve real files on disk": files byte for byte, from inside the root only.
pub const FILES: &[Check] = checks!(
    Step:
        files_come_back_byte_for_byte,
        missing_files_get_404_and_paths_out_of_the_root_403,
        the_root_and_directories_send_the_browser_on,
);

/// "Serve each file with its type": the type the name says.
pub const MIME: &[Check] = checks!(Step: each_file_gets_the_type_its_name_says);

/// "Give every case its status": 405 with its `Allow`, 501, 414, and 500
/// for a handler that fails (`/bug`).
pub const STATUSES: &[Check] = checks!(
    Step:
        an_unknown_method_gets_501_and_a_known_one_405_with_allow,
        a_handler_that_fails_gets_500_and_the_server_goes_on,
        a_target_longer_than_the_limit_gets_414,
);

/// "A form sent with POST": the form, what it sent, and the body's limits.
pub const FORM: &[Check] = checks!(
    Step:
        the_page_holds_a_form_that_posts_to_itself,
        the_fields_come_back_decoded_and_escaped,
        a_body_in_pieces_is_read_whole,
        a_body_too_large_gets_413_before_it_is_sent,
        a_post_without_its_length_gets_411_and_a_chunked_one_501,
        a_body_that_stops_short_gets_408_after_the_read_timeout,
        only_urlencoded_forms_are_read_and_bad_escapes_get_400,
);

/// A directory with a few files of different kinds, and the server serving it.
fn serve_samples(step: &Step) -> (TempDir, Server) {
    let root = TempDir::new().unwrap();
    let binary: Vec<u8> = (0..=255).collect();
    let files: [(&str, &[u8]); 9] = [
        ("index.html", b"<h1>home</h1>"),
        ("style.css", b"h1 { color: green; }"),
        ("app.js", b"console.log(1);"),
        ("logo.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ("photo.JPG", &binary),
        ("notes.txt", b"plain"),
        ("data.json", b"{}"),
        ("Makefile", b"all:"),
        ("sub/page.html", b"<p>sub</p>"),
    ];
    for (name, bytes) in files {
        let path = root.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    let server = Server::start(step.binary, &["--root", root.path().to_str().unwrap()]);
    (root, server)
}

fn files_come_back_byte_for_byte(step: &Step) {
    let (root, server) = serve_samples(step);
    for name in ["index.html", "photo.JPG", "sub/page.html"] {
        let reply = server.get(&format!("/files/{name}"));
        assert_eq!(reply.status, 200, "{name}: {}", reply.head);
        assert_eq!(reply.body, fs::read(root.path().join(name)).unwrap(), "{name}");
    }
}

fn each_file_gets_the_type_its_name_says(step: &Step) {
    let (_root, server) = serve_samples(step);
    for (name, expected) in [
        ("index.html", "text/html; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("logo.svg", "image/svg+xml"),
        ("photo.JPG", "image/jpeg"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("data.json", "application/json"),
        ("Makefile", "application/octet-stream"),
    ] {
        let reply = server.get(&format!("/files/{name}"));
        assert_eq!(reply.header("Content-Type"), Some(expected), "{name}");
    }
}

fn missing_files_get_404_and_paths_out_of_the_root_403(step: &Step) {
    let (_root, server) = serve_samples(step);
    assert_eq!(server.get("/files/nothing.html").status, 404);
    assert_eq!(server.get("/index.html").status, 404);
    assert_eq!(server.get("/files/../Cargo.toml").status, 403);
    assert_eq!(server.get("/files/sub/%2e%2e/%2e%2e/Cargo.toml").status, 403);
}

fn the_root_and_directories_send_the_browser_on(step: &Step) {
    let (_root, server) = serve_samples(step);
    for (path, location) in [("/", "/files/"), ("/files", "/files/"), ("/files/sub", "/files/sub/")]
    {
        let reply = server.get(path);
        assert_eq!(reply.status, 301, "{path}: {}", reply.head);
        assert_eq!(reply.header("Location"), Some(location), "{path}");
    }
    assert_eq!(server.get("/files/").text(), "<h1>home</h1>");
}

fn an_unknown_method_gets_501_and_a_known_one_405_with_allow(step: &Step) {
    let server = Server::start(step.binary, &[]);
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

fn a_target_longer_than_the_limit_gets_414(step: &Step) {
    let server = Server::start(step.binary, &[]);
    let longest = format!("/?{}", "a".repeat(http1::MAX_TARGET - 2));
    assert_eq!(server.get(&longest).status, 200);
    let reply = server.get(&format!("{longest}a"));
    assert_eq!(reply.status, 414, "{}", reply.head);
    assert!(reply.text().contains("414 URI Too Long"));
}

/// A POST of `body` to `/`, as a browser sends a form.
fn post(server: &Server, body: &str) -> Reply {
    server.exchange(form_request(body).as_bytes())
}

/// The request a browser sends for a form whose fields are `body`.
fn form_request(body: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn the_page_holds_a_form_that_posts_to_itself(step: &Step) {
    let server = Server::start(step.binary, &[]);
    let reply = server.get("/");
    assert_page_contains(&reply, "<form method=\"post\" action=\"/\">");
    assert_page_contains(&reply, "name=\"message\"");
}

fn the_fields_come_back_decoded_and_escaped(step: &Step) {
    let server = Server::start(step.binary, &[]);
    let reply =
        post(&server, "name=Ada+L%C3%BCtzen&message=%3Cscript%3Ealert(1)%3C%2Fscript%3E%0D%0Abye");
    assert_page_contains(&reply, "<tr><th>name</th><td>Ada Lützen</td></tr>");
    assert_page_contains(&reply, "<td>&lt;script&gt;alert(1)&lt;/script&gt;\r\nbye</td>");
    assert!(!reply.text().contains("<script>"));
    server.wait_for_log("\"POST / HTTP/1.1\" 200");
}

fn a_body_in_pieces_is_read_whole(step: &Step) {
    let server = Server::start(step.binary, &[]);
    let request = form_request("name=slow&message=one+piece+at+a+time");
    let (head, body) = request.split_at(request.find("\r\n\r\n").unwrap() + 4);
    let (start, end) = body.split_at(9);
    let pieces = [head.as_bytes(), start.as_bytes(), end.as_bytes()];
    let reply = server.exchange_in_pieces(&pieces, Duration::from_millis(150));
    assert_page_contains(&reply, "<td>one piece at a time</td>");
}

fn a_body_too_large_gets_413_before_it_is_sent(step: &Step) {
    let server = Server::start(step.binary, &["--max-body", "100"]);
    assert_eq!(post(&server, &format!("message={}", "x".repeat(92))).status, 200);
    let reply = post(&server, &format!("message={}", "x".repeat(93)));
    assert_eq!(reply.status, 413, "{}", reply.head);
    let started = Instant::now();
    let head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 1000000000\r\n\r\n";
    assert_eq!(server.exchange(head.as_bytes()).status, 413);
    assert!(started.elapsed() < Duration::from_secs(1), "waited {:?}", started.elapsed());
}

fn a_post_without_its_length_gets_411_and_a_chunked_one_501(step: &Step) {
    let server = Server::start(step.binary, &[]);
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

fn a_body_that_stops_short_gets_408_after_the_read_timeout(step: &Step) {
    let server = Server::start(step.binary, &["--read-timeout", "0.5"]);
    let started = Instant::now();
    let request = form_request("name=complete");
    let reply = server.exchange(&request.as_bytes()[..request.len() - 3]);
    assert_eq!(reply.status, 408, "{}", reply.head);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(400) && waited < Duration::from_secs(5), "{waited:?}");
}

fn only_urlencoded_forms_are_read_and_bad_escapes_get_400(step: &Step) {
    let server = Server::start(step.binary, &[]);
    let json = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    assert_eq!(server.exchange(json).status, 415);
    let reply = post(&server, "name=%zz");
    assert_eq!(reply.status, 400, "{}", reply.head);
    assert!(reply.text().contains("not followed by two hex digits"));
    let with_charset = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: Application/X-WWW-Form-Urlencoded; charset=UTF-8\r\nContent-Length: 6\r\n\r\nname=x";
    assert_page_contains(&server.exchange(with_charset), "<td>x</td>");
}

/// `/bug` is a handler that panics: its client gets 500, not a connection
/// closed without a word, and the server goes on.
fn a_handler_that_fails_gets_500_and_the_server_goes_on(step: &Step) {
    let server = step.start(&[]);
    let reply = server.get("/bug");
    assert_eq!(reply.status, 500, "GET /bug: {:?}", reply.head);
    assert!(reply.text().contains("500 Internal Server Error"), "{}", reply.text());
    assert_eq!(server.get("/").status, 200, "the server went on");
}
