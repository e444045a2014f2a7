//! Reply channels: a client makes a fresh `bounded(1)` channel for each
//! request and sends its writer end along with the request, so the answer
//! comes back to that client and no other.

use std::thread;

use crossbeam_channel::{Receiver, Sender};

/// A request: a number to square, and the writer end of the reply channel.
pub type Request = (u64, Sender<u64>);

// ANCHOR: service
/// The service: answers each request on the reply channel that came with it.
pub fn squarer(requests: Receiver<Request>) {
    for (n, reply) in requests {
        // The reply channel has room for the answer: this never waits.
        let _ = reply.send(n * n);
    }
}
// ANCHOR_END: service

// ANCHOR: ask
/// Sends `n` to the service with a fresh reply channel, and returns the
/// reader end, where the answer to this request, and only it, will come.
pub fn ask(service: &Sender<Request>, n: u64) -> Receiver<u64> {
    let (reply_writer, reply_reader) = crossbeam_channel::bounded(1);
    service.send((n, reply_writer)).expect("the service is running");
    reply_reader
}
// ANCHOR_END: ask

// ANCHOR: demo
/// Client A asks and does not read its answer yet; client B asks next.
/// Once with a reply channel per request, once with one shared by both.
pub fn demo() -> Vec<String> {
    let (service, requests) = crossbeam_channel::bounded(0);
    thread::spawn(move || squarer(requests));
    let a = ask(&service, 3);
    let b = ask(&service, 4);
    let mut lines = vec!["one reply channel per request:".to_string()];
    lines.push(format!("  A asked 3, B asked 4; B reads {}", b.recv().expect("an answer")));
    lines.push(format!("  A reads {}", a.recv().expect("an answer")));

    let (shared_writer, shared_reader) = crossbeam_channel::bounded(2);
    service.send((3, shared_writer.clone())).expect("the service is running");
    service.send((4, shared_writer)).expect("the service is running");
    lines.push("one reply channel shared by A and B:".to_string());
    lines.push(format!(
        "  A asked 3, B asked 4; B reads {}",
        shared_reader.recv().expect("an answer")
    ));
    lines
}
// ANCHOR_END: demo

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_gets_its_own_answer() {
        let (service, requests) = crossbeam_channel::bounded(0);
        thread::spawn(move || squarer(requests));
        let clients: Vec<_> = (1..=5)
            .map(|n| {
                let service = service.clone();
                thread::spawn(move || ask(&service, n).recv())
            })
            .collect();
        for (n, client) in (1..=5).zip(clients) {
            assert_eq!(client.join().unwrap(), Ok(n * n));
        }
    }

    #[test]
    fn the_service_does_not_wait_for_a_client_to_read_its_answer() {
        let (service, requests) = crossbeam_channel::bounded(0);
        thread::spawn(move || squarer(requests));
        let unread = ask(&service, 2);
        // A rendezvous send needs the service back in recv: if it still
        // waited to hand over the first answer, this would time out.
        let (reply_writer, second) = crossbeam_channel::bounded(1);
        let timeout = std::time::Duration::from_secs(10);
        assert!(service.send_timeout((5, reply_writer), timeout).is_ok());
        assert_eq!(second.recv().unwrap(), 25);
        assert_eq!(unread.recv().unwrap(), 4);
    }
}
