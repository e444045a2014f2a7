//! The behaviour of the Dispatcher and its services, which steps 4 and 5
//! share: checks over TCP ([`CHECKS`]), and two tests of a step's own
//! `dispatcher` function ([`dispatcher_in_process!`](crate::dispatcher_in_process)).

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use http1::Response;

use crate::checks;
use crate::conventions::{Step, assert_page_contains};
use crate::suites::Check;
use crate::{Server, TempDir};

/// What a service receives: a target, and where to send the answer.
type ServiceRequest = (String, Sender<Response>);

/// What a service sends to register: a path, and its request channel.
type Registration = (String, Sender<ServiceRequest>);

/// A step's Dispatcher process: registrations and requests in.
pub type Dispatcher = fn(Receiver<Registration>, Receiver<ServiceRequest>);

/// A step with a Dispatcher, and the directory it serves by default.
pub struct Site {
    /// The step's binary and flags.
    pub step: Step,
    /// Its `www` directory, to compare the files it sends with.
    pub www: &'static str,
}

/// The checks of the Dispatcher and its services, over TCP.
pub const CHECKS: &[Check] = checks!(
    Site:
        each_service_answers_on_its_path,
        the_query_string_is_not_part_of_the_route,
        an_unknown_path_gets_404_naming_it,
        the_fourth_sleep_waits_and_others_do_not,
        both_index_instances_serve,
        files_come_back_byte_for_byte_with_their_type,
        a_directory_is_served_by_its_index_and_needs_its_slash,
        paths_out_of_the_root_are_refused,
        a_symlink_out_of_the_root_is_refused_and_one_inside_is_followed,
        a_missing_file_gets_404,
        head_on_a_file_gets_its_length_and_no_body,
        a_large_file_is_streamed_not_held_in_memory;
    Step:
        the_seconds_come_from_the_query_and_bad_ones_get_400,
);

/// Expands to the two tests of a step's own `dispatcher` function, run in
/// the test's process: a dead instance, and every instance dead. No client
/// can make an instance die, so these are no checks over TCP.
#[macro_export]
macro_rules! dispatcher_in_process {
    ($dispatcher:expr) => {
        #[test]
        fn a_dead_instance_is_forgotten_and_the_live_one_gets_every_request() {
            $crate::dispatcher::a_dead_instance_is_forgotten_and_the_live_one_gets_every_request(
                $dispatcher,
            );
        }
        #[test]
        fn when_every_instance_has_ended_the_waiting_get_503() {
            $crate::dispatcher::when_every_instance_has_ended_the_waiting_get_503($dispatcher);
        }
    };
}

/// Every service answers on its own path, and the Index links to them all.
pub fn each_service_answers_on_its_path(site: &Site) {
    let server = site.step.start(&[]);
    for (path, text) in [
        ("/hello.html", "Hello World at "),
        ("/time.html", "The time is "),
        ("/sleep.html?0", "is going to sleep for 0 seconds"),
    ] {
        let reply = server.get(path);
        assert_page_contains(&reply, text);
        assert_eq!(reply.header("Cache-Control"), Some("no-store"), "{path}");
    }
    for index in ["/", "/index.html"] {
        let reply = server.get(index);
        assert_page_contains(&reply, "Served by process ");
        for link in ["/hello.html", "/time.html", "/sleep.html?5", "/files/"] {
            assert!(reply.text().contains(&format!("href=\"{link}\"")), "no link to {link}");
        }
    }
    assert_page_contains(&server.get("/files/"), "Files from disk");
}

/// The Dispatcher routes by the path alone; the query goes to the service.
pub fn the_query_string_is_not_part_of_the_route(site: &Site) {
    let server = site.step.start(&[]);
    assert_page_contains(&server.get("/hello.html?x=1&y"), "Hello World at ");
    assert_page_contains(&server.get("/index.html?"), "You asked for /index.html?.");
}

/// A path that no service registered gets 404, saying which.
pub fn an_unknown_path_gets_404_naming_it(site: &Site) {
    let server = site.step.start(&[]);
    let reply = server.get("/nope?x=1");
    assert_eq!(reply.status, 404);
    assert!(reply.text().contains("Service &#39;/nope&#39; not found!"), "{}", reply.text());
}

/// Three sleepers take three requests at once; a fourth waits for one to
/// wake. Meanwhile the other services answer as usual.
pub fn the_fourth_sleep_waits_and_others_do_not(site: &Site) {
    let server = site.step.start(&["--sleep", "1"]);
    let started = Instant::now();
    let (mut sleeps, hello) = thread::scope(|scope| {
        let sleeps: Vec<_> =
            (0..4).map(|_| scope.spawn(|| sleep_one_second(&server, started))).collect();
        thread::sleep(Duration::from_millis(300));
        let asked = Instant::now();
        assert_page_contains(&server.get("/hello.html"), "Hello World at ");
        let hello = asked.elapsed();
        (sleeps.into_iter().map(|sleep| sleep.join().unwrap()).collect::<Vec<_>>(), hello)
    });
    sleeps.sort();
    assert!(sleeps[2] < Duration::from_millis(500), "{sleeps:?}");
    assert!(
        sleeps[3] >= Duration::from_millis(900) && sleeps[3] < Duration::from_secs(2),
        "{sleeps:?}"
    );
    assert!(hello < Duration::from_millis(300), "/hello.html waited {hello:?} for the sleepers");
}

