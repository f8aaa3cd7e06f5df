//! Every cell of OpenAPI's style examples, both ways (e2e/src/style_matrix.rs).

#[tokio::test]
async fn every_style_example_cell_passes_both_ways() {
    let outcomes = e2e::style_matrix::run().await;
    let report = e2e::style_matrix::report(&outcomes);
    assert!(outcomes.iter().all(|outcome| outcome.client.is_ok() && outcome.server.is_ok()), "{report}");
}
