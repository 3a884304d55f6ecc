//! Renders the C headers under `include/` from the Rust sources of `src/ffi/` with cbindgen.
//!
//! Every header is one row of [`HEADERS`]: where it goes, its cbindgen configuration under
//! `cbindgen/`, and the Rust files it is rendered from (a file that does not exist yet is
//! skipped, so a header can be listed before its functions are written). Adding a header is
//! adding a row and a `.toml`. The few headers that hold only macros, which cbindgen cannot
//! render from Rust, are written by hand under `cbindgen/handwritten/` and copied as they are
//! ([`HANDWRITTEN`]), so that they reach `include/`, the drift check and the install the same
//! way.
//!
//! It also links `target/<profile>/libawsiotjobs.so.0` (the SONAME) to the shared library, so
//! that a program linked from the build tree runs, and compiles the one C file of the library,
//! `src/ffi/platform/iot_log_generic.c` (`IotLog_Generic`, a C variadic function, which stable
//! Rust cannot define), with the `cc` crate against the rendered headers.
//!
//! The headers are always rendered into `$OUT_DIR/include/`. They are copied to `include/`
//! (only when their text changed) unless `AWSIOTJOBS_HEADERS=check`; in that mode the
//! committed `include/` is left alone and `tests/header_drift.rs` compares the two trees, which
//! is how CI finds a header that was not regenerated.
//!
//! Beyond the `.toml`, three rules are applied here, derived from the Rust sources so that they
//! need no list kept by hand:
//! - Headers marked `all_types` export every `pub` type of their files, since a types header
//!   has no function through which cbindgen would reach them.
//! - A `repr(C)` struct named `X_t` is rendered as `struct X`, and `typedef struct X X_t;` goes
//!   right after the includes: the v4 headers' tag and typedef names, usable before the
//!   struct's definition (function pointer fields refer to structs defined later).
//! - Each C enum is a `#[repr(u32)] enum X` (the enumerators) plus a `type X_t = u32` (what
//!   fields and parameters use). The alias is left out of the header and cbindgen's fixed-size
//!   rendering of `X` is rewritten to the v4 shape `typedef enum X { ... } X_t;`.

use std::collections::BTreeSet;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// One generated header.
struct Header {
    /// Path below `include/`.
    path: &'static str,
    /// cbindgen configuration, below `cbindgen/`.
    config: &'static str,
    /// Rust files rendered into the header, relative to the crate root.
    sources: &'static [&'static str],
    /// Export every `pub` type of `sources`, used by a function or not.
    all_types: bool,
}

const HEADERS: &[Header] = &[
    Header {
        path: "types/iot_platform_types.h",
        config: "iot_platform_types.toml",
        sources: &["src/ffi/types/platform.rs"],
        all_types: true,
    },
    Header {
        path: "platform/iot_network.h",
        config: "iot_network.toml",
        sources: &["src/ffi/types/network.rs"],
        all_types: true,
    },
    Header {
        path: "types/iot_mqtt_types.h",
        config: "iot_mqtt_types.toml",
        sources: &["src/ffi/types/mqtt.rs"],
        all_types: true,
    },
    Header {
        path: "types/aws_iot_jobs_types.h",
        config: "aws_iot_jobs_types.toml",
        sources: &["src/ffi/types/jobs.rs"],
        all_types: true,
    },
    Header {
        path: "aws_iot_jobs.h",
        config: "aws_iot_jobs.toml",
        sources: &[
            "src/ffi/jobs/init.rs",
            "src/ffi/jobs/operations.rs",
            "src/ffi/jobs/wait.rs",
            "src/ffi/jobs/subscriptions.rs",
            "src/ffi/jobs/notify.rs",
            "src/ffi/jobs/strings.rs",
        ],
        all_types: false,
    },
    Header {
        path: "iot_mqtt.h",
        config: "iot_mqtt.toml",
        sources: &["src/ffi/mqtt/api.rs", "src/ffi/mqtt/strings.rs"],
        all_types: false,
    },
    Header {
        path: "iot_init.h",
        config: "iot_init.toml",
        sources: &["src/ffi/mqtt/sdk_init.rs"],
        all_types: false,
    },
    Header {
        path: "iot_network_openssl.h",
        config: "iot_network_openssl.toml",
        sources: &["src/ffi/mqtt/network_openssl.rs"],
        all_types: false,
    },
    Header {
        path: "platform/iot_clock.h",
        config: "iot_clock.toml",
        sources: &["src/ffi/platform/clock.rs", "src/ffi/platform/timers.rs"],
        all_types: false,
    },
    Header {
        path: "platform/iot_threads.h",
        config: "iot_threads.toml",
        sources: &[
            "src/ffi/platform/threads.rs",
            "src/ffi/platform/mutex.rs",
            "src/ffi/platform/semaphore.rs",
        ],
        all_types: false,
    },
    Header {
        path: "iot_logging.h",
        config: "iot_logging.toml",
        sources: &["src/ffi/types/logging.rs", "src/ffi/platform/logging.rs"],
        all_types: true,
    },
    Header {
        path: "aws_iot_doc_parser.h",
        config: "aws_iot_doc_parser.toml",
        sources: &["src/ffi/platform/doc_parser.rs"],
        all_types: false,
    },
    Header {
        path: "awsiotjobs.h",
        config: "awsiotjobs.toml",
        sources: &["src/ffi/jobs/transport.rs", "src/ffi/jobs/settings.rs"],
        all_types: false,
    },
];

