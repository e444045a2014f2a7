//! Runs the server: `--help` lists its options.

use std::process::ExitCode;

use clap::Parser;
use tokio::runtime;

use step7_async::{Config, ctrl_c, run};

fn main() -> ExitCode {
    let config = Config::parse();
    // One thread runs every task, as cas pass 4's loop does; more share them.
    let mut builder = match config.threads {
        Some(1) => runtime::Builder::new_current_thread(),
        Some(threads) => {
            let mut builder = runtime::Builder::new_multi_thread();
            builder.worker_threads(threads.into());
            builder
        }
        None => runtime::Builder::new_multi_thread(),
    };
    let serving = builder.enable_all().build().map_err(anyhow::Error::from).and_then(|runtime| {
        runtime.block_on(async {
            let listener = http1::asynchronous::listen(&config.host, config.port)?;
            run(listener, config, ctrl_c()).await;
            Ok(())
        })
    });
    serverkit::exit_code(serving)
}
