//! A thread per client, as Python's `ThreadingTCPServer` and
//! `ThreadingHTTPServer` do: the servers here that must serve clients at the
//! same time all accept the same way.

use std::net::{TcpListener, TcpStream};
use std::thread;

use crate::log;

// ANCHOR: thread_per_client
/// Accepts clients for ever and serves each on a thread of its own.
///
/// `serve` gets the connection and owns it; the loop keeps nothing, and goes
/// back to accept the next client at once.
pub fn thread_per_client(
    listener: TcpListener,
    serve: impl Fn(TcpStream) + Clone + Send + 'static,
) {
    for connection in listener.incoming() {
        let stream = match connection {
            Ok(stream) => stream,
            Err(error) => {
                http1::accept_failed(error);
                continue;
            }
        };
        let serve = serve.clone();
        if let Err(error) = thread::Builder::new().spawn(move || serve(stream)) {
            log(&format!("cannot start a thread: {error}"));
        }
    }
}
// ANCHOR_END: thread_per_client
