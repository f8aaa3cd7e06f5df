//! The two halves `e2e/oracles/wire_openapi_core.py` checks with openapi-core:
//!   `wire-oracle serve`       serves the wire spec's generated router (e2e::wire_echo) on an
//!                             ephemeral 127.0.0.1 port, prints its URL, runs until stdin closes
//!   `wire-oracle client URL`  sends the generated client's requests for the wire spec to URL

use e2e::wire::client::Client;
use e2e::wire::operations::{
    GetColorRequest, GetItemsRequest, GetLabelRequest, GetMatrixRequest, SetPreferencesRequest, SignUpRequest,
};
use e2e::wire::types::{Color, GetItemsFilter, Preferences, PreferencesOptions, SignUpRequestBody};
use std::io::Read;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["serve"] => {
            let address = e2e::serve(e2e::wire::server::router(e2e::wire_echo::Echo)).await;
            println!("http://{address}");
            tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await??;
            Ok(())
        }
        ["client", url] => {
            let client = Client::with_base_url(url);
            let color = || Color { r: 100, g: 200, b: 150 };
            // Answers are the recording server's; only what the client sends is judged.
            let _ =
                client.get_items(GetItemsRequest { ids: vec![1, 2, 3], filter: None, pipes: None, spaces: None }).await;
            let filter = GetItemsFilter { status: Some("1".into()), min_total: Some(100) };
            let _ = client
                .get_items(GetItemsRequest {
                    ids: vec![7],
                    filter: Some(filter),
                    // openapi-core 0.23.1 reads neither pipeDelimited nor spaceDelimited
                    // arrays; e2e/tests/wire.rs checks them.
                    pipes: None,
                    spaces: None,
                })
                .await;
            let _ = client
                .get_color(GetColorRequest { color: color(), x_color: Some(color()), x_shade: Some(color()) })
                .await;
            let list = || vec!["blue".to_owned(), "black".to_owned(), "brown".to_owned()];
            let _ = client.get_label(GetLabelRequest { list: list(), color: color() }).await;
            let _ = client.get_matrix(GetMatrixRequest { list: list(), color: color() }).await;
            for username in ["ann", "123", "true"] {
                let body = SignUpRequestBody { username: username.into(), age: 30, nickname: Some("a b&c".into()) };
                let _ = client.sign_up(SignUpRequest { body }).await;
            }
            let preferences = Preferences {
                username: "123".into(),
                tags: Some(vec!["a".into(), "b c".into()]),
                scores: Some(vec![1, 20]),
                colors: Some(vec!["blue".into(), "black".into()]),
                options: Some(PreferencesOptions { gift: Some(true) }),
            };
            let _ = client.set_preferences(SetPreferencesRequest { body: preferences }).await;
            Ok(())
        }
        _ => Err("usage: wire-oracle serve | wire-oracle client URL".into()),
    }
}