/// Headers written by hand, copied from `cbindgen/handwritten/<file name>` to their path below
/// `include/`.
const HANDWRITTEN: &[&str] = &["iot_logging_setup.h", "iot_error.h"];

/// The library's C source files (below `src/`), compiled into it as one static library.
const C_SOURCES: &[&str] = &["src/ffi/platform/iot_log_generic.c"];

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
    fn scan(sources: &[PathBuf]) -> Declarations {
        let mut declarations = Declarations::default();
        let mut enums = BTreeSet::new();
        for source in sources {
            let text = fs::read_to_string(source)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", source.display()));
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
        declarations
    }
}

/// Rewrites cbindgen's rendering of a `#[repr(u32)]` enum `name` (a C23/C++ typed enum plus a
/// `uint32_t` typedef for older C) into `typedef enum name { ... } name_t;`.
fn typedef_c_enum(text: &str, name: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let typed = "#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L";
    let start = lines
        .iter()
        .position(|line| *line == format!("enum {name}"))
        .unwrap_or_else(|| panic!("cbindgen rendered no `enum {name}`"));
    let expected_head = [
        typed,
        "  : uint32_t",
        &format!("#endif // {}", &typed[4..]),
        " {",
    ];
    let head_matches = lines[start + 1..]
        .iter()
        .zip(expected_head.iter())
        .all(|(line, want)| line == want);
    assert!(
        head_matches,
        "unexpected cbindgen rendering of enum {name}: {:?}",
        &lines[start..]
    );
    let close = start
        + lines[start..]
            .iter()
            .position(|line| *line == "};")
            .unwrap_or_else(|| panic!("enum {name} is not closed"));
    // After the closing brace cbindgen adds the size typedef, fenced by `#ifndef __cplusplus`.
    let fence_end = close
        + lines[close..]
            .iter()
            .position(|line| line.starts_with("#endif") && line.ends_with("__cplusplus"))
            .unwrap_or_else(|| panic!("no size typedef after enum {name}"));
    assert!(
        lines[close + 1].starts_with("#ifndef __cplusplus"),
        "enum {name}: {:?}",
        &lines[close..]
    );

    let mut out: Vec<String> = lines[..start].iter().map(|l| l.to_string()).collect();
    out.push(format!("typedef enum {name} {{"));
    out.extend(lines[start + 5..close].iter().map(|l| l.to_string()));
    out.push(format!("}} {name}_t;"));
    out.extend(lines[fence_end + 1..].iter().map(|l| l.to_string()));
    let mut text = out.join("\n");
    text.push('\n');
    text
}

fn render(root: &Path, header: &Header) -> String {
    let sources: Vec<PathBuf> = header
        .sources
        .iter()
        .map(|source| root.join(source))
        .filter(|p| p.exists())
        .collect();
    let declarations = Declarations::scan(&sources);

    let config_path = root.join("cbindgen").join(header.config);
    let mut config = cbindgen::Config::from_file(&config_path)
        .unwrap_or_else(|error| panic!("{}: {error}", config_path.display()));
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
        .unwrap_or_else(|error| panic!("cbindgen failed on {}: {error}", header.path));
    let mut bytes = Vec::new();
    bindings.write(&mut bytes);
    let mut text = String::from_utf8(bytes).expect("cbindgen writes UTF-8");
    for name in &declarations.c_enums {
        text = typedef_c_enum(&text, name);
    }
    parenthesize_negative_constants(&text)
}

