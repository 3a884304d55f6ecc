//! The three output formats of the AWS CLI, applied to a reply tree. `json`: indented by four
//! spaces, members in model order, non-ASCII as is, nothing at all for an empty reply (as the
//! AWS CLI). `text`: the AWS CLI's rules: a map's scalars on one tab-separated line, sorted by
//! key and led by the upper-cased name of the member holding it; lists of maps share the sorted
//! union of their scalar keys; nested lists and maps follow on lines of their own. `table`: the
//! AWS CLI's key/value layout (a titled box, one section per nested member); column widths
//! follow the content, not the terminal, so it differs from the AWS CLI's in places.

use crate::args::Format;
use crate::tree::Node;
use serde::Serialize;

/// The reply `tree` of the call `operation` (its API name) in `format`.
pub fn render(tree: &Node, format: Format, operation: &str) -> String {
    if matches!(tree, Node::Map(entries) if entries.is_empty()) {
        return String::new();
    }
    match format {
        Format::Json => json(tree),
        Format::Text => {
            let mut out = String::new();
            text(tree, None, None, &mut out);
            out
        }
        Format::Table => table(tree, operation),
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

/// One section of a table: a title, key/value rows, and nested sections.
struct Section {
    title: String,
    rows: Vec<(String, String)>,
    children: Vec<Section>,
}

fn section(title: &str, node: &Node) -> Section {
    let mut s = Section {
        title: title.to_owned(),
        rows: Vec::new(),
        children: Vec::new(),
    };
    match node {
        Node::Map(entries) => {
            let mut sorted: Vec<&(String, Node)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, value) in sorted {
                match value {
                    Node::List(items) if items.is_empty() => {}
                    Node::Map(m) if m.is_empty() => {}
                    Node::List(items) if items.iter().all(|i| !i.is_scalar()) => {
                        for item in items {
                            s.children.push(section(key, item));
                        }
                    }
                    v if v.is_scalar() => s.rows.push((key.clone(), v.python_str())),
                    v => s.children.push(section(key, v)),
                }
            }
        }
        Node::List(items) => {
            for item in items {
                s.rows.push((item.python_str(), String::new()));
            }
        }
        scalar => s.rows.push((scalar.python_str(), String::new())),
    }
    s
}

fn width(s: &Section) -> usize {
    let key = s
        .rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0);
    let value = s
        .rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0);
    let own = (key + value + 7).max(s.title.chars().count() + 4);
    let inner = s.children.iter().map(width).max().unwrap_or(0);
    own.max(inner + 2)
}

fn draw(s: &Section, depth: usize, total: usize, out: &mut String) {
    let bars = "|".repeat(depth);
    let inner = total - 2 * depth;
    let centered = |text: &str, fill: usize| {
        let pad = fill.saturating_sub(text.chars().count());
        format!(
            "{}{}{}",
            " ".repeat(pad / 2),
            text,
            " ".repeat(pad - pad / 2)
        )
    };
    if depth == 0 {
        out.push_str(&format!("{}\n", "-".repeat(total)));
    }
    out.push_str(&format!(
        "{bars}|{}|{bars}\n",
        centered(&s.title, inner - 2)
    ));
    if !s.rows.is_empty() {
        let key = s
            .rows
            .iter()
            .map(|r| r.0.chars().count())
            .max()
            .unwrap_or(0)
            + 3;
        let value = inner - 3 - key;
        let rule = format!("{bars}+{}+{}+{bars}\n", "-".repeat(key), "-".repeat(value));
        out.push_str(&rule);
        for (k, v) in &s.rows {
            out.push_str(&format!(
                "{bars}|  {k:<kw$}|  {v:<vw$}|{bars}\n",
                kw = key - 2,
                vw = value - 2
            ));
        }
        out.push_str(&rule);
    } else if depth == 0 {
        out.push_str(&format!("+{}+\n", "-".repeat(inner - 2)));
    }
    for child in &s.children {
        draw(child, depth + 1, total, out);
    }
}

fn table(tree: &Node, operation: &str) -> String {
    let top = section(operation, tree);
    let total = width(&top) + 2;
    let mut out = String::new();
    draw(&top, 0, total, &mut out);
    out
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

    #[test]
    fn table_has_a_titled_box_and_a_section_per_member() {
        let t = tree(r#"{"execution":{"jobId":"j1","status":"QUEUED"}}"#);
        let out = render(&t, Format::Table, "DescribeJobExecution");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].contains("DescribeJobExecution"));
        assert!(out.contains("||  jobId "));
        assert!(lines
            .iter()
            .all(|l| l.chars().count() == lines[0].chars().count()));
    }
}
