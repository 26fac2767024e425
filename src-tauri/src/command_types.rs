//! The commands' TypeScript signatures, generated from the Rust: every `#[tauri::command]` fn
//! in `src/commands/*.rs` becomes an entry of `ui/src/bindings/commands.ts`, with the argument
//! names Tauri expects (camelCase unless the command says `rename_all = "snake_case"`), their
//! types, and the type the call resolves to. `ui/src/ipc/commands.ts` types its `call` with it,
//! so renaming or retyping a Rust argument breaks `npm run typecheck`, not a click at run time.
//!
//! It reads the source with `syn` (the names of parameters exist nowhere else), and writes the
//! file during `cargo test` the way ts-rs writes the DTOs' bindings next to it; the "TS
//! bindings fresh" step of `scripts/test.sh` fails on a stale committed copy. A Rust type it
//! cannot map fails the test, naming the command, the argument and the type.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use heck::{ToLowerCamelCase, ToSnakeCase};
use quote::ToTokens;
use syn::{
    Attribute, Expr, ExprLit, FnArg, GenericArgument, GenericParam, Item, ItemFn, Lit, Meta, Pat,
    PathArguments, ReturnType, Type,
};

/// Where the file goes: ts-rs's export dir (`.cargo/config.toml`), so it can import the DTOs.
fn out_dir() -> PathBuf {
    std::env::var_os("TS_RS_EXPORT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings"))
}

const OUT_FILE: &str = "commands.ts";

/// A command as the UI sees it.
pub(crate) struct Command {
    /// The name `invoke` takes.
    pub(crate) name: String,
    /// The file under `src/commands` it is in.
    file: String,
    doc: Vec<String>,
    args: Args,
    result: String,
}

enum Args {
    None,
    /// (key as Tauri expects it, TypeScript type).
    Named(Vec<(String, String)>),
    /// The command reads its request body itself (`tauri::ipc::Request`): the call sends bytes.
    Raw,
}

/// Parameters Tauri fills in itself rather than from the call's arguments.
const INJECTED: &[&str] = &[
    "State",
    "AppHandle",
    "Window",
    "Webview",
    "WebviewWindow",
    "CommandScope",
    "GlobalScope",
];

/// What a Rust type is mapped with: the DTOs ts-rs exports and the aliases to see through.
struct Types {
    dtos: BTreeSet<String>,
    aliases: BTreeMap<String, Type>,
    /// What the generated file must import.
    used: BTreeSet<String>,
    channel: bool,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn show(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

/// Whether `attrs` export the item with ts-rs: `#[ts(export)]`, also inside a `cfg_attr`, or
/// core's derive behind its `ts` feature (the app's tests export those).
fn ts_exported(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| match &a.meta {
        Meta::List(l) => {
            let body = l.tokens.to_string().replace(' ', "");
            (l.path.is_ident("ts") && body.contains("export"))
                || (l.path.is_ident("cfg_attr") && body.contains("ts(export"))
                // Core's views derive TS behind its `ts` feature; the app's tests export them.
                || (l.path.is_ident("cfg_attr") && body.contains("derive(ts_rs::TS)"))
        }
        _ => false,
    })
}

impl Types {
    /// The ts-rs DTOs (by their Rust name, which is their TS name here) of the app and of core,
    /// and the app's lifetime-only type aliases (`AppStateRef<'_>` is a `State`).
    fn scan() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rust_files(&root.join("src"), &mut files);
        let app_files = files.len();
        rust_files(&root.join("../crates/twofold-core/src"), &mut files);
        let mut types = Types {
            dtos: BTreeSet::new(),
            aliases: BTreeMap::new(),
            used: BTreeSet::new(),
            channel: false,
        };
        for (i, path) in files.iter().enumerate() {
            types.scan_items(&parse(path).items, i < app_files);
        }
        types
    }

