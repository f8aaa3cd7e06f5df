//! OpenAPI 3.2's "Style Examples" table as a wire matrix. Every cell (location x style x
//! explode x value) is checked both ways through e2e/specs/styles.yaml, one operation per
//! row: the generated client's text, as a recording server here receives it, must be the
//! table's text exactly; and the table's text, sent by hand to the generated server, must
//! read back as the value. The expected text is the specification's, written out here, never
//! produced by our encoder. `cargo xtask wire-matrix` prints the matrix; e2e/tests/styles.rs
//! requires every cell to pass.

use crate::styles::client::Client;
use crate::styles::operations::*;
use crate::styles::server::Api;
use apigen_runtime::server::HandlerError;
use serde_json::{json, Value};
use std::net::SocketAddr;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// The values a cell sends: the table's three, the empty string (its `undefined` column,
/// which OpenAPI 3.2 fills with RFC 6570's renderings of `""`), and two of our own: a string
/// that needs percent-encoding, a list whose items hold a delimiter and a space, and a string
/// for `allowReserved`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Empty,
    String,
    Array,
    Object,
    Escaped,
    EscapedList,
    Reserved,
}

impl Shape {
    pub const ALL: [Shape; 7] =
        [Shape::Empty, Shape::String, Shape::Array, Shape::Object, Shape::Escaped, Shape::EscapedList, Shape::Reserved];

    pub fn title(self) -> &'static str {
        match self {
            Shape::Empty => "empty",
            Shape::String => "string",
            Shape::Array => "array",
            Shape::Object => "object",
            Shape::Escaped => "escaped",
            Shape::EscapedList => "escaped list",
            Shape::Reserved => "reserved",
        }
    }

    /// The value in JSON: what the client is given and what the server must read.
    pub fn value(self) -> Value {
        match self {
            Shape::Empty => json!(""),
            Shape::String => json!("blue"),
            Shape::Array => json!(["blue", "black", "brown"]),
            Shape::Object => json!({"R": 100, "G": 200, "B": 150}),
            Shape::Escaped => json!("R&D, 50%/50"),
            Shape::EscapedList => json!(["a,b", "c d"]),
            Shape::Reserved => json!("a/b?c:d@e"),
        }
    }

    /// The schema of the operation that carries the value.
    fn schema(self) -> &'static str {
        match self {
            Shape::Array | Shape::EscapedList => "array",
            Shape::Object => "object",
            _ => "string",
        }
    }
}

/// One cell: where `color` travels, how, and the text the table gives for the value.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    pub location: &'static str,
    pub style: &'static str,
    pub explode: bool,
    pub shape: Shape,
    pub text: &'static str,
}

impl Cell {
    /// The operation's route without the path parameter: `/path/label/exploded/array`.
    fn route(&self) -> String {
        let arrangement = match (self.shape, self.explode) {
            (Shape::Reserved, _) => "reserved",
            (_, true) => "exploded",
            (_, false) => "flat",
        };
        format!("/{}/{}/{arrangement}/{}", self.location, self.style, self.shape.schema())
    }

    /// The operation's method name: `path_label_exploded_array`.
    fn operation(&self) -> String {
        let style: String = self
            .style
            .chars()
            .flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] })
            .collect();
        self.route().trim_start_matches('/').replace('/', "_").replace(self.style, &style).replace('-', "_")
    }

    /// The request target and extra header lines that carry the table's text.
    fn raw_request(&self) -> (String, Option<String>) {
        let route = self.route();
        match self.location {
            "path" => (format!("{route}/{}", self.text), None),
            "query" => (format!("{route}?{}", self.text), None),
            "header" => (route, Some(format!("color: {}", self.text))),
            // The value travels in as a non-exploded `form` query, whose cell says how.
            "response-header" => (format!("{route}?{}", query_text(self.shape)), None),
            _ => (route, Some(format!("cookie: {}", self.text))),
        }
    }
}

/// The table's text for `shape` as a non-exploded `form` query.
fn query_text(shape: Shape) -> &'static str {
    TABLE
        .iter()
        .find(|cell| (cell.location, cell.style, cell.explode, cell.shape) == ("query", "form", false, shape))
        .map_or("", |cell| cell.text)
}

