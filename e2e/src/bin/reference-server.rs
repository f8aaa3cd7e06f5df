//! Serves one seed API's reference implementation on 127.0.0.1:
//! `reference-server <api> <port>`, the API named like its spec (`bnn-console`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(api), Some(port)) = (args.next(), args.next()) else {
        return Err("usage: reference-server <api> <port>".into());
    };
    let router = e2e::reference::router(&api).ok_or_else(|| format!("no reference implementation of {api:?}"))?;
    let port: u16 = port.parse()?;
    tokio::runtime::Runtime::new()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        apigen_runtime::server::axum::serve(listener, router).await?;
        Ok(())
    })
}