    fn scan_items(&mut self, items: &[Item], app: bool) {
        for item in items {
            match item {
                Item::Struct(s) if ts_exported(&s.attrs) => {
                    self.dtos.insert(s.ident.to_string());
                }
                Item::Enum(e) if ts_exported(&e.attrs) => {
                    self.dtos.insert(e.ident.to_string());
                }
                Item::Type(t)
                    if app
                        && t.generics
                            .params
                            .iter()
                            .all(|p| matches!(p, GenericParam::Lifetime(_))) =>
                {
                    self.aliases.insert(t.ident.to_string(), (*t.ty).clone());
                }
                Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.scan_items(items, app);
                    }
                }
                _ => {}
            }
        }
    }

    /// The type behind an alias (repeatedly), else the type itself.
    fn resolve<'a>(&'a self, ty: &'a Type) -> &'a Type {
        match last_segment(ty).and_then(|s| self.aliases.get(&s.ident.to_string())) {
            Some(t) => self.resolve(t),
            None => ty,
        }
    }

    /// The TypeScript for `ty` as serde (de)serializes it, or why there is none.
    fn ts_of(&mut self, ty: &Type) -> Result<String, String> {
        let ty = self.resolve(ty).clone();
        match &ty {
            Type::Reference(r) => self.ts_of(&r.elem),
            Type::Paren(p) => self.ts_of(&p.elem),
            Type::Group(g) => self.ts_of(&g.elem),
            Type::Slice(s) => Ok(array(&self.ts_of(&s.elem)?)),
            Type::Array(a) => {
                let n: usize = match &a.len {
                    Expr::Lit(ExprLit {
                        lit: Lit::Int(n), ..
                    }) => n.base10_parse().map_err(|e| e.to_string())?,
                    len => {
                        return Err(format!(
                            "an array length that is not a number: {}",
                            show(len)
                        ))
                    }
                };
                let elem = self.ts_of(&a.elem)?;
                Ok(format!("[{}]", vec![elem; n].join(", ")))
            }
            Type::Tuple(t) if t.elems.is_empty() => Ok("null".into()),
            Type::Tuple(t) => {
                let elems: Result<Vec<_>, _> = t.elems.iter().map(|e| self.ts_of(e)).collect();
                Ok(format!("[{}]", elems?.join(", ")))
            }
            Type::Path(_) => self.ts_of_path(&ty),
            other => Err(format!("no TypeScript for `{}`", show(other))),
        }
    }

    fn ts_of_path(&mut self, ty: &Type) -> Result<String, String> {
        let seg = last_segment(ty).expect("a path type");
        let name = seg.ident.to_string();
        let params: Vec<&Type> = match &seg.arguments {
            PathArguments::AngleBracketed(a) => a
                .args
                .iter()
                .filter_map(|g| match g {
                    GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let one = |what: &str| -> Result<&Type, String> {
            match params.as_slice() {
                [t] => Ok(*t),
                _ => Err(format!("`{}`: expected {what}<T>", show(ty))),
            }
        };
        Ok(match name.as_str() {
            "String" | "str" | "char" | "PathBuf" | "Path" => "string".into(),
            "bool" => "boolean".into(),
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
            | "f32" | "f64" => "number".into(),
            "Option" => format!("{} | null", self.ts_of(one("Option")?)?),
            "Vec" | "VecDeque" | "HashSet" | "BTreeSet" => array(&self.ts_of(one(&name)?)?),
            // Serialized as what they hold.
            "Zeroizing" | "Box" | "Arc" | "Rc" | "Cow" => self.ts_of(one(&name)?)?,
            "Channel" => {
                self.channel = true;
                format!("Channel<{}>", self.ts_of(one("Channel")?)?)
            }
            _ if params.is_empty() && self.dtos.contains(&name) => {
                self.used.insert(name.clone());
                name
            }
            _ => {
                return Err(format!(
                    "no TypeScript for `{}`: if it is an IPC DTO, derive ts_rs::TS with \
                     #[ts(export)] on it; else teach command_types.rs the type",
                    show(ty)
                ))
            }
        })
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn array(elem: &str) -> String {
    if elem.contains(' ') {
        format!("({elem})[]")
    } else {
        format!("{elem}[]")
    }
}

/// `#[tauri::command]` / `#[command]` options: (`rename`, snake_case arguments).
fn command_attr(f: &ItemFn) -> Option<(Option<String>, bool)> {
    let attr = f.attrs.iter().find(|a| {
        let segs: Vec<_> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        segs == ["tauri", "command"] || segs == ["command"]
    })?;
    let (mut rename, mut snake) = (None, false);
    if let Meta::List(list) = &attr.meta {
        list.parse_nested_meta(|m| {
            if m.path.is_ident("async") {
                return Ok(());
            }
            let key = m
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            let value: syn::LitStr = m.value()?.parse()?;
            match key.as_str() {
                "rename_all" => match value.value().as_str() {
                    "snake_case" => snake = true,
                    "camelCase" => snake = false,
                    other => return Err(m.error(format!("rename_all = {other:?}"))),
                },
                "rename" => rename = Some(value.value()),
                "root" => {}
                _ => return Err(m.error("an option command_types.rs does not know")),
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("#[tauri::command] on {}: {e}", f.sig.ident));
    }
    Some((rename, snake))
}

fn doc(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn command(f: &ItemFn, file: &str, types: &mut Types) -> Option<Result<Command, String>> {
    let (rename, snake) = command_attr(f)?;
    let fn_name = f.sig.ident.to_string();
    let name = rename.unwrap_or_else(|| fn_name.clone());
    let fail = |what: String| Err(format!("{file}: command `{fn_name}`: {what}"));
    let mut named = Vec::new();
    let mut raw = false;
    for arg in &f.sig.inputs {
        let FnArg::Typed(arg) = arg else {
            return Some(fail("takes self".into()));
        };
        let kind = last_segment(types.resolve(&arg.ty)).map(|s| s.ident.to_string());
        match kind.as_deref() {
            Some(k) if INJECTED.contains(&k) => continue,
            Some("Request") => {
                raw = true;
                continue;
            }
            _ => {}
        }
        let Pat::Ident(ident) = &*arg.pat else {
            return Some(fail(format!(
                "argument `{}` is not a plain name",
                show(&arg.pat)
            )));
        };
        // Tauri's macro converts with heck too; `r#type` is the key `type`.
        let rust = ident.ident.to_string();
        let rust = rust.strip_prefix("r#").unwrap_or(&rust);
        let key = if snake {
            rust.to_snake_case()
        } else {
            rust.to_lower_camel_case()
        };
        match types.ts_of(&arg.ty) {
            Ok(ts) => named.push((key, ts)),
            Err(e) => return Some(fail(format!("argument `{rust}`: {e}"))),
        }
    }
    let args = match (raw, named.is_empty()) {
        (false, true) => Args::None,
        (false, false) => Args::Named(named),
        (true, true) => Args::Raw,
        (true, false) => {
            return Some(fail(
                "reads its raw request body and takes named arguments; teach command_types.rs"
                    .into(),
            ))
        }
    };
    let result = match &f.sig.output {
        ReturnType::Default => Ok("void".to_string()),
        ReturnType::Type(_, ty) => {
            // `Result<T, E>` (any alias named Result) resolves to T; E is the rejection.
            let ok = match last_segment(ty) {
                Some(s) if s.ident == "Result" => match &s.arguments {
                    PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                        GenericArgument::Type(t) => Some(t),
                        _ => None,
                    }),
                    _ => None,
                },
                _ => Some(&**ty),
            };
            match ok {
                Some(Type::Tuple(t)) if t.elems.is_empty() => Ok("void".to_string()),
                Some(t) => types.ts_of(t),
                None => Err(format!("a return type without its T: `{}`", show(ty))),
            }
        }
    };
    Some(match result {
        Ok(result) => Ok(Command {
            name,
            file: file.to_string(),
            doc: doc(&f.attrs),
            args,
            result,
        }),
        Err(e) => fail(format!("its result: {e}")),
    })
}

/// Every `#[tauri::command]` in `src/commands/*.rs`, by file name then source order, and the
/// DTOs and helpers their TypeScript uses.
fn commands_with_types() -> (Vec<Command>, Types) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut types = Types::scan();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let file = path
            .strip_prefix(&dir)
            .expect("under src/commands")
            .display()
            .to_string();
        for item in parse(&path).items {
            if let Item::Fn(f) = item {
                match command(&f, &file, &mut types) {
                    Some(Ok(c)) => out.push(c),
                    Some(Err(e)) => errors.push(e),
                    None => {}
                }
            }
        }
    }
    assert!(
        errors.is_empty(),
        "commands without a TypeScript signature:\n{}",
        errors.join("\n")
    );
    (out, types)
}

/// Every `#[tauri::command]` in `src/commands/*.rs`.
pub(crate) fn commands() -> Vec<Command> {
    commands_with_types().0
}

fn jsdoc(out: &mut String, indent: &str, lines: &[String]) {
    match lines {
        [] => {}
        [one] => writeln!(out, "{indent}/** {one} */").expect("a String"),
        _ => {
            writeln!(out, "{indent}/**").expect("a String");
            for l in lines {
                let l = format!("{indent} * {l}");
                writeln!(out, "{}", l.trim_end()).expect("a String");
            }
            writeln!(out, "{indent} */").expect("a String");
        }
    }
}

/// The text of `commands.ts`.
fn render(commands: &[Command], types: &Types) -> String {
    let mut out = String::new();
    let w = &mut out;
    w.push_str(
        "// Generated from the #[tauri::command] fns in src-tauri/src/commands by \
         src-tauri/src/command_types.rs\n\
         // during `cargo test -p twofold-app`. Do not edit this file manually.\n",
    );
    if types.channel {
        w.push_str("import type { Channel } from \"@tauri-apps/api/core\";\n");
    }
    for dto in &types.used {
        writeln!(w, "import type {{ {dto} }} from \"./{dto}\";").expect("a String");
    }
    w.push_str(
        "\n/**\n \
         * Every command, by the name `invoke` takes. `args`: what the call sends (`null`: \
         nothing; bytes:\n \
         * the command reads its raw request body), with the keys Tauri expects. `result`: \
         what it resolves to.\n \
         */\n\
         export interface Commands {\n",
    );
    let mut file = "";
    for c in commands {
        if c.file != file {
            if !file.is_empty() {
                w.push('\n');
            }
            file = &c.file;
            writeln!(w, "  // src-tauri/src/commands/{file}").expect("a String");
        }
        jsdoc(w, "  ", &c.doc);
        match &c.args {
            Args::None => {
                writeln!(w, "  {}: {{ args: null; result: {} }};", c.name, c.result)
                    .expect("a String");
            }
            Args::Raw => {
                writeln!(
                    w,
                    "  {}: {{ args: ArrayBuffer | Uint8Array; result: {} }};",
                    c.name, c.result
                )
                .expect("a String");
            }
            Args::Named(args) => {
                writeln!(w, "  {}: {{\n    args: {{", c.name).expect("a String");
                for (key, ts) in args {
                    writeln!(w, "      {key}: {ts};").expect("a String");
                }
                writeln!(w, "    }};\n    result: {};\n  }};", c.result).expect("a String");
            }
        }
    }
    w.push_str("}\n");
    out
}

#[test]
fn export_command_bindings() {
    let (commands, types) = commands_with_types();
    assert!(
        commands.len() > 40,
        "found the commands: {}",
        commands.len()
    );
    let text = render(&commands, &types);
    let path = out_dir().join(OUT_FILE);
    // Like ts-rs: written when it differs, so a run with nothing changed touches nothing.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::create_dir_all(out_dir()).expect("the bindings dir");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

mod tests {
    use super::*;

    fn one(src: &str) -> Result<Command, String> {
        let f: ItemFn = syn::parse_str(src).expect("a fn");
        let mut types = Types {
            dtos: ["VaultStatus".to_string()].into(),
            aliases: [(
                "AppStateRef".to_string(),
                syn::parse_str("tauri::State<'a, AppState>").expect("a type"),
            )]
            .into(),
            used: BTreeSet::new(),
            channel: false,
        };
        command(&f, "t.rs", &mut types).expect("a command")
    }

    fn named(c: &Command) -> Vec<(&str, &str)> {
        match &c.args {
            Args::Named(a) => a.iter().map(|(k, t)| (k.as_str(), t.as_str())).collect(),
            _ => panic!("named args"),
        }
    }

    #[test]
    fn arguments_are_camel_case_without_injected_ones() {
        let c = one(
            "#[tauri::command] async fn c<R: Runtime>(app: AppHandle<R>, state: AppStateRef<'_>, \
             device_name: Option<String>, codes: Option<[String; 2]>, on_step: Channel<VaultStatus>, \
             r#type: Vec<Option<u32>>) -> Result<Vec<VaultStatus>> {}",
        )
        .unwrap();
        assert_eq!(
            named(&c),
            [
                ("deviceName", "string | null"),
                ("codes", "[string, string] | null"),
                ("onStep", "Channel<VaultStatus>"),
                ("type", "(number | null)[]"),
            ]
        );
        assert_eq!(c.result, "VaultStatus[]");
    }

    #[test]
    fn rename_all_snake_case_keeps_the_rust_names() {
        let c = one(
            "#[tauri::command(rename_all = \"snake_case\", async)] fn c(device_name: String) {}",
        )
        .unwrap();
        assert_eq!(named(&c), [("device_name", "string")]);
        assert_eq!(c.result, "void");
    }

    #[test]
    fn rename_changes_the_invoke_name() {
        let c = one("#[tauri::command(rename = \"other\")] fn c() -> Result<()> {}").unwrap();
        assert_eq!(c.name, "other");
        assert!(matches!(c.args, Args::None));
        assert_eq!(c.result, "void");
    }

    #[test]
    fn a_type_without_typescript_fails_naming_it() {
        let e = one("#[tauri::command] fn c(when: Instant) {}")
            .err()
            .unwrap();
        assert!(
            e.contains("`c`") && e.contains("`when`") && e.contains("Instant"),
            "{e}"
        );
    }

    #[test]
    fn a_request_is_the_raw_body() {
        let c = one("#[tauri::command] fn c(request: Request<'_>) -> bool {}").unwrap();
        assert!(matches!(c.args, Args::Raw));
        assert_eq!(c.result, "boolean");
    }
}