/// Asks `server` for a sleep of one second: how long after `started` the
/// answer came.
pub(crate) fn sleep_one_second(server: &Server, started: Instant) -> Duration {
    assert_page_contains(&server.get("/sleep.html"), "is going to sleep for 1 seconds");
    started.elapsed()
}

/// `/sleep.html?S` sleeps S seconds; what is not 0 to 60 seconds gets 400.
/// Step 3's sleepers read the query too.
pub fn the_seconds_come_from_the_query_and_bad_ones_get_400(step: &Step) {
    let server = step.start(&["--sleepers", "1"]);
    assert_page_contains(
        &server.get("/sleep.html?0.25"),
        "Process 0 is going to sleep for 0.25 seconds",
    );
    for bad in ["abc", "100", "-1", "nan", "inf", "1e9", "5s"] {
        let reply = server.get(&format!("/sleep.html?{bad}"));
        assert_eq!(reply.status, 400, "?{bad}");
        assert!(reply.text().contains("Ask for 0 to 60 seconds"), "{}", reply.text());
    }
}

/// Requests for `/` are spread over both Index instances.
pub fn both_index_instances_serve(site: &Site) {
    let server = site.step.start(&[]);
    let pages: Vec<String> = (0..40).map(|_| server.get("/").text()).collect();
    for id in 0..2 {
        let served = format!("Served by process {id}");
        assert!(pages.iter().any(|page| page.contains(&served)), "{served} never seen");
    }
}

/// Files under the root come back unchanged, with the type their name says,
/// and the time they last changed.
pub fn files_come_back_byte_for_byte_with_their_type(site: &Site) {
    // Served from the suite's own copy, whose times the check knows: a
    // program copied from a step has its `www` copied too, with new times.
    let server = site.step.start(&["--root", site.www]);
    for (name, kind) in [
        ("index.html", "text/html; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("network.svg", "image/svg+xml"),
        ("pixels.png", "image/png"),
    ] {
        let reply = server.get(&format!("/files/{name}"));
        assert_eq!(reply.status, 200, "{name}");
        assert_eq!(reply.header("Content-Type"), Some(kind), "{name}");
        let modified = fs::metadata(format!("{}/{name}", site.www)).unwrap().modified().unwrap();
        let modified = chrono::DateTime::<chrono::Utc>::from(modified);
        let date = modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        assert_eq!(reply.header("Last-Modified"), Some(date.as_str()), "{name}");
        assert_eq!(reply.header("Cache-Control"), None, "{name}");
        assert_eq!(reply.body, fs::read(format!("{}/{name}", site.www)).unwrap(), "{name}");
    }
}

/// A directory is answered with its `index.html`; without its final `/` it is redirected.
pub fn a_directory_is_served_by_its_index_and_needs_its_slash(site: &Site) {
    let server = site.step.start(&[]);
    assert_eq!(server.get("/files/").body, fs::read(format!("{}/index.html", site.www)).unwrap());
    let reply = server.get("/files");
    assert_eq!(reply.status, 301);
    assert_eq!(reply.header("Location"), Some("/files/"));
}

/// No way of writing `..` gets out of the root.
pub fn paths_out_of_the_root_are_refused(site: &Site) {
    let server = site.step.start(&[]);
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2e%2e%2fCargo.toml",
        "/files/../Cargo.toml",
        "/files/%2e%2e/Cargo.toml",
        "/files/%2e%2e%2fCargo.toml",
        "/files/%2E%2E/%2E%2E/Cargo.toml",
        "/files/..%2f..%2fCargo.toml",
        "/files//etc/passwd",
        "/files/%2fetc%2fpasswd",
    ] {
        let reply = server.get(path);
        assert!(matches!(reply.status, 403 | 404), "{path} got {}", reply.status);
        assert!(
            !reply.text().contains("[package]") && !reply.text().contains("root:"),
            "{path} leaked"
        );
    }
    assert_eq!(server.get("/files/%2e%2e/Cargo.toml").status, 403);
}

/// Makes `link` a symbolic link to `target`.
#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("make a symbolic link");
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) {
    crate::cannot_run_here("it makes symbolic links, which Windows lets only some users make")
}

