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
//! This library holds what the web servers need beyond `http1`: a handler
//! that fails gets 500 instead of a dead connection ([`or_500`]), and a
//! submitted form is decoded ([`form`]). The web servers take step 1's
//! options, `step1_hello::Config`, and a few of their own.

pub mod form;

use std::panic::{self, AssertUnwindSafe};

use http1::{Request, Response};

// ANCHOR: or_500
/// `handler`, made to answer 500 Internal Server Error when it panics,
/// instead of leaving the client with a connection closed without a word.
pub fn or_500(handler: impl FnOnce(&Request) -> Response) -> impl FnOnce(&Request) -> Response {
    move |request| {
        panic::catch_unwind(AssertUnwindSafe(|| handler(request)))
            .unwrap_or_else(|_| http1::error_page(500, "The server failed while answering."))
    }
}
// ANCHOR_END: or_500
