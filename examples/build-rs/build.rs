fn main() {
    // Only the client half: this crate calls the API, it does not serve it.
    apigen::Builder::new("../../specs/authenticate-refresh.yaml")
        .server(false)
        .compile()
        .unwrap_or_else(|error| panic!("{error}"));
}
