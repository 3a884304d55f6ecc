//! `--output table` as the AWS CLI draws it. The reply is first cut into flat sections, each
//! with a title, an indentation level (one `|` on each side per level), optional column
//! headers and rows: a map gives a one-row section with its scalar members as columns (sorted
//! by name; a single scalar member is a two-cell key/value row instead), each non-scalar member
//! a section of its own one level deeper; a list of maps gives one section whose columns are
//! the sorted union of the maps' scalar keys and whose rows are the maps, unless the maps also
//! hold non-scalar members, in which case each map gets a section of its own. Empty values
//! make no section. The table is as wide as its widest section (a column is its widest cell
//! plus four); when that is wider than the terminal (80 columns when standard output is not a
//! terminal), one-row sections are turned into key/value rows first. Every section is then
//! stretched to the table's width, its columns scaled in proportion and rounded as Python
//! rounds; titles and headers are centred, cells left-aligned after two spaces. Widths count
//! East Asian wide and ambiguous characters as two columns ([`crate::wide`]). On a terminal
//! the AWS CLI's colours and resets are written too (see `Style`).

use crate::tree::Node;
use crate::wide::text_width;

/// One section of the table.
#[derive(Default)]
struct Section {
    title: String,
    indent: usize,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The widest cell (or header) of each column.
    widths: Vec<usize>,
}

impl Section {
    fn titled(title: &str, indent: usize) -> Section {
        Section {
            title: title.to_owned(),
            indent,
            ..Section::default()
        }
    }

    fn widen(&mut self, cells: &[String]) {
        if self.widths.is_empty() {
            self.widths = cells.iter().map(|c| text_width(c)).collect();
        } else {
            for (width, cell) in self.widths.iter_mut().zip(cells) {
                *width = (*width).max(text_width(cell));
            }
        }
    }

    fn set_headers(&mut self, headers: Vec<String>) {
        self.widen(&headers);
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) {
        self.widen(&row);
        self.rows.push(row);
    }

    /// Its natural width in the table, borders and indentation included.
    fn natural_width(&self) -> usize {
        let columns: usize = self.widths.iter().map(|w| w + 4).sum();
        (columns + 2).max(text_width(&self.title) + 2) + 2 * self.indent
    }

    /// Its column widths stretched (or shrunk) to `total` columns in all.
    fn scaled_widths(&self, total: usize) -> Vec<usize> {
        let unscaled: Vec<usize> = self.widths.iter().map(|w| w + 4).collect();
        if unscaled.is_empty() {
            return unscaled;
        }
        let factor = total as f64 / unscaled.iter().sum::<usize>() as f64;
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|&w| (factor * w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by = scaled.iter().sum::<i64>() - total as i64;
        while off_by != 0 {
            let order: Vec<usize> = if off_by > 0 {
                (0..scaled.len()).collect()
            } else {
                (0..scaled.len()).rev().collect()
            };
            for i in order {
                scaled[i] -= off_by.signum();
                off_by -= off_by.signum();
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }
}

/// Whether Python would take `node` as false (`if not current`).
fn falsy(node: &Node) -> bool {
    match node {
        Node::Null | Node::Bool(false) => true,
        Node::Number(n) => n.as_f64() == Some(0.0),
        Node::Str(s) => s.is_empty(),
        Node::List(items) => items.is_empty(),
        Node::Map(entries) => entries.is_empty(),
        Node::Bool(true) => false,
    }
}

/// Cuts a reply into sections.
struct Builder {
    sections: Vec<Section>,
}

impl Builder {
    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        self.sections.last_mut().expect("a section")
    }

    fn node(&mut self, title: Option<&str>, node: &Node, indent: usize) {
        if falsy(node) {
            return;
        }
        if let Some(title) = title {
            self.sections.push(Section::titled(title, indent));
        }
        match node {
            Node::List(items) if matches!(items[0], Node::Map(_)) => {
                self.list_of_maps(items, indent, title.unwrap_or_default())
            }
            Node::List(items) => {
                for item in items {
                    match item {
                        Node::Map(entries) => {
                            let keys = entries.iter().map(|(k, _)| k.clone()).collect();
                            self.current().add_row(keys);
                        }
                        Node::List(inner) if inner.iter().all(Node::is_scalar) => {
                            let cells = inner.iter().map(Node::python_str).collect();
                            self.current().add_row(cells);
                        }
                        Node::List(_) => self.node(None, item, 0),
                        scalar => self.current().add_row(vec![scalar.python_str()]),
                    }
                }
            }
            Node::Map(entries) => self.map(entries, indent),
            _ => {}
        }
    }

    fn map(&mut self, entries: &[(String, Node)], indent: usize) {
        let (headers, more) = split(entries.iter().map(|(k, v)| (k, v)));
        let value = |key: &str| {
            entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.python_str())
                .unwrap_or_default()
        };
        if headers.len() == 1 {
            let row = vec![headers[0].clone(), value(&headers[0])];
            self.current().add_row(row);
        } else if !headers.is_empty() {
            let row = headers.iter().map(|h| value(h)).collect();
            let section = self.current();
            section.set_headers(headers);
            section.add_row(row);
        }
        for key in more {
            let (_, nested) = entries.iter().find(|(k, _)| *k == key).expect("a member");
            self.node(Some(&key), nested, indent + 1);
        }
    }

    fn list_of_maps(&mut self, items: &[Node], indent: usize, title: &str) {
        let maps: Vec<&[(String, Node)]> = items
            .iter()
            .map(|item| match item {
                Node::Map(entries) => entries.as_slice(),
                _ => &[],
            })
            .collect();
        let (headers, more) = split(maps.iter().flat_map(|m| m.iter().map(|(k, v)| (k, v))));
        self.current().set_headers(headers.clone());
        for (n, entries) in maps.iter().enumerate() {
            if n > 0 && !more.is_empty() {
                self.sections.push(Section::titled(title, indent));
                self.current().set_headers(headers.clone());
            }
            let row = headers
                .iter()
                .map(|h| {
                    entries
                        .iter()
                        .find(|(k, _)| k == h)
                        .map(|(_, v)| v.python_str())
                        .unwrap_or_default()
                })
                .collect();
            self.current().add_row(row);
            for key in &more {
                if let Some((_, nested)) = entries.iter().find(|(k, _)| k == key) {
                    self.node(Some(key), nested, indent + 1);
                }
            }
        }
    }
}

/// The sorted, distinct keys of `members` holding scalars, and those holding lists or maps.
fn split<'a>(members: impl Iterator<Item = (&'a String, &'a Node)>) -> (Vec<String>, Vec<String>) {
    let (mut scalars, mut nested) = (Vec::new(), Vec::new());
    for (key, value) in members {
        if value.is_scalar() {
            scalars.push(key.clone());
        } else {
            nested.push(key.clone());
        }
    }
    for keys in [&mut scalars, &mut nested] {
        keys.sort();
        keys.dedup();
    }
    (scalars, nested)
}

