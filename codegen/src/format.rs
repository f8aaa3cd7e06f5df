//! Stage 4: tokens to source text with prettyplease.

use proc_macro2::TokenStream;

/// Formats one file's tokens. A parse failure here is a generator bug, reported as an error
/// naming the file rather than a panic.
pub fn format(tokens: TokenStream) -> Result<String, String> {
    Ok(separate_items(&unparse(tokens)?))
}

/// prettyplease's text of a run of items, without the blank lines [`separate_items`] adds:
/// the texts of consecutive runs, concatenated, are the text of the whole.
pub fn unparse(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|error| format!("generated code does not parse ({error}); this is a bug in apigen"))?;
    Ok(prettyplease::unparse(&file))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// prettyplease leaves no blank lines between items; one after each closing brace that ends
/// an item, and after the imports, makes the output read like hand-written code.
pub fn separate_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(previous) = previous {
            let trimmed = line.trim_start();
            let closes = previous.trim() == "}" && indent(previous) == indent(line);
            let continues = ["}", ")", "]", "else", ".", "="].iter().any(|start| trimmed.starts_with(start));
            let after_imports = previous.starts_with("use ") && !line.starts_with("use ") && !line.starts_with("    ");
            let after_inner_docs = previous.starts_with("//!") && !line.starts_with("//!");
            let starts_item = trimmed.starts_with("///") || trimmed.starts_with("#[");
            let is_comment = previous.trim_start().starts_with("//");
            let after_declaration =
                !is_comment && previous.trim_end().ends_with(';') && indent(previous) == indent(line) && starts_item;
            if (closes && !continues && !trimmed.is_empty()) || after_imports || after_inner_docs || after_declaration {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::separate_items;

    #[test]
    fn blank_lines_between_items_only() {
        let text = "fn a() {}\nfn b() {\n    x();\n}\n/// let y = 1;\n/// more\nstruct C;\n";
        let separated = separate_items(text);
        assert!(separated.contains("/// let y = 1;\n/// more"), "{separated}");
        assert!(separated.contains("}\n\n/// let y"), "{separated}");
    }
}
