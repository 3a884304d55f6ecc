//! The v4 shapes cbindgen has no option for, applied to its output read as a list of C items
//! rather than by replacing text.
//!
//! [`Item::parse`] reads a rendered header into items: a `#define` of one line, a C enum as
//! cbindgen renders a `#[repr(u32)]` enum (the enum, its C23/C++ underlying type fenced by
//! `#if`, and the typedef of its name: the enum in C23, `uint32_t` in older C), or any other line. Two items
//! are then printed in the v4 form:
//! - a C enum `X` whose Rust source also has `type X_t = u32` becomes
//!   `typedef enum X { ... } X_t;` (the alias itself is excluded from the header);
//! - a `#define` whose value is a negative integer becomes `( -N )`, so that `a-X` still
//!   parses as a subtraction.
//!
//! An enum or a line that does not have the expected structure fails the generation with the
//! lines it saw, so that a new cbindgen that renders differently is noticed, not mis-rendered.

use std::collections::BTreeSet;

/// One item of a header rendered by cbindgen.
#[derive(Debug, PartialEq)]
pub enum Item {
    /// `#define name value`, on one line.
    Define { name: String, value: String },
    /// A C enum with an underlying type (`enum name : repr`, or `repr` for C before C23).
    Enum {
        name: String,
        repr: String,
        /// The lines between the braces (enumerators and their comments), as rendered.
        body: Vec<String>,
    },
    /// Any other line, kept as it is.
    Line(String),
}

/// The `#if` that fences cbindgen's typed-enum syntax.
const TYPED_ENUM_FENCE: &str = "defined(__cplusplus) || __STDC_VERSION__ >= 202311L";

impl Item {
    /// Reads cbindgen's output into items.
    pub fn parse(text: &str) -> Result<Vec<Item>, String> {
        let lines: Vec<&str> = text.lines().collect();
        let mut items = Vec::new();
        let mut at = 0;
        while at < lines.len() {
            let line = lines[at];
            if let Some(name) = line.strip_prefix("enum ").filter(|n| is_identifier(n)) {
                let (item, next) = parse_enum(name, &lines, at)?;
                items.push(item);
                at = next;
                continue;
            }
            items.push(match parse_define(line) {
                Some((name, value)) => Item::Define { name, value },
                None => Item::Line(line.to_string()),
            });
            at += 1;
        }
        Ok(items)
    }
}

/// `#define NAME VALUE` with an identifier and a value of one token.
fn parse_define(line: &str) -> Option<(String, String)> {
    let mut words = line.split(' ');
    let (Some("#define"), Some(name), Some(value), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return None;
    };
    is_identifier(name).then(|| (name.to_string(), value.to_string()))
}

fn is_identifier(word: &str) -> bool {
    !word.is_empty()
        && !word.starts_with(|c: char| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Reads the enum that starts at `lines[start]` (`enum name`): returns it and the index of the
/// line after it.
fn parse_enum(name: &str, lines: &[&str], start: usize) -> Result<(Item, usize), String> {
    let mut cursor = Cursor {
        name,
        lines,
        start,
        at: start + 1,
    };
    cursor.exact(&format!("#if {TYPED_ENUM_FENCE}"))?;
    let repr = cursor
        .next_if(|l| l.strip_prefix("  : ").filter(|r| is_identifier(r)))
        .ok_or_else(|| cursor.unexpected("the underlying type"))?
        .to_string();
    cursor.exact(&format!("#endif // {TYPED_ENUM_FENCE}"))?;
    cursor.exact(" {")?;
    let mut body = Vec::new();
    while cursor.next_if(|l| (l == "};").then_some(l)).is_none() {
        let line = cursor
            .next_if(Some)
            .ok_or_else(|| cursor.unexpected("};"))?;
        body.push(line.to_string());
    }
    for line in size_typedef(name, &repr) {
        cursor.exact(&line)?;
    }
    let item = Item::Enum {
        name: name.to_string(),
        repr,
        body,
    };
    Ok((item, cursor.at))
}

/// What cbindgen writes after an enum `name` with underlying type `repr` for C: the enum
/// itself in C23, `repr` before.
fn size_typedef(name: &str, repr: &str) -> [String; 7] {
    [
        "#ifndef __cplusplus".to_string(),
        "#if __STDC_VERSION__ >= 202311L".to_string(),
        format!("typedef enum {name} {name};"),
        "#else".to_string(),
        format!("typedef {repr} {name};"),
        "#endif // __STDC_VERSION__ >= 202311L".to_string(),
        "#endif // __cplusplus".to_string(),
    ]
}

/// Where [`parse_enum`] is in the lines of a header.
struct Cursor<'a> {
    name: &'a str,
    lines: &'a [&'a str],
    start: usize,
    at: usize,
}