fn spaces(n: i64) -> String {
    " ".repeat(n.max(0) as usize)
}

/// `text`, `text_len` columns wide on screen, centred in `width` columns between `left` and
/// `right`.
fn centred(text: &str, text_len: usize, width: usize, left: &str, right: &str) -> String {
    let (width, text_len) = (width as i64, text_len as i64);
    let start = width / 2 - text_len / 2 - 1;
    let so_far = left.len() as i64 + start + text_len;
    let end = width - right.len() as i64 - so_far;
    format!("{left}{}{text}{}{right}", spaces(start), spaces(end))
}

/// `text`, `text_len` columns wide on screen, after two spaces (none if it does not fit) in
/// `width` columns.
fn left_aligned(text: &str, text_len: usize, width: usize, left: &str, right: &str) -> String {
    let (width, text_len) = (width as i64, text_len as i64);
    let edges = (left.len() + right.len()) as i64;
    let padding = if width - (text_len + 2 + edges) >= 0 {
        2
    } else {
        0
    };
    let end = width - (left.len() as i64 + padding + text_len) - right.len() as i64;
    format!("{left}{}{text}{}{right}", spaces(padding), spaces(end))
}

fn rule(widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, w) in widths.iter().enumerate() {
        let dashes = if i == 0 {
            w.saturating_sub(2)
        } else {
            w.saturating_sub(1)
        };
        if i == 0 {
            line.push('+');
        }
        line.push_str(&"-".repeat(dashes));
        line.push('+');
    }
    line
}

/// Colours as the AWS CLI uses them on a terminal (its "colorama" styles): row cells bright
/// blue, indentation bars dim yellow, and a reset after every piece it writes (what colorama
/// does with `autoreset`), plus one when it exits.
struct Style {
    colour: bool,
}

const RESET: &str = "\x1b[0m";

impl Style {
    fn cell(&self, text: &str) -> String {
        match self.colour {
            true => format!("\x1b[1m\x1b[34m{text}{RESET}"),
            false => text.to_owned(),
        }
    }

    fn bars(&self, indent: usize) -> String {
        match self.colour {
            true => format!("\x1b[2m\x1b[33m|{RESET}").repeat(indent),
            false => "|".repeat(indent),
        }
    }

    /// One write of the AWS CLI to its output.
    fn write(&self, out: &mut String, text: &str) {
        out.push_str(text);
        if self.colour {
            out.push_str(RESET);
        }
    }
}

type Cell = fn(&str, usize, usize, &str, &str) -> String;

