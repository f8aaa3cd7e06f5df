//! The named types as a graph: which types each type's members name. Tag features follow
//! it to gate types, and the layout measures how deep it nests.

use super::walk::Through;
use super::TypeDef;

/// For each type (by index in `types`), the indices of the types its members name.
pub fn edges(types: &[TypeDef]) -> Vec<Vec<usize>> {
    types.iter().map(|def| def.kind.named_members(Through::Everything).into_iter().map(|id| id.0).collect()).collect()
}

/// How many named types deep the longest chain of members goes, a cycle counted once: the
/// depth to which the compiler proves auto traits (`Send`, `RefUnwindSafe`) of a type.
pub fn nesting_depth(types: &[TypeDef]) -> usize {
    let edges = edges(types);
    // 0: not seen, usize::MAX: on the current path, else the depth below and including it.
    let mut depth = vec![0usize; types.len()];
    let mut deepest = 0;
    for start in 0..types.len() {
        if depth[start] != 0 {
            continue;
        }
        // An explicit stack of (type, next edge): spec type graphs can be thousands deep.
        let mut stack = vec![(start, 0usize)];
        depth[start] = usize::MAX;
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            if let Some(&child) = edges[node].get(top.1) {
                top.1 += 1;
                if depth[child] == 0 {
                    depth[child] = usize::MAX;
                    stack.push((child, 0));
                }
                continue;
            }
            stack.pop();
            let below =
                edges[node].iter().map(|&child| if depth[child] == usize::MAX { 0 } else { depth[child] }).max();
            depth[node] = 1 + below.unwrap_or(0);
            deepest = deepest.max(depth[node]);
        }
    }
    deepest
}
