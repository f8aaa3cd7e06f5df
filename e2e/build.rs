//! Generates every test-only spec in `specs/` (constructs the seed specs do not have) into
//! `OUT_DIR`, one module file each.

fn main() {
    println!("cargo:rerun-if-changed=specs");
    let mut specs: Vec<_> =
        // Files only: `specs/parts/` holds files that specs reference, not specs.
        std::fs::read_dir("specs")
            .expect("e2e/specs")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_file())
            .collect();
    specs.sort();
    for spec in specs {
        apigen::Builder::new(&spec).compile().unwrap_or_else(|error| panic!("{error}"));
    }
}