/// cbindgen renders `const X: i32 = -1` as `#define X -1`, which breaks `a-X`; the v4 headers
/// write `( -1 )`.
fn parenthesize_negative_constants(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut words = line.splitn(3, ' ');
        match (words.next(), words.next(), words.next()) {
            (Some("#define"), Some(name), Some(value))
                if value.starts_with('-') && value[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                out.push_str(&format!("#define {name} ( {value} )"));
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Writes `text` to `path` unless it already holds exactly that.
fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    fs::create_dir_all(path.parent().expect("a header path has a parent"))
        .unwrap_or_else(|error| panic!("cannot create the folder of {}: {error}", path.display()));
    fs::write(path, text)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
}

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("include");
    let check_only = env::var("AWSIOTJOBS_HEADERS").is_ok_and(|mode| mode == "check");

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen");
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-env-changed=AWSIOTJOBS_HEADERS");

    // The shared library exports the public C API only (symbols/libawsiotjobs.map) and is
    // versioned by its SONAME; the static library is filtered by scripts/hide-symbols.sh.
    println!("cargo:rerun-if-changed=symbols/libawsiotjobs.map");
    let map = root.join("symbols").join("libawsiotjobs.map");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        map.display()
    );
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libawsiotjobs.so.0");
    soname_link();

    // Two of Paho C's calls go through wrappers of ours (src/ffi/mqtt/paho_wraps.rs): in the shared
    // library, this package's tests and executables; scripts/hide-symbols.sh does the same for
    // the static library. symbols/wrapped.txt names them, one per line.
    println!("cargo:rerun-if-changed=symbols/wrapped.txt");
    let wrapped = root.join("symbols").join("wrapped.txt");
    let wrapped = fs::read_to_string(&wrapped)
        .unwrap_or_else(|error| panic!("{}: {error}", wrapped.display()));
    for name in wrapped.split_whitespace() {
        println!("cargo:rustc-link-arg=-Wl,--wrap={name}");
    }

    // A header dropped from the table must not linger in the generated tree.
    let _ = fs::remove_dir_all(&out);
    let rendered = HEADERS
        .iter()
        .map(|header| (header.path, render(&root, header)));
    let copied = HANDWRITTEN.iter().map(|path| {
        let source = root.join("cbindgen").join("handwritten").join(path);
        let text = fs::read_to_string(&source)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", source.display()));
        (*path, text)
    });
    for (path, text) in rendered.chain(copied) {
        write_if_changed(&out.join(path), &text);
        if !check_only {
            write_if_changed(&root.join("include").join(path), &text);
        }
    }

    compile_c(&root, &out);
}

/// Puts the link `libawsiotjobs.so.0 -> libawsiotjobs.so` next to where cargo writes the
/// shared library (`target/<profile>/`): a program linked with `-L target/<profile>
/// -lawsiotjobs` records the SONAME, and the loader looks for that name. The link may dangle
/// until cargo has written the library (or when only the static library is built).
fn soname_link() {
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // OUT_DIR is <target>/<profile>/build/awsiotjobs-<hash>/out.
    let Some(profile_dir) = out.ancestors().nth(3) else {
        return;
    };
    let link = profile_dir.join("libawsiotjobs.so.0");
    let target = Path::new("libawsiotjobs.so");
    if fs::read_link(&link).is_ok_and(|current| current == target) {
        return;
    }
    let _ = fs::remove_file(&link);
    if let Err(error) = std::os::unix::fs::symlink(target, &link) {
        println!("cargo:warning=cannot link {}: {error}", link.display());
    }
}

/// Compiles [`C_SOURCES`] against the rendered headers in `include` into a static library
/// that is linked whole into every crate type: nothing in Rust calls `IotLog_Generic`, and the
/// shared library must still export it.
fn compile_c(root: &Path, include: &Path) {
    let mut build = cc::Build::new();
    build
        .include(include)
        .std("c99")
        .warnings(true)
        .extra_warnings(true)
        .cargo_metadata(false);
    for source in C_SOURCES {
        build.file(root.join(source));
    }
    build.compile("awsiotjobs_c");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rustc-link-search=native={out_dir}");
    println!("cargo:rustc-link-lib=static:+whole-archive=awsiotjobs_c");
}