fn cells(cells: &[String], widths: &[usize], draw: Cell, style: impl Fn(&str) -> String) -> String {
    let mut line = String::new();
    for (i, (width, cell)) in widths.iter().zip(cells).enumerate() {
        let left = if i == 0 { "|" } else { "" };
        line.push_str(&draw(&style(cell), text_width(cell), *width, left, "|"));
    }
    line
}

/// The lines of `section` in a table `total` columns wide, without its indentation.
fn draw(section: &Section, total: usize, style: &Style) -> Vec<String> {
    let width = total - 2 * section.indent;
    let mut lines = Vec::new();
    let title = &section.title;
    if !title.is_empty() {
        lines.push(centred(title, text_width(title), width, "|", "|"));
        if section.headers.is_empty() && section.rows.is_empty() {
            lines.push(format!("+{}+", "-".repeat(width.saturating_sub(2))));
        }
    }
    let widths = section.scaled_widths(width);
    if !section.headers.is_empty() {
        lines.push(rule(&widths));
        lines.push(cells(&section.headers, &widths, centred, str::to_owned));
    }
    if !section.rows.is_empty() && !widths.is_empty() {
        lines.push(rule(&widths));
        for row in &section.rows {
            lines.push(cells(row, &widths, left_aligned, |c| style.cell(c)));
        }
        lines.push(rule(&widths));
    }
    lines
}

/// The reply `tree` of the call `title` (its API name) as a table for a terminal `terminal`
/// columns wide, in colour (for a terminal) or not; empty (or, in colour, the final reset
/// alone) when there is nothing to draw.
pub fn table(tree: &Node, title: &str, terminal: usize, colour: bool) -> String {
    let mut builder = Builder {
        sections: Vec::new(),
    };
    builder.node(Some(title), tree, 0);
    let mut sections = builder.sections;
    if sections.is_empty() {
        // Nothing drawn; on a terminal, still the reset the AWS CLI writes when it exits.
        return if colour {
            RESET.to_owned()
        } else {
            String::new()
        };
    }
    let widest = |sections: &[Section]| sections.iter().map(Section::natural_width).max();
    let mut total = widest(&sections).unwrap_or(0);
    if total > terminal {
        for section in sections.iter_mut() {
            if section.rows.len() == 1 && !section.headers.is_empty() {
                let mut vertical = Section::titled(&section.title, section.indent);
                for (header, cell) in section.headers.iter().zip(&section.rows[0]) {
                    vertical.add_row(vec![header.clone(), cell.clone()]);
                }
                *section = vertical;
            }
        }
        total = widest(&sections).unwrap_or(0);
    }
    let style = Style { colour };
    let mut out = String::new();
    style.write(&mut out, &format!("{}\n", "-".repeat(total)));
    for section in &sections {
        let bars = style.bars(section.indent);
        for line in draw(section, total, &style) {
            for piece in [bars.as_str(), &line, &bars, "\n"] {
                style.write(&mut out, piece);
            }
        }
    }
    if colour {
        out.push_str(RESET);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::table;
    use crate::tree::Node;

    fn tree(json: &str) -> Node {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_list_of_flat_maps_is_drawn_as_columns() {
        let t = tree(
            r#"{"inProgressJobs":[],"queuedJobs":[
                {"jobId":"j1","queuedAt":5,"versionNumber":1},
                {"jobId":"job-22","queuedAt":6,"versionNumber":1}]}"#,
        );
        let expected = "\
-------------------------------------------
|         GetPendingJobExecutions         |
+-----------------------------------------+
||              queuedJobs               ||
|+--------+------------+-----------------+|
||  jobId | queuedAt   |  versionNumber  ||
|+--------+------------+-----------------+|
||  j1    |  5         |  1              ||
||  job-22|  6         |  1              ||
|+--------+------------+-----------------+|
";
        assert_eq!(table(&t, "GetPendingJobExecutions", 80, false), expected);
    }

    #[test]
    fn a_narrow_terminal_turns_one_row_sections_into_key_value_rows() {
        let t = tree(
            r#"{"execution":{"jobId":"j1","status":"IN_PROGRESS",
                "statusDetails":{"step":"é"},"versionNumber":2}}"#,
        );
        // é is East Asian "ambiguous": two columns, as the AWS CLI counts it.
        let expected = "\
------------------------------------
|      GetPendingJobExecutions     |
+----------------------------------+
||            execution           ||
|+----------------+---------------+|
||  jobId         |  j1           ||
||  status        |  IN_PROGRESS  ||
||  versionNumber |  2            ||
|+----------------+---------------+|
|||         statusDetails        |||
||+----------------+-------------+||
|||  step          |  é         |||
||+----------------+-------------+||
";
        assert_eq!(table(&t, "GetPendingJobExecutions", 30, false), expected);
    }

    #[test]
    fn nothing_to_draw_is_empty() {
        assert_eq!(table(&tree("{}"), "X", 80, false), "");
        assert_eq!(table(&tree("{}"), "X", 80, true), "\x1b[0m");
    }
}
