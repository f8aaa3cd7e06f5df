//! `$ref`s into other files (`common.yaml#/Money`), made local before anything else reads
//! the spec. Each schema they reach is copied into the spec's own schemas under a free name,
//! and the `$ref` rewritten to point there, so a schema referenced twice is one type and a
//! cycle across files stays a cycle; any other object (a parameter, a response) is copied
//! in place of its `$ref`. Paths are relative to the file that holds the `$ref`. A `$ref`
//! back into the spec's own file becomes a local one, and a schema of the spec's own that is
//! only a `$ref` into another file takes that file's schema in place, under its own name. A
//! `$ref` that cannot be followed is a warning: a schema becomes any JSON value, anything
//! else stays as written and the model leaves out what needs it.

use super::{parse, SCHEMA_MAPS};
use crate::diagnostics::{pointer_push, Fault, Location};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Keys under which a value is a schema or a list of them, entered from anywhere (maps of
/// schemas are [`SCHEMA_MAPS`]).
const SCHEMA_SLOTS: &[&str] = &["schema", "items", "additionalProperties", "allOf", "anyOf", "oneOf", "not"];

/// How deep copies in place may nest before they count as a cycle.
const MAX_INLINE_DEPTH: usize = 32;

/// Rewrites every `$ref` into another file of `document` (the spec at `file`) to a local
/// one. `schemas` is where schemas live: `["definitions"]` or `["components", "schemas"]`.
pub fn bundle(document: &mut Value, file: &Path, schemas: &[&str], warnings: &mut Vec<Fault>) -> Result<(), Fault> {
    let dir = file.parent().unwrap_or(Path::new(""));
    let container = format!("#/{}", schemas.join("/"));
    let mut bundler = Bundler {
        root: std::fs::canonicalize(file).ok(),
        container: container.clone(),
        files: HashMap::new(),
        named: HashMap::new(),
        own: HashSet::new(),
        taken: HashSet::new(),
        bundled: Vec::new(),
        warnings: Vec::new(),
    };
    if let Some(Value::Object(existing)) = schemas.iter().try_fold(&*document, |value, key| value.get(key)) {
        for (name, schema) in existing {
            bundler.taken.insert(name.clone());
            // `Pet: {$ref: pet.yaml}`: pet.yaml's schema is `Pet` itself, not a copy of it.
            let Some(Value::String(reference)) = schema.get("$ref") else { continue };
            if let Some(target) = bundler.external_target(reference, None, dir) {
                let fragment = reference.split_once('#').map_or("", |(_, fragment)| fragment);
                bundler.named.insert((target, fragment.to_owned()), name.clone());
                bundler.own.insert(pointer_push(&container, name));
            }
        }
    }
    bundler.walk(document, None, dir, false, "#", 0);
    warnings.append(&mut bundler.warnings);
    if bundler.bundled.is_empty() {
        return Ok(());
    }
    let mut container = document;
    for key in schemas {
        let map = container.as_object_mut().ok_or_else(|| Fault::at("#", "the spec's schemas are not an object"))?;
        container = map.entry(*key).or_insert_with(|| Value::Object(Map::new()));
    }
    let container = container.as_object_mut().ok_or_else(|| Fault::at("#", "the spec's schemas are not an object"))?;
    for (name, schema) in bundler.bundled {
        container.insert(name, schema);
    }
    Ok(())
}

struct Bundler {
    /// The spec's own file, when it is on disk: `$ref`s into it are local.
    root: Option<PathBuf>,
    /// `#/components/schemas` or `#/definitions`.
    container: String,
    files: HashMap<PathBuf, Value>,
    /// (file, pointer) of each bundled schema, to its local name.
    named: HashMap<(PathBuf, String), String>,
    /// Pointers of the spec's own schemas that are a `$ref` into another file, whose
    /// schema is bundled in their place.
    own: HashSet<String>,
    taken: HashSet<String>,
    bundled: Vec<(String, Value)>,
    warnings: Vec<Fault>,
}

impl Bundler {
    /// The canonical path of the file a `$ref` written in `file` (None: the spec itself)
    /// points into, when it is another file than the one it is written in and not remote.
    fn external_target(&self, reference: &str, file: Option<&Path>, dir: &Path) -> Option<PathBuf> {
        let path = reference.split_once('#').map_or(reference, |(path, _)| path);
        match (path, file) {
            ("", None) => None,
            ("", Some(file)) => Some(file.to_owned()),
            (path, _) if path.contains("://") => None, // remote: reported where it is read
            (path, _) => Some(std::fs::canonicalize(dir.join(path)).unwrap_or_else(|_| dir.join(path))),
        }
    }

    /// `file` is the external file `value` comes from (None: the spec itself), `at` the
    /// pointer in the spec that led here, for messages.
    fn walk(&mut self, value: &mut Value, file: Option<&Path>, dir: &Path, in_schema: bool, at: &str, depth: usize) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    let Some(target) = self.external_target(&reference, file, dir) else { return };
                    let fragment = reference.split_once('#').map_or("", |(_, fragment)| fragment).to_owned();
                    if self.root.as_ref() == Some(&target) {
                        map.insert("$ref".into(), Value::String(format!("#{fragment}")));
                        return;
                    }
                    let own = file.is_none() && self.own.contains(at);
                    if let Err(fault) = self.follow(value, (&target, &fragment), in_schema, own, at, depth) {
                        self.warnings.push(fault);
                        if in_schema {
                            // The nearest faithful schema of one that cannot be read.
                            *value = Value::Object(Map::new());
                        }
                    }
                    return;
                }
                for (key, child) in map.iter_mut() {
                    let child_in_schema =
                        in_schema || SCHEMA_SLOTS.contains(&key.as_str()) || SCHEMA_MAPS.contains(&key.as_str());
                    let child_at = if file.is_none() { pointer_push(at, key) } else { at.to_owned() };
                    self.walk(child, file, dir, child_in_schema, &child_at, depth);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    let item_at = if file.is_none() { pointer_push(at, &index.to_string()) } else { at.to_owned() };
                    self.walk(item, file, dir, in_schema, &item_at, depth);
                }
            }
            _ => {}
        }
    }

    /// Replaces the `$ref` `value` to `fragment` of `target`: a schema's by a local `$ref` to
    /// the bundled schema, anything else's (and that of the spec's `own` schema) by a copy of
    /// the object it points at.
    fn follow(
        &mut self,
        value: &mut Value,
        (target, fragment): (&Path, &str),
        in_schema: bool,
        own: bool,
        at: &str,
        depth: usize,
    ) -> Result<(), Fault> {
        if in_schema && !own {
            let name = self.schema(target, fragment, at, depth)?;
            value["$ref"] = Value::String(pointer_push(&self.container, &name));
            return Ok(());
        }
        if depth >= MAX_INLINE_DEPTH {
            return Err(Fault::at(at, format!("$ref {:?} refers to itself through other files", value["$ref"])));
        }
        let mut copy = self.target(target, fragment, at)?;
        let target_dir = target.parent().map(Path::to_owned).unwrap_or_default();
        self.walk(&mut copy, Some(target), &target_dir, in_schema, at, depth + 1);
        *value = copy;
        Ok(())
    }

    /// The local name of the schema at `fragment` in `file`, bundling it on first sight.
    fn schema(&mut self, file: &Path, fragment: &str, at: &str, depth: usize) -> Result<String, Fault> {
        let key = (file.to_owned(), fragment.to_owned());
        if let Some(name) = self.named.get(&key) {
            return Ok(name.clone());
        }
        let base = fragment
            .rsplit('/')
            .find(|segment| !segment.is_empty())
            .map(crate::diagnostics::unescape_token)
            .or_else(|| file.file_stem().map(|stem| stem.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "External".to_owned());
        let mut name = base.clone();
        let mut suffix = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{suffix}");
            suffix += 1;
        }
        let mut schema = self.target(file, fragment, at)?;
        // Named before its content is walked, so that a cycle back to it ends here.
        self.taken.insert(name.clone());
        self.named.insert(key, name.clone());
        let dir = file.parent().map(Path::to_owned).unwrap_or_default();
        self.walk(&mut schema, Some(file), &dir, true, at, depth);
        self.bundled.push((name.clone(), schema));
        Ok(name)
    }

    /// A copy of the value at `fragment` in `file`, reading the file on first use.
    fn target(&mut self, file: &Path, fragment: &str, at: &str) -> Result<Value, Fault> {
        if !self.files.contains_key(file) {
            let text = std::fs::read_to_string(file)
                .map_err(|error| Fault::at(at, format!("$ref into {}: {error}", file.display())))?;
            let json = file.extension().is_some_and(|extension| extension == "json");
            let parsed = if json { parse::json(&text) } else { parse::yaml(&text) }
                .map_err(|fault| Fault::at(at, format!("$ref into {}: {}", file.display(), describe(&fault))))?;
            self.files.insert(file.to_owned(), parsed);
        }
        let pointer = crate::model::refs::percent_decode(fragment);
        self.files[file]
            .pointer(&pointer)
            .cloned()
            .ok_or_else(|| Fault::at(at, format!("$ref target {}#{fragment} does not exist", file.display())))
    }
}

fn describe(fault: &Fault) -> String {
    match &fault.location {
        Location::LineColumn(line, column) => format!("line {line}, column {column}: {}", fault.message),
        _ => fault.message.clone(),
    }
}
