//! Errors and warnings, each naming the spec file and where in it the fault lies.

use std::fmt;
use std::path::PathBuf;

/// Where in a spec a diagnostic points: a JSON pointer (`#/paths/~1pets/get`) or, for a file
/// that does not parse, a line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Pointer(String),
    LineColumn(usize, usize),
    File,
}

/// A fault found before the file is known (the loader and model work on text and values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub location: Location,
    pub message: String,
}

impl Fault {
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Fault { location: Location::Pointer(pointer.into()), message: message.into() }
    }

    /// The same fault, saying what the generator did about it (`the operation … is left out`).
    pub fn and(self, outcome: &str) -> Self {
        Fault { location: self.location, message: format!("{}; {outcome}", self.message) }
    }
}

/// A spec the generator cannot turn into code. Never a panic: every fault ends here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub file: PathBuf,
    pub location: Location,
    pub message: String,
}

impl Error {
    pub(crate) fn new(file: impl Into<PathBuf>, fault: Fault) -> Self {
        Error { file: file.into(), location: fault.location, message: fault.message }
    }

    pub(crate) fn io(file: impl Into<PathBuf>, error: &std::io::Error) -> Self {
        Error { file: file.into(), location: Location::File, message: error.to_string() }
    }
}

/// A construct the generator could not express exactly; the output holds its nearest faithful
/// fallback (`serde_json::Value`, raw bytes), and this says where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub file: PathBuf,
    pub location: Location,
    pub message: String,
}

fn write_located(
    f: &mut fmt::Formatter<'_>,
    file: &std::path::Path,
    location: &Location,
    message: &str,
) -> fmt::Result {
    let message = brief(message);
    match location {
        Location::Pointer(pointer) => write!(f, "{}: {pointer}: {message}", file.display()),
        Location::LineColumn(line, column) => write!(f, "{}:{line}:{column}: {message}", file.display()),
        Location::File => write!(f, "{}: {message}", file.display()),
    }
}

/// A message cut to a readable length: serde quotes the value at fault, which in a hostile
/// spec can be megabytes long.
fn brief(message: &str) -> std::borrow::Cow<'_, str> {
    const LIMIT: usize = 600;
    match message.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}… ({} bytes in all)", &message[..end], message.len()).into(),
        None => message.into(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_located(f, &self.file, &self.location, &self.message)
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_located(f, &self.file, &self.location, &self.message)
    }
}

impl std::error::Error for Error {}

/// Appends one reference token to a JSON pointer, escaped.
pub(crate) fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// A JSON pointer's reference token for a key: `~` as `~0`, `/` as `~1` (RFC 6901).
pub fn escape_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The key a JSON pointer's reference token stands for.
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
