//! A client for line protocols: one request per line, one answer per line.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use crate::Server;

/// A connection to a line-protocol server (such as the cas passes), read
/// line by line.
pub struct LineClient {
    /// Where requests go.
    stream: TcpStream,
    /// Where answers come from: the same connection, buffered for lines.
    reader: BufReader<TcpStream>,
}

impl LineClient {
    /// Connects to `server`, with TCP_NODELAY so that each write is a segment of its own.
    pub fn new(server: &Server) -> LineClient {
        let stream = server.connect();
        stream.set_nodelay(true).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        LineClient { stream, reader }
    }

    /// Sends `text` as it is, in one write.
    pub fn send(&mut self, text: &str) {
        self.try_send(text).unwrap();
    }

    /// Sends `text`, and says whether the server still took it.
    pub fn try_send(&mut self, text: &str) -> std::io::Result<()> {
        self.stream.write_all(text.as_bytes())
    }

    /// Ends the sending side: the server reads the end of the stream.
    pub fn finish_sending(&self) {
        self.stream.shutdown(std::net::Shutdown::Write).unwrap();
    }

    /// Sends `pieces` as separate segments, `pause` apart.
    pub fn send_in_pieces(&mut self, pieces: &[&str], pause: Duration) {
        for (index, piece) in pieces.iter().enumerate() {
            if index > 0 {
                thread::sleep(pause);
            }
            self.send(piece);
        }
    }

    /// Reads one answer line, without its `\n`; fails if the server closed instead.
    pub fn answer(&mut self) -> String {
        let mut line = String::new();
        let read = self.reader.read_line(&mut line).expect("an answer");
        assert!(read > 0, "the server closed the connection instead of answering");
        assert!(line.ends_with('\n'), "{line:?} has no end of line");
        line.trim_end_matches('\n').to_string()
    }

    /// Sends `request` and its `\n`, and reads the answer.
    pub fn ask(&mut self, request: &str) -> String {
        self.send(&format!("{request}\n"));
        self.answer()
    }

    /// Every answer until the server is quiet for `quiet`.
    pub fn answers_until_quiet(&mut self, quiet: Duration) -> Vec<String> {
        self.stream.set_read_timeout(Some(quiet)).unwrap();
        let answers = self.read_answers();
        self.stream.set_read_timeout(Some(crate::PATIENCE)).unwrap();
        answers
    }

    /// The answers that come before the stream ends or goes quiet.
    fn read_answers(&mut self) -> Vec<String> {
        let mut answers = Vec::new();
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return answers,
                Ok(_) => answers.push(line.trim_end_matches('\n').to_string()),
                Err(error)
                    if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                {
                    return answers;
                }
                Err(error) => panic!("reading answers: {error}"),
            }
        }
    }

    /// Waits for the server to close the connection, and returns what came before.
    pub fn rest_until_closed(&mut self) -> String {
        let mut rest = String::new();
        let started = Instant::now();
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return rest,
                Ok(_) => rest += &line,
                Err(error) if error.kind() == ErrorKind::ConnectionReset => return rest,
                Err(error) => panic!("not closed after {:?}: {error}", started.elapsed()),
            }
        }
    }
}
