//! Per-tag Cargo features: each tag of a spec becomes a feature, and every operation and
//! named type gets the gate it compiles under, so that a consumer who needs a few tags of a
//! large API compiles only those operations and the types they reach.
//!
//! An operation compiles under the features of its tags; one without tags always compiles. A
//! type compiles under the features of every operation that reaches it, through fields,
//! variants and aliases, so a compiled item never names a type that is not; a type reached by
//! an untagged operation, or by none, always compiles. Specs with fewer than two tags get no
//! tag features: there is nothing to choose between.

use super::walk::Through;
use super::{Api, Gate, TagFeature};
use heck::ToKebabCase;
use std::collections::{BTreeSet, HashMap};

/// Features Cargo or the generated crate already use.
const RESERVED: [&str; 4] = ["default", "client", "server", "tracing"];

/// A valid, unclaimed feature name for `tag`.
fn feature_name(tag: &str, taken: &BTreeSet<String>) -> String {
    let kebab: String = tag
        .to_kebab_case()
        .chars()
        .map(|character| if character.is_ascii_alphanumeric() { character.to_ascii_lowercase() } else { '-' })
        .collect();
    let words: Vec<&str> = kebab.split('-').filter(|word| !word.is_empty()).collect();
    let mut base = words.join("-");
    if base.is_empty() || base.starts_with(|character: char| character.is_ascii_digit()) {
        base = format!("tag-{base}").trim_end_matches('-').to_owned();
    }
    if RESERVED.contains(&base.as_str()) {
        base.push_str("-tag");
    }
    let mut name = base.clone();
    let mut suffix = 2;
    while taken.contains(&name) {
        name = format!("{base}-{suffix}");
        suffix += 1;
    }
    name
}

/// Assigns `api.tag_features` and the gate of every operation and type.
pub fn assign(api: &mut Api) {
    let mut features: Vec<TagFeature> = Vec::new();
    let mut by_tag: HashMap<String, usize> = HashMap::new();
    let mut taken = BTreeSet::new();
    for operation in &api.operations {
        for tag in &operation.tags {
            let index = *by_tag.entry(tag.clone()).or_insert_with(|| {
                let name = feature_name(tag, &taken);
                taken.insert(name.clone());
                features.push(TagFeature { name, tag: tag.clone(), operations: 0 });
                features.len() - 1
            });
            features[index].operations += 1;
        }
    }
    if features.len() < 2 {
        return;
    }

    // Edges between types, and each operation's direct types.
    let edges = super::graph::edges(&api.types);
    let roots = |operation: &super::Operation| -> Vec<usize> {
        operation.types().filter_map(|ty| ty.named(Through::Everything)).map(|id| id.0).collect()
    };

    // Per type: reached by an untagged operation, and the features whose operations reach it.
    let mut always = vec![false; api.types.len()];
    let mut reached_by: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
    let visit = |starts: Vec<usize>, mark: &mut dyn FnMut(usize) -> bool| {
        let mut stack = starts;
        while let Some(index) = stack.pop() {
            if mark(index) {
                stack.extend(&edges[index]);
            }
        }
    };
    for operation in &api.operations {
        let starts = roots(operation);
        if operation.tags.is_empty() {
            visit(starts, &mut |index| !std::mem::replace(&mut always[index], true));
        } else {
            for tag in &operation.tags {
                let feature = by_tag[tag.as_str()];
                visit(starts.clone(), &mut |index| reached_by[index].insert(feature));
            }
        }
    }

    // Always compiled: what an untagged operation reaches, what no tagged operation reaches,
    // and whatever an always-compiled type names.
    let starts: Vec<usize> =
        (0..api.types.len()).filter(|&index| always[index] || reached_by[index].is_empty()).collect();
    let mut expanded = vec![false; api.types.len()];
    visit(starts, &mut |index| {
        always[index] = true;
        !std::mem::replace(&mut expanded[index], true)
    });

    let gate = |set: &BTreeSet<usize>| {
        let mut names: Vec<String> = set.iter().map(|&feature| features[feature].name.clone()).collect();
        names.sort();
        Gate::AnyOf(names)
    };
    for (index, def) in api.types.iter_mut().enumerate() {
        if !always[index] {
            def.gate = gate(&reached_by[index]);
        }
    }
    for operation in &mut api.operations {
        if !operation.tags.is_empty() {
            let set: BTreeSet<usize> = operation.tags.iter().map(|tag| by_tag[tag.as_str()]).collect();
            operation.gate = gate(&set);
        }
    }
    if let Some(refresh) = &mut api.token_refresh {
        if let Some(operation) = api.operations.iter().find(|operation| operation.name == refresh.operation) {
            refresh.gate = operation.gate.clone();
        }
    }
    api.tag_features = features;
}
