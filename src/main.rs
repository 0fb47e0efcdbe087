use clap::Parser;

fn main() {
    let cli = kgx::cli::Cli::parse();
    if let Err(e) = kgx::cli::run(cli) {
        eprintln!("error: {e}");
        std::process::exit(match e {
            kgx::Error::StoreLocked { .. } => 3,
            kgx::Error::Query(_) => 4,
            _ => 1,
        });
    }
}