const fn cell(location: &'static str, style: &'static str, explode: bool, shape: Shape, text: &'static str) -> Cell {
    Cell { location, style, explode, shape, text }
}

use Shape::{Array, Empty, Escaped, EscapedList, Object, Reserved, String as Str};

/// The table (OpenAPI 3.2.0, "Style Examples"), row by row, and our escaped and reserved
/// cells; then response headers, which follow the same `simple` rules (the Header Object).
/// Cells the table marks n/a are absent, as are two the URL standards rule out: the empty
/// path `simple` value (an empty segment, which no router matches) and the empty `label` value
/// (`.`, a dot segment, which every URL parser removes: RFC 3986 5.2.4, WHATWG URL).
pub const TABLE: &[Cell] = &[
    cell("path", "matrix", false, Empty, ";color"),
    cell("path", "matrix", false, Str, ";color=blue"),
    cell("path", "matrix", false, Array, ";color=blue,black,brown"),
    cell("path", "matrix", false, Object, ";color=R,100,G,200,B,150"),
    cell("path", "matrix", false, Escaped, ";color=R%26D%2C%2050%25%2F50"),
    cell("path", "matrix", false, EscapedList, ";color=a%2Cb,c%20d"),
    cell("path", "matrix", true, Empty, ";color"),
    cell("path", "matrix", true, Str, ";color=blue"),
    cell("path", "matrix", true, Array, ";color=blue;color=black;color=brown"),
    cell("path", "matrix", true, Object, ";R=100;G=200;B=150"),
    cell("path", "label", false, Str, ".blue"),
    cell("path", "label", false, Array, ".blue,black,brown"),
    cell("path", "label", false, Object, ".R,100,G,200,B,150"),
    cell("path", "label", false, Escaped, ".R%26D%2C%2050%25%2F50"),
    cell("path", "label", false, EscapedList, ".a%2Cb,c%20d"),
    cell("path", "label", true, Str, ".blue"),
    cell("path", "label", true, Array, ".blue.black.brown"),
    cell("path", "label", true, Object, ".R=100.G=200.B=150"),
    cell("path", "simple", false, Str, "blue"),
    cell("path", "simple", false, Array, "blue,black,brown"),
    cell("path", "simple", false, Object, "R,100,G,200,B,150"),
    cell("path", "simple", false, Escaped, "R%26D%2C%2050%25%2F50"),
    cell("path", "simple", false, EscapedList, "a%2Cb,c%20d"),
    cell("path", "simple", true, Str, "blue"),
    cell("path", "simple", true, Array, "blue,black,brown"),
    cell("path", "simple", true, Object, "R=100,G=200,B=150"),
    cell("query", "form", false, Empty, "color="),
    cell("query", "form", false, Str, "color=blue"),
    cell("query", "form", false, Array, "color=blue,black,brown"),
    cell("query", "form", false, Object, "color=R,100,G,200,B,150"),
    cell("query", "form", false, Escaped, "color=R%26D%2C%2050%25%2F50"),
    cell("query", "form", false, EscapedList, "color=a%2Cb,c%20d"),
    cell("query", "form", true, Empty, "color="),
    cell("query", "form", true, Str, "color=blue"),
    cell("query", "form", true, Array, "color=blue&color=black&color=brown"),
    cell("query", "form", true, Object, "R=100&G=200&B=150"),
    cell("query", "form", true, Escaped, "color=R%26D%2C%2050%25%2F50"),
    cell("query", "form", true, EscapedList, "color=a%2Cb&color=c%20d"),
    cell("query", "form", true, Reserved, "color=a/b?c:d@e"),
    cell("query", "spaceDelimited", false, Array, "color=blue%20black%20brown"),
    cell("query", "spaceDelimited", false, Object, "color=R%20100%20G%20200%20B%20150"),
    cell("query", "pipeDelimited", false, Array, "color=blue%7Cblack%7Cbrown"),
    cell("query", "pipeDelimited", false, Object, "color=R%7C100%7CG%7C200%7CB%7C150"),
    cell("query", "deepObject", true, Object, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
    cell("header", "simple", false, Empty, ""),
    cell("header", "simple", false, Str, "blue"),
    cell("header", "simple", false, Array, "blue,black,brown"),
    cell("header", "simple", false, Object, "R,100,G,200,B,150"),
    cell("header", "simple", false, Escaped, "R&D, 50%/50"),
    cell("header", "simple", true, Str, "blue"),
    cell("header", "simple", true, Array, "blue,black,brown"),
    cell("header", "simple", true, Object, "R=100,G=200,B=150"),
    cell("cookie", "form", false, Empty, "color="),
    cell("cookie", "form", false, Str, "color=blue"),
    cell("cookie", "form", false, Array, "color=blue,black,brown"),
    cell("cookie", "form", false, Object, "color=R,100,G,200,B,150"),
    cell("cookie", "form", false, Escaped, "color=R%26D%2C%2050%25%2F50"),
    cell("cookie", "form", false, EscapedList, "color=a%2Cb,c%20d"),
    cell("cookie", "form", true, Str, "color=blue"),
    cell("cookie", "form", true, Escaped, "color=R%26D%2C%2050%25%2F50"),
    cell("cookie", "cookie", false, Empty, "color="),
    cell("cookie", "cookie", false, Str, "color=blue"),
    cell("cookie", "cookie", false, Array, "color=blue,black,brown"),
    cell("cookie", "cookie", false, Object, "color=R,100,G,200,B,150"),
    cell("cookie", "cookie", true, Empty, "color="),
    cell("cookie", "cookie", true, Str, "color=blue"),
    cell("cookie", "cookie", true, Array, "color=blue; color=black; color=brown"),
    cell("cookie", "cookie", true, Object, "R=100; G=200; B=150"),
    cell("response-header", "simple", false, Empty, ""),
    cell("response-header", "simple", false, Str, "blue"),
    cell("response-header", "simple", false, Array, "blue,black,brown"),
    cell("response-header", "simple", false, Object, "R,100,G,200,B,150"),
    cell("response-header", "simple", false, Escaped, "R&D, 50%/50"),
    cell("response-header", "simple", true, Str, "blue"),
    cell("response-header", "simple", true, Array, "blue,black,brown"),
    cell("response-header", "simple", true, Object, "R=100,G=200,B=150"),
];

/// What one cell came to, each side `Ok` or what went wrong.
#[derive(Debug)]
pub struct Outcome {
    pub cell: Cell,
    pub client: Result<(), String>,
    pub server: Result<(), String>,
}

/// The operations of e2e/specs/styles.yaml: one echo method each for the server, one call
/// each for the client. Request operations answer with the value they read as JSON; response
/// header operations send the value of their query parameter back in the header `color`.
macro_rules! operations {
    (
        requests { $($method:ident: $request:ident => $response:ident),* $(,)? }
        response_headers { $($header_method:ident: $header_request:ident => $header_response:ident),* $(,)? }
    ) => {
        /// Answers every operation with the value it read.
        pub struct StyleEcho;

        impl Api for StyleEcho {
            $(
                async fn $method(&self, request: $request) -> Result<$response, HandlerError> {
                    Ok($response::Ok(serde_json::to_value(request.color)?))
                }
            )*
            $(
                async fn $header_method(&self, request: $header_request) -> Result<$header_response, HandlerError> {
                    Ok($header_response::Ok { color: Some(request.color) })
                }
            )*
        }

        /// Calls `operation` with `value` through the generated client; for a response
        /// header operation, what the client read from the header.
        async fn call(client: &Client, operation: &str, value: Value) -> Result<Option<Value>, String> {
            match operation {
                $(
                    stringify!($method) => {
                        // The recording server's answer is not judged, only the request.
                        let color = serde_json::from_value(value).map_err(|error| error.to_string())?;
                        let _ = client.$method($request { color }).await;
                        Ok(None)
                    }
                )*
                $(
                    stringify!($header_method) => {
                        let color = serde_json::from_value(value).map_err(|error| error.to_string())?;
                        let $header_response::Ok { color } = client
                            .$header_method($header_request { color })
                            .await
                            .map_err(|error| error.to_string())?;
                        Ok(Some(serde_json::to_value(color).map_err(|error| error.to_string())?))
                    }
                )*
                other => Err(format!("no operation {other}")),
            }
        }
    };
}

operations! {
    requests {
    path_simple_flat_string: PathSimpleFlatStringRequest => PathSimpleFlatStringResponse,
    path_simple_flat_array: PathSimpleFlatArrayRequest => PathSimpleFlatArrayResponse,
    path_simple_flat_object: PathSimpleFlatObjectRequest => PathSimpleFlatObjectResponse,
    path_simple_exploded_string: PathSimpleExplodedStringRequest => PathSimpleExplodedStringResponse,
    path_simple_exploded_array: PathSimpleExplodedArrayRequest => PathSimpleExplodedArrayResponse,
    path_simple_exploded_object: PathSimpleExplodedObjectRequest => PathSimpleExplodedObjectResponse,
    path_label_flat_string: PathLabelFlatStringRequest => PathLabelFlatStringResponse,
    path_label_flat_array: PathLabelFlatArrayRequest => PathLabelFlatArrayResponse,
    path_label_flat_object: PathLabelFlatObjectRequest => PathLabelFlatObjectResponse,
    path_label_exploded_string: PathLabelExplodedStringRequest => PathLabelExplodedStringResponse,
    path_label_exploded_array: PathLabelExplodedArrayRequest => PathLabelExplodedArrayResponse,
    path_label_exploded_object: PathLabelExplodedObjectRequest => PathLabelExplodedObjectResponse,
    path_matrix_flat_string: PathMatrixFlatStringRequest => PathMatrixFlatStringResponse,
    path_matrix_flat_array: PathMatrixFlatArrayRequest => PathMatrixFlatArrayResponse,
    path_matrix_flat_object: PathMatrixFlatObjectRequest => PathMatrixFlatObjectResponse,
    path_matrix_exploded_string: PathMatrixExplodedStringRequest => PathMatrixExplodedStringResponse,
    path_matrix_exploded_array: PathMatrixExplodedArrayRequest => PathMatrixExplodedArrayResponse,
    path_matrix_exploded_object: PathMatrixExplodedObjectRequest => PathMatrixExplodedObjectResponse,
    query_form_flat_string: QueryFormFlatStringRequest => QueryFormFlatStringResponse,
    query_form_flat_array: QueryFormFlatArrayRequest => QueryFormFlatArrayResponse,
    query_form_flat_object: QueryFormFlatObjectRequest => QueryFormFlatObjectResponse,
    query_form_exploded_string: QueryFormExplodedStringRequest => QueryFormExplodedStringResponse,
    query_form_exploded_array: QueryFormExplodedArrayRequest => QueryFormExplodedArrayResponse,
    query_form_exploded_object: QueryFormExplodedObjectRequest => QueryFormExplodedObjectResponse,
    query_space_delimited_flat_array: QuerySpaceDelimitedFlatArrayRequest => QuerySpaceDelimitedFlatArrayResponse,
    query_space_delimited_flat_object: QuerySpaceDelimitedFlatObjectRequest => QuerySpaceDelimitedFlatObjectResponse,
    query_pipe_delimited_flat_array: QueryPipeDelimitedFlatArrayRequest => QueryPipeDelimitedFlatArrayResponse,
    query_pipe_delimited_flat_object: QueryPipeDelimitedFlatObjectRequest => QueryPipeDelimitedFlatObjectResponse,
    query_deep_object_exploded_object: QueryDeepObjectExplodedObjectRequest => QueryDeepObjectExplodedObjectResponse,
    header_simple_flat_string: HeaderSimpleFlatStringRequest => HeaderSimpleFlatStringResponse,
    header_simple_flat_array: HeaderSimpleFlatArrayRequest => HeaderSimpleFlatArrayResponse,
    header_simple_flat_object: HeaderSimpleFlatObjectRequest => HeaderSimpleFlatObjectResponse,
    header_simple_exploded_string: HeaderSimpleExplodedStringRequest => HeaderSimpleExplodedStringResponse,
    header_simple_exploded_array: HeaderSimpleExplodedArrayRequest => HeaderSimpleExplodedArrayResponse,
    header_simple_exploded_object: HeaderSimpleExplodedObjectRequest => HeaderSimpleExplodedObjectResponse,
    cookie_form_flat_string: CookieFormFlatStringRequest => CookieFormFlatStringResponse,
    cookie_form_flat_array: CookieFormFlatArrayRequest => CookieFormFlatArrayResponse,
    cookie_form_flat_object: CookieFormFlatObjectRequest => CookieFormFlatObjectResponse,
    cookie_form_exploded_string: CookieFormExplodedStringRequest => CookieFormExplodedStringResponse,
    query_form_reserved_string: QueryFormReservedStringRequest => QueryFormReservedStringResponse,
    cookie_cookie_flat_string: CookieCookieFlatStringRequest => CookieCookieFlatStringResponse,
    cookie_cookie_flat_array: CookieCookieFlatArrayRequest => CookieCookieFlatArrayResponse,
    cookie_cookie_flat_object: CookieCookieFlatObjectRequest => CookieCookieFlatObjectResponse,
    cookie_cookie_exploded_string: CookieCookieExplodedStringRequest => CookieCookieExplodedStringResponse,
    cookie_cookie_exploded_array: CookieCookieExplodedArrayRequest => CookieCookieExplodedArrayResponse,
    cookie_cookie_exploded_object: CookieCookieExplodedObjectRequest => CookieCookieExplodedObjectResponse,
    }
    response_headers {
    response_header_simple_flat_string: ResponseHeaderSimpleFlatStringRequest => ResponseHeaderSimpleFlatStringResponse,
    response_header_simple_flat_array: ResponseHeaderSimpleFlatArrayRequest => ResponseHeaderSimpleFlatArrayResponse,
    response_header_simple_flat_object: ResponseHeaderSimpleFlatObjectRequest => ResponseHeaderSimpleFlatObjectResponse,
    response_header_simple_exploded_string: ResponseHeaderSimpleExplodedStringRequest => ResponseHeaderSimpleExplodedStringResponse,
    response_header_simple_exploded_array: ResponseHeaderSimpleExplodedArrayRequest => ResponseHeaderSimpleExplodedArrayResponse,
    response_header_simple_exploded_object: ResponseHeaderSimpleExplodedObjectRequest => ResponseHeaderSimpleExplodedObjectResponse,
    }
}

/// The part of a recorded request head that carries `color` for `cell`.
fn carried_text(cell: &Cell, head: &str) -> Result<String, String> {
    let target = head.lines().next().and_then(|line| line.split(' ').nth(1)).ok_or("no request line")?;
    let header = |wanted: &str| {
        head.lines().skip(1).find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case(wanted).then(|| value.trim().to_owned())
        })
    };
    let route = cell.route();
    match cell.location {
        "path" => target
            .strip_prefix(&format!("{route}/"))
            .map(str::to_owned)
            .ok_or_else(|| format!("the path {target} is not under {route}")),
        "query" => Ok(target.split_once('?').map(|(_, query)| query.to_owned()).unwrap_or_default()),
        "header" => header("color").ok_or_else(|| "no color header".to_owned()),
        _ => header("cookie").ok_or_else(|| "no cookie header".to_owned()),
    }
}

