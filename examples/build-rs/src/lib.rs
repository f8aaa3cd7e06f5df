//! A crate that generates its API client at build time: `build.rs` calls
//! `apigen::Builder::compile`, which writes `$OUT_DIR/authenticate_refresh.rs`.

include!(concat!(env!("OUT_DIR"), "/authenticate_refresh.rs"));
