//! The solutions "Serve real files" and "Serve each file with its type",
//! over real TCP: files come back byte for byte, with the type their name
//! says, from inside the root only; and the HTTP conventions hold.

use std::fs;

use testkit::conventions::Step;
use testkit::{Server, TempDir};

const BINARY: &str = env!("CARGO_BIN_EXE_file-server");
const STEP: Step = Step { binary: BINARY, args: &[], ok_path: "/files/" };

testkit::http_conventions!(STEP);

/// A directory with a few files of different kinds, and the server serving it.
fn serve_samples() -> (TempDir, Server) {
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
    let server = Server::start(BINARY, &["--root", root.path().to_str().unwrap()]);
    (root, server)
}

#[test]
fn files_come_back_byte_for_byte() {
    let (root, server) = serve_samples();
    for name in ["index.html", "photo.JPG", "sub/page.html"] {
        let reply = server.get(&format!("/files/{name}"));
        assert_eq!(reply.status, 200, "{name}: {}", reply.head);
        assert_eq!(reply.body, fs::read(root.path().join(name)).unwrap(), "{name}");
    }
}

#[test]
fn each_file_gets_the_type_its_name_says() {
    let (_root, server) = serve_samples();
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

#[test]
fn missing_files_get_404_and_paths_out_of_the_root_403() {
    let (_root, server) = serve_samples();
    assert_eq!(server.get("/files/nothing.html").status, 404);
    assert_eq!(server.get("/index.html").status, 404);
    assert_eq!(server.get("/files/../Cargo.toml").status, 403);
    assert_eq!(server.get("/files/sub/%2e%2e/%2e%2e/Cargo.toml").status, 403);
}

#[test]
fn the_root_and_directories_send_the_browser_on() {
    let (_root, server) = serve_samples();
    for (path, location) in [("/", "/files/"), ("/files", "/files/"), ("/files/sub", "/files/sub/")]
    {
        let reply = server.get(path);
        assert_eq!(reply.status, 301, "{path}: {}", reply.head);
        assert_eq!(reply.header("Location"), Some(location), "{path}");
    }
    assert_eq!(server.get("/files/").text(), "<h1>home</h1>");
}