/// The generated client: for a request cell, its text as a recording server receives it; for
/// a response header cell, what it reads from the table's text sent by hand.
async fn client_side(cell: &Cell) -> Result<(), String> {
    let reply_header: Vec<String> =
        (cell.location == "response-header").then(|| format!("color: {}", cell.text)).into_iter().collect();
    let (address, received) = crate::recording_server(&reply_header, "application/json", "null").await;
    let client = Client::with_base_url(&format!("http://{address}"));
    if let Some(read) = call(&client, &cell.operation(), cell.shape.value()).await? {
        return if read == cell.shape.value() { Ok(()) } else { Err(format!("read {read}")) };
    }
    let (head, _) = received.lock().expect("recording").pop().ok_or("the client sent nothing")?;
    let sent = carried_text(cell, &head)?;
    if sent == cell.text {
        Ok(())
    } else {
        Err(format!("sent {sent:?}"))
    }
}

/// The generated server: for a request cell, what it reads from the table's text sent by
/// hand; for a response header cell, the header text it sends.
async fn server_side(cell: &Cell, server: SocketAddr) -> Result<(), String> {
    let (target, header) = cell.raw_request();
    let header = header.map(|line| format!("{line}\r\n")).unwrap_or_default();
    let request = format!("GET {target} HTTP/1.1\r\nhost: {server}\r\n{header}connection: close\r\n\r\n");
    let mut stream = TcpStream::connect(server).await.map_err(|error| error.to_string())?;
    stream.write_all(request.as_bytes()).await.map_err(|error| error.to_string())?;
    let (head, body) = crate::read_message(&mut stream).await.map_err(|error| error.to_string())?;
    let status = head.lines().next().unwrap_or_default();
    if cell.location == "response-header" {
        let sent = head.lines().skip(1).find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("color").then(|| value.trim().to_owned())
        });
        return match sent {
            Some(sent) if sent == cell.text => Ok(()),
            Some(sent) => Err(format!("{status}: sent {sent:?}")),
            None => Err(format!("{status}: no color header")),
        };
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| json!(String::from_utf8_lossy(&body)));
    if !status.contains(" 200 ") {
        return Err(format!("{status}: {body}"));
    }
    if body == cell.shape.value() {
        Ok(())
    } else {
        Err(format!("read {body}"))
    }
}

