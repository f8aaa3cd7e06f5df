//! Recursive types need indirection: a field that holds (by value, not through a `Vec` or
//! map) a type that holds it back is boxed. Only edges inside a strongly connected component
//! of the "holds by value" graph are boxed, so non-recursive types stay unboxed.

use super::walk::Through;
use super::{Type, TypeDef, TypeDefKind};
use std::collections::HashMap;

/// Strongly connected components by Tarjan's algorithm; returns each node's component id.
/// Iterative, so that a long chain of types cannot overflow the stack.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    let count = edges.len();
    let mut index: Vec<Option<usize>> = vec![None; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut component = vec![0; count];
    let (mut next_index, mut next_component) = (0, 0);
    for root in 0..count {
        if index[root].is_some() {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        index[root] = Some(next_index);
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut child)) = work.last_mut() {
            if let Some(&next) = edges[node].get(*child) {
                *child += 1;
                match index[next] {
                    None => {
                        index[next] = Some(next_index);
                        low[next] = next_index;
                        next_index += 1;
                        stack.push(next);
                        on_stack[next] = true;
                        work.push((next, 0));
                    }
                    Some(next_index) if on_stack[next] => low[node] = low[node].min(next_index),
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if Some(low[node]) == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    component
}

/// Aliases that reach themselves through other aliases only (`type A = Vec<A>`) have no
/// finite expansion; they become newtypes, which may refer to themselves.
fn break_alias_cycles(defs: &mut [TypeDef]) {
    let order: Vec<usize> =
        (0..defs.len()).filter(|&index| matches!(defs[index].kind, TypeDefKind::Alias(_))).collect();
    let local: HashMap<usize, usize> = order.iter().enumerate().map(|(local, &global)| (global, local)).collect();
    let edges: Vec<Vec<usize>> = order
        .iter()
        .map(|&global| {
            let targets = defs[global].kind.named_members(Through::Everything);
            targets.iter().filter_map(|id| local.get(&id.0).copied()).collect()
        })
        .collect();
    let component = components(&edges);
    for (index, &global) in order.iter().enumerate() {
        let cyclic = edges[index].iter().any(|&target| component[target] == component[index]);
        if cyclic {
            if let TypeDefKind::Alias(ty) = &defs[global].kind {
                defs[global].kind = TypeDefKind::Newtype(ty.clone());
            }
        }
    }
}

pub fn box_recursive_fields(defs: &mut [TypeDef]) {
    break_alias_cycles(defs);
    let edges: Vec<Vec<usize>> =
        defs.iter().map(|def| def.kind.named_members(Through::Values).into_iter().map(|id| id.0).collect()).collect();
    let component = components(&edges);
    for (index, def) in defs.iter_mut().enumerate() {
        for slot in def.kind.member_types_mut() {
            let target = slot.named(Through::Values);
            if target.is_some_and(|target| component[target.0] == component[index]) {
                box_slot(slot);
            }
        }
    }
}

fn box_slot(slot: &mut Type) {
    match slot {
        Type::Nullable(inner) => box_slot(inner),
        other => *other = Type::Boxed(Box::new(std::mem::replace(other, Type::Any))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Struct, TypeId};

    fn node(name: &str, fields: &[(&str, Type)]) -> TypeDef {
        let fields = fields
            .iter()
            .map(|(field, ty)| Field {
                rust_name: (*field).into(),
                wire_name: (*field).into(),
                ty: ty.clone(),
                required: true,
                docs: None,
                secret: false,
                default: None,
                constraints: Default::default(),
                access: Default::default(),
            })
            .collect();
        TypeDef::new(
            name,
            None,
            TypeDefKind::Struct(Struct { fields, additional: None, closed: false, choice: None, defaultable: false }),
        )
    }

    fn field_type(def: &TypeDef, index: usize) -> &Type {
        match &def.kind {
            TypeDefKind::Struct(definition) => &definition.fields[index].ty,
            _ => unreachable!(),
        }
    }

    #[test]
    fn boxes_cycles_only() {
        // Types by their index: Tree, A, B, Leaf.
        let named =
            |name: &str| Type::Named(TypeId(["Tree", "A", "B", "Leaf"].iter().position(|n| *n == name).unwrap()));
        let mut defs = vec![
            node(
                "Tree",
                &[
                    ("left", Type::Nullable(Box::new(named("Tree")))),
                    ("children", Type::Array(Box::new(named("Tree")))),
                ],
            ),
            node("A", &[("b", named("B"))]),
            node("B", &[("a", Type::Nullable(Box::new(named("A")))), ("leaf", named("Leaf"))]),
            node("Leaf", &[]),
        ];
        box_recursive_fields(&mut defs);
        assert_eq!(field_type(&defs[0], 0), &Type::Nullable(Box::new(Type::Boxed(Box::new(named("Tree"))))));
        assert_eq!(field_type(&defs[0], 1), &Type::Array(Box::new(named("Tree"))));
        assert_eq!(field_type(&defs[1], 0), &Type::Boxed(Box::new(named("B"))));
        assert_eq!(field_type(&defs[2], 1), &named("Leaf"));
    }

    #[test]
    fn alias_cycles_become_newtypes() {
        let alias = |name: &str, ty: Type| TypeDef::new(name, None, TypeDefKind::Alias(ty));
        let mut defs = vec![
            alias("Nested", Type::Array(Box::new(Type::Named(TypeId(0))))),
            alias("Id", Type::String),
            alias("Ids", Type::Array(Box::new(Type::Named(TypeId(1))))),
        ];
        box_recursive_fields(&mut defs);
        assert!(matches!(defs[0].kind, TypeDefKind::Newtype(_)));
        assert!(matches!(defs[1].kind, TypeDefKind::Alias(_)));
        assert!(matches!(defs[2].kind, TypeDefKind::Alias(_)));
    }
}
