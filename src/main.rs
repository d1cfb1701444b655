use clap::Parser;

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
