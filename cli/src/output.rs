//! The three output formats of the AWS CLI, applied to a reply tree. `json`: indented by four
//! spaces, members in model order, non-ASCII as is, nothing at all for an empty reply (as the
//! AWS CLI). `text`: the AWS CLI's rules: a map's scalars on one tab-separated line, sorted by
//! key and led by the upper-cased name of the member holding it; lists of maps share the sorted
//! union of their scalar keys; nested lists and maps follow on lines of their own. `table`: see
//! [`crate::table`]; the terminal's width counts as there, 80 columns when standard output is
//! not a terminal, and on a terminal the table is in the AWS CLI's colours.

use crate::args::Format;
use crate::tree::Node;
use serde::Serialize;

/// The reply `tree` of the call `operation` (its API name) in `format`.
pub fn render(tree: &Node, format: Format, operation: &str) -> String {
    let empty = matches!(tree, Node::Map(entries) if entries.is_empty());
    match format {
        Format::Json | Format::Text if empty => String::new(),
        Format::Json => json(tree),
        Format::Text => {
            let mut out = String::new();
            text(tree, None, None, &mut out);
            out
        }
        Format::Table => {
            let colour = std::io::IsTerminal::is_terminal(&std::io::stdout());
            crate::table::table(tree, operation, terminal_width(), colour)
        }
    }
}

/// Pretty JSON as Python's `json.dumps(indent=4, ensure_ascii=False)`, with a final newline.
pub fn json(tree: &Node) -> String {
    let mut buffer = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    tree.serialize(&mut serializer).expect("a tree serializes");
    let mut text = String::from_utf8(buffer).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// The columns of the terminal standard output is, as the AWS CLI asks it (TIOCGWINSZ); 80
/// when it is not a terminal.
fn terminal_width() -> usize {
    rustix::termios::tcgetwinsize(std::io::stdout())
        .map(|size| usize::from(size.ws_col))
        .unwrap_or(80)
}

fn text(node: &Node, identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    match node {
        Node::Map(entries) => text_map(entries, identifier, scalar_keys, out),
        Node::List(items) => text_list(items, identifier, out),
        scalar => {
            out.push_str(&scalar.python_str());
            out.push('\n');
        }
    }
}

fn text_list(items: &[Node], identifier: Option<&str>, out: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(|i| matches!(i, Node::Map(_))) {
        let mut keys: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                Node::Map(entries) => Some(entries),
                _ => None,
            })
            .flatten()
            .filter(|(_, v)| v.is_scalar())
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort();
        keys.dedup();
        for item in items {
            text(item, identifier, Some(&keys), out);
        }
        return;
    }
    let (scalars, nested): (Vec<&Node>, Vec<&Node>) = items.iter().partition(|i| i.is_scalar());
    if !scalars.is_empty() {
        match identifier {
            Some(id) => {
                for s in &scalars {
                    out.push_str(&format!("{}\t{}\n", id.to_uppercase(), s.python_str()));
                }
            }
            None => {
                let line: Vec<String> = scalars.iter().map(|s| s.python_str()).collect();
                out.push_str(&line.join("\t"));
                out.push('\n');
            }
        }
    }
    for n in nested {
        text(n, identifier, None, out);
    }
}

fn text_map(
    entries: &[(String, Node)],
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) {
    let mut scalars = Vec::new();
    let mut nested: Vec<(&str, &Node)> = Vec::new();
    match scalar_keys {
        None => {
            let mut sorted: Vec<&(String, Node)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, value) in sorted {
                if value.is_scalar() {
                    scalars.push(value.python_str());
                } else {
                    nested.push((key, value));
                }
            }
        }
        Some(keys) => {
            for key in keys {
                let value = entries.iter().find(|(k, _)| k == key).map(|(_, v)| v);
                scalars.push(value.map(Node::python_str).unwrap_or_default());
            }
            for (key, value) in entries {
                if !keys.contains(key) {
                    nested.push((key, value));
                }
            }
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (key, value) in nested {
        text(value, Some(key), None, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(json: &str) -> Node {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn json_is_indented_by_four_in_the_given_order() {
        let t = tree(r#"{"b":1,"a":{"é":[]}}"#);
        assert_eq!(
            json(&t),
            "{\n    \"b\": 1,\n    \"a\": {\n        \"é\": []\n    }\n}\n"
        );
    }

    #[test]
    fn an_empty_reply_prints_nothing() {
        assert_eq!(render(&tree("{}"), Format::Json, "X"), "");
    }

    #[test]
    fn text_follows_the_aws_cli_rules() {
        let t = tree(
            r#"{"inProgressJobs":[],"queuedJobs":[{"jobId":"j1","queuedAt":5},{"jobId":"j2","startedAt":7,"queuedAt":6}]}"#,
        );
        assert_eq!(
            render(&t, Format::Text, "X"),
            "QUEUEDJOBS\tj1\t5\t\nQUEUEDJOBS\tj2\t6\t7\n"
        );
        let t = tree(r#"{"execution":{"status":"QUEUED","statusDetails":{"k":"v"},"jobId":"j"}}"#);
        assert_eq!(
            render(&t, Format::Text, "X"),
            "EXECUTION\tj\tQUEUED\nSTATUSDETAILS\tv\n"
        );
    }
}
