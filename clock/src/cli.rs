//! The command-line pieces the programs share: where a server listens, where a
//! client connects, durations in seconds, and how `main` reports a failure
//! (the last two shared with the cas programs, through `serverkit`).

use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use anyhow::Context;
use clap::Args;

pub use serverkit::{exit_code, parse_seconds, parse_timeout};

/// The lecture's port for the clock servers, and for the other plain TCP servers here.
pub const CLOCK_PORT: u16 = 12091;

/// The lecture's port for the web servers.
pub const WEB_PORT: u16 = 8000;

/// Where a plain TCP server listens.
#[derive(Debug, Clone, Args)]
pub struct Listen {
    /// Address to listen on; 0.0.0.0 lets other machines connect.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 lets the system pick a free one.
    #[arg(long, default_value_t = CLOCK_PORT)]
    pub port: u16,
}

impl Listen {
    /// Binds the address and says where the server listens: `listening on 127.0.0.1:12091`.
    pub fn bind(&self) -> anyhow::Result<TcpListener> {
        serverkit::listen(&self.host, self.port)
    }
}

/// Where a web server listens.
#[derive(Debug, Clone, Args)]
pub struct WebListen {
    /// Address to listen on; 0.0.0.0 lets other machines connect.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 lets the system pick a free one.
    #[arg(long, default_value_t = WEB_PORT)]
    pub port: u16,
}

impl WebListen {
    /// Binds the address and says where the server listens: `listening on http://127.0.0.1:8000/`.
    pub fn bind(&self) -> anyhow::Result<TcpListener> {
        http1::listen(&self.host, self.port)
    }
}

/// Where a client finds its server, and how long it waits for an answer.
#[derive(Debug, Clone, Args)]
pub struct Connect {
    /// The server's address.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The server's port.
    #[arg(long, default_value_t = CLOCK_PORT)]
    pub port: u16,
    /// Seconds to wait for each answer of the server.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_timeout)]
    pub timeout: Duration,
}

impl Connect {
    /// Connects to the server.
    pub fn connect(&self) -> anyhow::Result<TcpStream> {
        TcpStream::connect((self.host.as_str(), self.port))
            .with_context(|| format!("cannot connect to {}:{}", self.host, self.port))
    }
}
