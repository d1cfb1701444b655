use clap::Parser;

// The intake path allocates many short-lived statement buffers across threads; glibc's malloc
// spent a sixth of the request threads' time on them (perf, scripts/bench intake).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // One TLS crypto provider for the whole process (reqwest and sqlx both use rustls).
    let _ = rustls::crypto::ring::default_provider().install_default();
    match dsar::cli::run(dsar::cli::Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dsar: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
