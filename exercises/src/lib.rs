//! Reference solutions to the book's exercises.
//!
//! Each solution is a binary under `src/bin/`, and the book shows it, folded
//! away, at the end of the chapter that asks for it:
//!
//! | binary | exercise |
//! | --- | --- |
//! | `file-server` | python-csp: serve real files on disk, each with its type |
//! | `form-server` | python-csp: more status codes, and a form sent with POST |
//! | `cas-fork` | the CAS notes: a process per client, one register |
//! | `cas-busy` | the CAS notes: the bad one-process solution |
//! | `cas-channels` | the CAS notes and PyCSP: the register as a process of its own |
//!
//! This library holds what the web servers need beyond their own file: the
//! listening socket, step 1's HTTP module changed to read request bodies
//! ([`http`], which a test drives directly too: `diff` it with
//! `step1-hello/src/http.rs`), and the decoding of a submitted form
//! ([`form`]). The web servers take step 1's options, `step1_hello::Config`,
//! and a few of their own.

pub mod form;
pub mod http;

use std::net::TcpListener;

/// Binds the address step 1's options name, and says where the server
/// listens: `listening on http://127.0.0.1:8080/`.
pub fn listen(config: &step1_hello::Config) -> anyhow::Result<TcpListener> {
    let listener = serverkit::bind(&config.host, config.port)?;
    println!("listening on http://{}/", listener.local_addr()?);
    Ok(listener)
}
