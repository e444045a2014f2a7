//! A thread per connection, and nothing more: `naive-threads PAGE_FILE`.

use std::sync::Arc;
use std::thread;

fn main() -> std::io::Result<()> {
    let answer: Arc<[u8]> = bench_peers::answer_from_args().into();
    for stream in bench_peers::listen()?.incoming().flatten() {
        let answer = Arc::clone(&answer);
        thread::spawn(move || bench_peers::handle_connection(stream, &answer));
    }
    Ok(())
}