/// Runs every cell of [`TABLE`] both ways.
pub async fn run() -> Vec<Outcome> {
    let server = crate::serve(crate::styles::server::router(StyleEcho)).await;
    let mut outcomes = Vec::new();
    for cell in TABLE {
        outcomes.push(Outcome {
            cell: *cell,
            client: client_side(cell).await,
            server: server_side(cell, server).await,
        });
    }
    outcomes
}

/// The matrix as a Markdown table: a row per location, style and explode, a column per value,
/// each cell `ok` (client and server), `client ✗`, `server ✗`, or `n/a` when the table has
/// none; then every failure spelled out.
pub fn report(outcomes: &[Outcome]) -> String {
    let mut rows: Vec<(&str, &str, bool)> = Vec::new();
    for outcome in outcomes {
        let key = (outcome.cell.location, outcome.cell.style, outcome.cell.explode);
        if !rows.contains(&key) {
            rows.push(key);
        }
    }
    let titles: Vec<&str> = Shape::ALL.iter().map(|shape| shape.title()).collect();
    let mut text = format!("| location | style | explode | {} |\n", titles.join(" | "));
    text.push_str(&format!("|---|---|---|{}\n", "---|".repeat(titles.len())));
    for (location, style, explode) in rows {
        let cells: Vec<&str> = Shape::ALL
            .iter()
            .map(|shape| {
                let found = outcomes.iter().find(|outcome| {
                    (outcome.cell.location, outcome.cell.style, outcome.cell.explode, outcome.cell.shape)
                        == (location, style, explode, *shape)
                });
                match found {
                    None => "n/a",
                    Some(outcome) => match (&outcome.client, &outcome.server) {
                        (Ok(()), Ok(())) => "ok",
                        (Err(_), Ok(())) => "client ✗",
                        (Ok(()), Err(_)) => "server ✗",
                        (Err(_), Err(_)) => "both ✗",
                    },
                }
            })
            .collect();
        text.push_str(&format!("| {location} | {style} | {explode} | {} |\n", cells.join(" | ")));
    }
    let passed = outcomes.iter().filter(|outcome| outcome.client.is_ok() && outcome.server.is_ok()).count();
    text.push_str(&format!("\n{passed} of {} cells pass both ways.\n", outcomes.len()));
    for outcome in outcomes {
        let cell = &outcome.cell;
        for (side, result) in [("client", &outcome.client), ("server", &outcome.server)] {
            if let Err(error) = result {
                text.push_str(&format!(
                    "- {} {} explode={} {}: {side}: expected {:?}, {error}\n",
                    cell.location,
                    cell.style,
                    cell.explode,
                    cell.shape.title(),
                    cell.text
                ));
            }
        }
    }
    text
}
