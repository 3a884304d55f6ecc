//! Renders the C headers of `include/` with cbindgen, as `cbindgen/headers.toml` lists them.
//!
//! Each `[[header]]` of the table names its path below `include/`, its cbindgen configuration
//! under `cbindgen/` and the Rust files it is rendered from; `[handwritten]` names the headers
//! of macros only, copied from `cbindgen/handwritten/`. Beyond each `.toml`, two rules are
//! derived here from the Rust sources so that they need no list kept by hand:
//! - a `repr(C)` struct named `X_t` is rendered as `struct X`, and `typedef struct X X_t;`
//!   goes right after the includes (the v4 headers' tag and typedef names, usable before the
//!   struct's definition: function pointer fields refer to structs defined later);
//! - each C enum is a `#[repr(u32)] enum X` plus a `type X_t = u32`: the alias is left out and
//!   [`crate::shape`] prints the enum as `typedef enum X { ... } X_t;`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::shape::{self, Item};

/// `cbindgen/headers.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    header: Vec<Header>,
    handwritten: Handwritten,
}

/// One generated header.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    /// Path below `include/`.
    path: String,
    /// cbindgen configuration, below `cbindgen/`.
    config: String,
    /// Rust files rendered into the header, relative to the crate root.
    sources: Vec<String>,
    /// Export every `pub` type of `sources`, used by a function or not.
    #[serde(default)]
    all_types: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Handwritten {
    /// File names below `cbindgen/handwritten/`, copied to the top of `include/`.
    files: Vec<String>,
}

/// Every header below `include/` (by path relative to it) with its text, as the sources of
/// the crate at `root` render them.
pub fn generate(root: &Path) -> Result<BTreeMap<PathBuf, String>, String> {
    let table_path = root.join("cbindgen").join("headers.toml");
    let table = fs::read_to_string(&table_path)
        .map_err(|error| format!("cannot read {}: {error}", table_path.display()))?;
    let table: Table =
        toml::from_str(&table).map_err(|error| format!("{}: {error}", table_path.display()))?;
    let mut headers = BTreeMap::new();
    for header in &table.header {
        headers.insert(PathBuf::from(&header.path), render(root, header)?);
    }
    for file in &table.handwritten.files {
        let source = root.join("cbindgen").join("handwritten").join(file);
        let text = fs::read_to_string(&source)
            .map_err(|error| format!("cannot read {}: {error}", source.display()))?;
        headers.insert(PathBuf::from(file), text);
    }
    Ok(headers)
}

/// What the declarations of a set of source files say about their types.
#[derive(Default)]
struct Declarations {
    /// Names of `pub` structs, unions, enums and type aliases, in source order (which is the
    /// order of the header, where dependencies allow).
    types: Vec<String>,
    /// `X` of every `pub struct X_t` / `pub union X_t`.
    tagged_structs: BTreeSet<String>,
    /// `X` of every `pub enum X` that has a `pub type X_t` alias.
    c_enums: BTreeSet<String>,
}

impl Declarations {
    fn scan(sources: &[PathBuf]) -> Result<Declarations, String> {
        let mut declarations = Declarations::default();
        let mut enums = BTreeSet::new();
        for source in sources {
            let text = fs::read_to_string(source)
                .map_err(|error| format!("cannot read {}: {error}", source.display()))?;
            for line in text.lines() {
                let mut words = line.split_whitespace();
                if words.next() != Some("pub") {
                    continue;
                }
                let (Some(kind), Some(name)) = (words.next(), words.next()) else {
                    continue;
                };
                let name = name.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
                match kind {
                    "struct" | "union" => {
                        if let Some(tag) = name.strip_suffix("_t") {
                            declarations.tagged_structs.insert(tag.to_string());
                        }
                    }
                    "enum" => {
                        enums.insert(name.to_string());
                    }
                    "type" => {}
                    _ => continue,
                }
                if !declarations.types.iter().any(|known| known == name) {
                    declarations.types.push(name.to_string());
                }
            }
        }
        declarations.c_enums = enums
            .into_iter()
            .filter(|name| declarations.types.contains(&format!("{name}_t")))
            .collect();
        Ok(declarations)
    }
}

fn render(root: &Path, header: &Header) -> Result<String, String> {
    // A source that is not there is an error: a moved file would otherwise leave its
    // declarations out of the header without a word.
    let sources: Vec<PathBuf> = header
        .sources
        .iter()
        .map(|source| root.join(source))
        .collect();
    if let Some(missing) = sources.iter().find(|p| !p.exists()) {
        return Err(format!(
            "{}: a source of {} in cbindgen/headers.toml does not exist",
            missing.display(),
            header.path
        ));
    }
    let declarations = Declarations::scan(&sources)?;

    let config_path = root.join("cbindgen").join(&header.config);
    let mut config = cbindgen::Config::from_file(&config_path)
        .map_err(|error| format!("{}: {error}", config_path.display()))?;
    if header.all_types {
        config
            .export
            .include
            .extend(declarations.types.iter().cloned());
    }
    if !declarations.tagged_structs.is_empty() {
        let after_includes = config.after_includes.get_or_insert_with(String::new);
        if !after_includes.is_empty() {
            after_includes.push('\n');
        }
        for tag in &declarations.tagged_structs {
            after_includes.push_str(&format!("\ntypedef struct {tag} {tag}_t;"));
        }
    }
    for tag in &declarations.tagged_structs {
        config.export.rename.insert(format!("{tag}_t"), tag.clone());
    }
    for name in &declarations.c_enums {
        config.export.exclude.push(format!("{name}_t"));
    }

    let mut builder = cbindgen::Builder::new().with_config(config);
    for source in &sources {
        builder = builder.with_src(source);
    }
    let bindings = builder
        .generate()
        .map_err(|error| format!("cbindgen failed on {}: {error}", header.path))?;
    let mut bytes = Vec::new();
    bindings.write(&mut bytes);
    let text = String::from_utf8(bytes).map_err(|_| "cbindgen wrote non-UTF-8".to_string())?;
    let items = Item::parse(&text).map_err(|error| format!("{}: {error}", header.path))?;
    Ok(shape::print(&items, &declarations.c_enums))
}
