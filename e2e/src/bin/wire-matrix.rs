//! Prints the wire matrix (e2e/src/style_matrix.rs): OpenAPI's style examples through the
//! generated client and server, cell by cell. Exits 1 when a cell fails.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let outcomes = e2e::style_matrix::run().await;
    print!("{}", e2e::style_matrix::report(&outcomes));
    if outcomes.iter().all(|outcome| outcome.client.is_ok() && outcome.server.is_ok()) {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
