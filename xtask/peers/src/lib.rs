//! The benchmark's Rust peers: what a student would write before reading
//! this course, each a few dozen lines. `cargo xtask bench` loads them beside
//! the steps, nginx and Python, answering the same fixed page.
//!
//! - `naive-threads PAGE_FILE`: a thread per connection, as the Rust book's
//!   first multithreaded server and our step 1 do, with none of step 1's care.
//! - `book-pool PAGE_FILE`: the Rust book's final web server (chapter 21),
//!   four workers taking jobs from an `Arc<Mutex<mpsc::Receiver>>`.
//!
//! Both read the request head to its blank line with a `BufReader` and write
//! the page, then close. They listen on a free port of 127.0.0.1 and say
//! where, as the workspace's servers do.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

/// Binds a free port of 127.0.0.1 and prints `listening on http://ADDR/`.
pub fn listen() -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("listening on http://{}/", listener.local_addr()?);
    Ok(listener)
}

/// The page named on the command line, as a whole HTTP answer.
pub fn answer_from_args() -> Vec<u8> {
    let path = std::env::args().nth(1).expect("usage: PROGRAM PAGE_FILE");
    let page = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        page.len()
    );
    [head.into_bytes(), page].concat()
}

/// Reads the request head up to its blank line, as the Rust book does, and
/// writes `answer`. A client that misbehaves just ends the connection.
pub fn handle_connection(stream: TcpStream, answer: &[u8]) {
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
        line.clear();
    }
    let _ = (&stream).write_all(answer);
}