impl<'a> Cursor<'a> {
    /// The current line passed through `test`, stepping past it when that gives a value.
    fn next_if(&mut self, test: impl Fn(&'a str) -> Option<&'a str>) -> Option<&'a str> {
        let found = test(self.lines.get(self.at)?)?;
        self.at += 1;
        Some(found)
    }

    /// Steps past the current line if it is `wanted`, fails otherwise.
    fn exact(&mut self, wanted: &str) -> Result<(), String> {
        self.next_if(|l| (l == wanted).then_some(l))
            .map(|_| ())
            .ok_or_else(|| self.unexpected(wanted))
    }

    fn unexpected(&self, wanted: &str) -> String {
        let end = (self.at + 1).min(self.lines.len());
        format!(
            "enum {}: expected {wanted:?} at line {}, found {:?}",
            self.name,
            self.at + 1,
            &self.lines[self.start..end]
        )
    }
}

/// Prints `items` as a header, the enums named in `c_enums` and negative constants in the v4
/// shape, everything else as cbindgen rendered it.
pub fn print(items: &[Item], c_enums: &BTreeSet<String>) -> String {
    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    for item in items {
        match item {
            Item::Define { name, value } => match value.strip_prefix('-') {
                Some(digits)
                    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) =>
                {
                    line(&format!("#define {name} ( {value} )"))
                }
                _ => line(&format!("#define {name} {value}")),
            },
            Item::Enum { name, body, .. } if c_enums.contains(name) => {
                line(&format!("typedef enum {name} {{"));
                body.iter().for_each(|text| line(text));
                line(&format!("}} {name}_t;"));
            }
            Item::Enum { name, repr, body } => {
                line(&format!("enum {name}"));
                line(&format!("#if {TYPED_ENUM_FENCE}"));
                line(&format!("  : {repr}"));
                line(&format!("#endif // {TYPED_ENUM_FENCE}"));
                line(" {");
                body.iter().for_each(|text| line(text));
                line("};");
                size_typedef(name, repr).iter().for_each(|text| line(text));
            }
            Item::Line(text) => line(text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RENDERED: &str = "\
#define A -1
#define B 2
enum Colour
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  RED = 0,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum Colour Colour;
#else
typedef uint32_t Colour;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus
int f(void);
";

    #[test]
    fn a_c_enum_becomes_a_typedef_and_negative_constants_are_parenthesized() {
        let items = Item::parse(RENDERED).unwrap();
        assert_eq!(items.len(), 4);
        let c_enums = BTreeSet::from(["Colour".to_string()]);
        assert_eq!(
            print(&items, &c_enums),
            "#define A ( -1 )\n#define B 2\ntypedef enum Colour {\n  RED = 0,\n} Colour_t;\nint f(void);\n"
        );
    }

    #[test]
    fn an_enum_without_alias_prints_as_rendered() {
        let items = Item::parse(RENDERED).unwrap();
        let printed = print(&items, &BTreeSet::new());
        assert_eq!(
            printed,
            RENDERED.replace("#define A -1", "#define A ( -1 )")
        );
    }

    #[test]
    fn an_unexpected_enum_rendering_is_an_error() {
        let error = Item::parse("enum Colour\n {\n};\n").unwrap_err();
        assert!(error.contains("enum Colour"), "{error}");
    }
}