/// A symbolic link is followed only when it stays inside the root.
pub fn a_symlink_out_of_the_root_is_refused_and_one_inside_is_followed(site: &Site) {
    let outside = TempDir::new().unwrap();
    let root = TempDir::new().unwrap();
    fs::write(outside.path().join("secret.txt"), "the secret").unwrap();
    fs::write(root.path().join("with space.txt"), "inside").unwrap();
    symlink(&outside.path().join("secret.txt"), &root.path().join("secret.txt"));
    symlink(outside.path(), &root.path().join("elsewhere"));
    symlink(&root.path().join("with space.txt"), &root.path().join("alias.txt"));
    let server = site.step.start(&["--root", root.path().to_str().unwrap()]);
    for path in ["/files/secret.txt", "/files/elsewhere/secret.txt"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 403, "{path}");
        assert!(!reply.text().contains("the secret"));
    }
    assert_eq!(server.get("/files/with%20space.txt").text(), "inside");
    assert_eq!(server.get("/files/alias.txt").text(), "inside");
    assert_eq!(
        server.get("/files/alias.txt").header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
}

/// A file that is not there gets 404, and so does a file named as a directory.
pub fn a_missing_file_gets_404(site: &Site) {
    let server = site.step.start(&[]);
    let reply = server.get("/files/nothere.html");
    assert_eq!(reply.status, 404);
    assert!(reply.text().contains("There is no file /files/nothere.html."), "{}", reply.text());
    let as_directory = server.get("/files/style.css/");
    assert_eq!(as_directory.status, 404, "a file is not a directory");
}

/// HEAD on a file gets its type and length, and no body.
pub fn head_on_a_file_gets_its_length_and_no_body(site: &Site) {
    let server = site.step.start(&[]);
    let reply = server.exchange(b"HEAD /files/pixels.png HTTP/1.0\r\n\r\n");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("Content-Type"), Some("image/png"));
    let length = fs::metadata(format!("{}/pixels.png", site.www)).unwrap().len().to_string();
    assert_eq!(reply.header("Content-Length"), Some(length.as_str()));
    assert!(reply.body.is_empty());
}

/// A 64 MiB file goes out whole while the server's peak memory stays far
/// below the file's size: it is streamed from disk, not read into memory.
pub fn a_large_file_is_streamed_not_held_in_memory(site: &Site) {
    const SIZE: usize = 64 * 1024 * 1024;
    let root = TempDir::new().unwrap();
    fs::write(root.path().join("large.bin"), vec![7u8; SIZE]).unwrap();
    let server = site.step.start(&["--root", root.path().to_str().unwrap()]);
    let mut stream = server.connect();
    stream.write_all(b"GET /files/large.bin HTTP/1.0\r\n\r\n").unwrap();
    let mut received = 0;
    let mut chunk = vec![0; 1 << 16];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => received += read,
            // A child that exits interrupts a read: wait-timeout catches SIGCHLD.
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => panic!("reading the file: {error}"),
        }
    }
    assert!(received > SIZE && received < SIZE + 512, "received {received} bytes");
    let peak_kib = server.peak_memory_kib();
    assert!(peak_kib < 30 * 1024, "peak resident memory {peak_kib} KiB");
}

/// Starts `dispatcher` with a `/time.html` service of two instances, the
/// first of which has already ended; returns the request writer and the live
/// instance's request reader.
fn dispatcher_with_a_dead_instance(
    dispatcher: Dispatcher,
) -> (Sender<ServiceRequest>, Receiver<ServiceRequest>) {
    let (register_writer, register_reader) = crossbeam_channel::bounded(0);
    let (request_writer, request_reader) = crossbeam_channel::bounded(0);
    thread::spawn(move || dispatcher(register_reader, request_reader));
    let (dead, _) = crossbeam_channel::bounded::<ServiceRequest>(0);
    let (live, live_reader) = crossbeam_channel::bounded(0);
    register_writer.send(("/time.html".into(), dead)).unwrap();
    register_writer.send(("/time.html".into(), live)).unwrap();
    (request_writer, live_reader)
}

/// Sends a request for `/time.html` and returns its reply reader.
fn ask_for_the_time(request_writer: &Sender<ServiceRequest>) -> Receiver<Response> {
    let (reply_writer, reply_reader) = crossbeam_channel::bounded(1);
    request_writer.send(("/time.html".into(), reply_writer)).unwrap();
    reply_reader
}

/// An instance that has ended looks ready to the Dispatcher's Alt: a send to
/// it fails at once. The Dispatcher forgets it, and the request goes to the
/// live instance, every time.
pub fn a_dead_instance_is_forgotten_and_the_live_one_gets_every_request(dispatcher: Dispatcher) {
    let (request_writer, live) = dispatcher_with_a_dead_instance(dispatcher);
    for _ in 0..20 {
        let reply = ask_for_the_time(&request_writer);
        let (target, reply_writer) = live.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(target, "/time.html");
        reply_writer.send(http1::response(200, "OK", "now")).unwrap();
        assert!(reply.recv().is_ok());
    }
}

/// When every instance of a service has ended, the requests waiting for it get 503.
pub fn when_every_instance_has_ended_the_waiting_get_503(dispatcher: Dispatcher) {
    let (request_writer, live) = dispatcher_with_a_dead_instance(dispatcher);
    drop(live);
    let reply = ask_for_the_time(&request_writer).recv_timeout(Duration::from_secs(5));
    assert_eq!(reply.map(|reply| reply.status()).ok(), Some(503));
}
