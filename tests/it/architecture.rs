//! The import graph of `src/` (docs/architecture.md): modules below the HTTP edge do not import
//! the HTTP application (`crate::app`), and no module reaches itself through its imports.
//!
//! The graph is read from the source: every `use` and every path through `crate::`, `super::`,
//! `self::`, a child module or an imported name is an edge from the file's module to the module
//! file the path lands in. A `pub use` re-export is followed to where the item is defined, so
//! importing a type through its parent's re-export depends on the defining file only. Test
//! modules (`#[cfg(test)] mod …`, files named `tests.rs`) are left out.
//! Over 500 lines on purpose: one check, the import rules, with the reader of the import graph that only they use.
use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// The HTTP edge and start-up: the application (`app.rs`), the JSON API, the pages, the server
/// and the command line. Nothing below imports them.
const EDGE: &[&str] = &["app", "http", "web", "server", "cli"];

#[test]
fn only_the_edge_imports_the_http_application() {
    let graph = Graph::read();
    let mut wrong = Vec::new();
    for (from, tos) in &graph.edges {
        if in_edge(from) {
            continue;
        }
        for to in tos {
            if in_edge(to) {
                wrong.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "modules below the HTTP edge import it (domain services take `&Core`):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_module_imports_itself_in_a_circle() {
    let graph = Graph::read();
    let circles: Vec<String> = graph
        .circles()
        .iter()
        .map(|members| graph.describe(members))
        .collect();
    assert!(
        circles.is_empty(),
        "{} circle(s) in the import graph of src/:\n{}",
        circles.len(),
        circles.join("\n")
    );
}

/// The checker itself: a circle through a re-export, a child path and `super::` is found, and
/// a test module does not count.
#[test]
fn the_graph_reader_sees_circles() {
    let graph = Graph::from_sources(vec![
        (
            "a".into(),
            "pub mod inner;\npub use inner::Thing;\nfn f() { inner::g(); }".into(),
        ),
        (
            "a::inner".into(),
            "use crate::b::B;\npub struct Thing;".into(),
        ),
        (
            "b".into(),
            "/* use crate::c; */ const S: &str = \"crate::c::X\";\nfn f(x: &'static str) { \
             super::c::h(); }\n#[cfg(test)]\nmod tests { use crate::a::Thing; }"
                .into(),
        ),
        ("c".into(), "use crate::{a::{self, Thing as T}, b};".into()),
        ("d".into(), "fn f() -> char { 'x' }".into()),
    ]);
    assert_eq!(graph.edges["a"], BTreeSet::from(["a::inner".to_string()]));
    assert_eq!(graph.edges["b"], BTreeSet::from(["c".to_string()]));
    assert_eq!(
        graph.edges["c"],
        BTreeSet::from(["a".to_string(), "a::inner".to_string(), "b".to_string()])
    );
    let circles = graph.circles();
    assert_eq!(circles.len(), 1, "{circles:?}");
    assert_eq!(
        circles[0],
        BTreeSet::from(["a", "a::inner", "b", "c"].map(String::from))
    );
}

/// True if `module` is `outer` or inside it (the crate root "" holds everything).
fn is_within(module: &str, outer: &str) -> bool {
    outer.is_empty()
        || module == outer
        || module
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with("::"))
}

fn in_edge(module: &str) -> bool {
    let top = module.split("::").next().unwrap_or_default();
    EDGE.contains(&top)
}

#[derive(Default)]
struct Graph {
    /// `sources::collection` for `src/sources/collection.rs`.
    modules: BTreeSet<String>,
    edges: BTreeMap<String, BTreeSet<String>>,
    /// (module, name) -> the path a `pub use` in that module re-exports under that name.
    reexports: BTreeMap<(String, String), Vec<String>>,
}

impl Graph {
    fn read() -> Self {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        collect(&src, &mut files);
        let texts = files
            .iter()
            .filter_map(|file| {
                Some((
                    module_name(&src, file)?,
                    std::fs::read_to_string(file).ok()?,
                ))
            })
            .collect();
        Self::from_sources(texts)
    }

    /// The graph of (module name, source) pairs.
    fn from_sources(texts: Vec<(String, String)>) -> Self {
        let mut graph = Graph::default();
        for (module, _) in &texts {
            graph.modules.insert(module.clone());
        }
        // Re-exports first, so that paths through them can be followed.
        for (module, text) in &texts {
            graph.scan_reexports(module, text);
        }
        for (module, text) in &texts {
            graph.scan(module, text);
        }
        graph
    }

    fn scan_reexports(&mut self, module: &str, text: &str) {
        let tokens = tokens(text);
        for (public, tree) in use_trees(&tokens) {
            if public {
                for (path, name) in expand(&tree) {
                    if let Some(path) = self.absolute(module, &path, &BTreeMap::new()) {
                        self.reexports.insert((module.to_string(), name), path);
                    }
                }
            }
        }
    }

    /// Adds the edges of one module's source.
    fn scan(&mut self, module: &str, text: &str) {
        let tokens = tokens(text);
        let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut targets = BTreeSet::new();
        for (public, tree) in use_trees(&tokens) {
            for (path, name) in expand(&tree) {
                let Some(absolute) = self.absolute(module, &path, &aliases) else {
                    continue;
                };
                if !public && let Some(target) = self.module_of(&absolute) {
                    targets.insert(target);
                }
                aliases.insert(name, absolute);
            }
        }
        for path in inline_paths(&tokens) {
            if let Some(absolute) = self.absolute(module, &path, &aliases)
                && let Some(target) = self.module_of(&absolute)
            {
                targets.insert(target);
            }
        }
        // A module is part of its parents: using them (`super::…`) is no import.
        targets.retain(|target| !is_within(module, target));
        self.edges
            .entry(module.to_string())
            .or_default()
            .extend(targets);
    }

    /// The path from the crate root, or `None` for another crate's path.
    fn absolute(
        &self,
        module: &str,
        path: &[String],
        aliases: &BTreeMap<String, Vec<String>>,
    ) -> Option<Vec<String>> {
        let mut here: Vec<String> = if module.is_empty() {
            Vec::new()
        } else {
            module.split("::").map(String::from).collect()
        };
        let first = path.first()?;
        let rest = &path[1..];
        let mut out = match first.as_str() {
            "crate" => Vec::new(),
            "self" => here.clone(),
            "super" => {
                here.pop();
                let mut i = 1;
                while path.get(i).map(String::as_str) == Some("super") {
                    here.pop();
                    i += 1;
                }
                let mut out = here;
                out.extend(path[i..].iter().cloned());
                return Some(out);
            }
            name => {
                let mut child = here.clone();
                child.push(name.to_string());
                if self.modules.contains(&child.join("::")) {
                    child
                } else if let Some(alias) = aliases.get(name) {
                    alias.clone()
                } else {
                    return None;
                }
            }
        };
        out.extend(rest.iter().cloned());
        Some(out)
    }

    /// The module file a path from the crate root lands in, following re-exports.
    fn module_of(&self, path: &[String]) -> Option<String> {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let mut len = path.len();
            while len > 0 && !self.modules.contains(&path[..len].join("::")) {
                len -= 1;
            }
            let module = path[..len].join("::");
            match path.get(len) {
                Some(next) => match self.reexports.get(&(module.clone(), next.clone())) {
                    Some(target) if target != &path[..=len] => {
                        let mut followed = target.clone();
                        followed.extend(path[len + 1..].iter().cloned());
                        path = followed;
                    }
                    _ => return Some(module),
                },
                None => return Some(module),
            }
        }
        None
    }

    /// Strongly connected parts with more than one module (Tarjan).
    fn circles(&self) -> Vec<BTreeSet<String>> {
        struct State<'a> {
            graph: &'a Graph,
            index: BTreeMap<&'a str, usize>,
            low: BTreeMap<&'a str, usize>,
            stack: Vec<&'a str>,
            on_stack: BTreeSet<&'a str>,
            found: Vec<BTreeSet<String>>,
        }
        fn visit<'a>(s: &mut State<'a>, v: &'a str) {
            let i = s.index.len();
            s.index.insert(v, i);
            s.low.insert(v, i);
            s.stack.push(v);
            s.on_stack.insert(v);
            let graph = s.graph;
            for w in graph.edges.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let low = s.low[v].min(s.low[w]);
                    s.low.insert(v, low);
                } else if s.on_stack.contains(w) {
                    let low = s.low[v].min(s.index[w]);
                    s.low.insert(v, low);
                }
            }
            if s.low[v] == s.index[v] {
                let mut part = BTreeSet::new();
                while let Some(w) = s.stack.pop() {
                    s.on_stack.remove(w);
                    part.insert(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if part.len() > 1 {
                    s.found.push(part);
                }
            }
        }
        let mut state = State {
            graph: self,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            found: Vec::new(),
        };
        for v in self.edges.keys() {
            if !state.index.contains_key(v.as_str()) {
                visit(&mut state, v);
            }
        }
        state.found
    }

    /// The members of a circle and one shortest way round it.
    fn describe(&self, members: &BTreeSet<String>) -> String {
        let start = members.iter().next().unwrap();
        // Breadth-first from `start` inside the part, back to `start`.
        let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.as_str()]);
        let mut last = None;
        'search: while let Some(v) = queue.pop_front() {
            for w in self.edges.get(v).into_iter().flatten() {
                if !members.contains(w) {
                    continue;
                }
                if w == start {
                    last = Some(v);
                    break 'search;
                }
                if !previous.contains_key(w.as_str()) {
                    previous.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        let mut back = Vec::new();
        let mut v = last.unwrap_or(start);
        while v != start {
            back.push(v);
            v = previous[v];
        }
        let mut way = vec![start.as_str()];
        way.extend(back.into_iter().rev());
        way.push(start);
        let inside: Vec<String> = members
            .iter()
            .flat_map(|from| {
                self.edges[from]
                    .iter()
                    .filter(|to| members.contains(*to))
                    .map(move |to| format!("{from} -> {to}"))
            })
            .collect();
        let names: Vec<&str> = members.iter().map(String::as_str).collect();
        format!(
            "  {} modules: {}\n    e.g. {}\n    imports inside: {}",
            names.len(),
            names.join(", "),
            way.join(" -> "),
            inside.join("; ")
        )
    }
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`; `lib.rs` is the root (""). The binary's
/// `main.rs` and test files are not modules of the library.
fn module_name(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.last().map(String::as_str) {
        Some("main") if parts.len() == 1 => return None,
        Some("tests") => return None,
        Some("mod") => {
            parts.pop();
        }
        Some("lib") if parts.len() == 1 => return Some(String::new()),
        _ => {}
    }
    Some(parts.join("::"))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Punct(char),
}

/// Identifiers, `::` and punctuation; comments, strings, characters and test modules dropped.
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let ident_char = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1, 0);
        } else if (c == 'r' || c == 'b')
            && (i == 0 || !ident_char(chars[i - 1]))
            && raw_string_start(&chars, i).is_some()
        {
            let (open, hashes) = raw_string_start(&chars, i).unwrap_or_default();
            i = skip_string(&chars, open + 1, hashes);
        } else if c == '\'' {
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                // A lifetime.
                i += 1;
            }
        } else if ident_char(c) && !c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && ident_char(chars[i]) {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            while i < chars.len()
                && (ident_char(chars[i]) || (chars[i] == '.' && chars.get(i + 1) != Some(&'.')))
            {
                i += 1;
            }
        } else if c == ':' && next == Some(':') {
            out.push(Token::PathSep);
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(Token::Punct(c));
            }
            i += 1;
        }
    }
    drop_test_modules(out)
}

/// For `r"`, `r#"`, `br"`, `b"`: the index of the opening quote and the number of `#`.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if chars[j] == 'b' {
        j += 1;
        if chars.get(j) == Some(&'"') {
            return Some((j, 0));
        }
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some((j, hashes))
}

/// The index after a string's closing quote (and `hashes` times `#`).
fn skip_string(chars: &[char], mut i: usize, hashes: usize) -> usize {
    while i < chars.len() {
        if hashes == 0 && chars[i] == '\\' {
            i += 2;
            continue;
        }
        if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// Leaves out `#[cfg(test)] mod name { … }` (with any attributes between).
fn drop_test_modules(tokens: Vec<Token>) -> Vec<Token> {
    let cfg_test = [
        Token::Punct('#'),
        Token::Punct('['),
        Token::Ident("cfg".into()),
        Token::Punct('('),
        Token::Ident("test".into()),
        Token::Punct(')'),
        Token::Punct(']'),
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i..].starts_with(&cfg_test) {
            let mut j = i + cfg_test.len();
            // Further attributes.
            while tokens.get(j) == Some(&Token::Punct('#')) {
                j = after_group(&tokens, j + 1, '[', ']');
            }
            if tokens.get(j) == Some(&Token::Ident("mod".into()))
                && tokens.get(j + 2) == Some(&Token::Punct('{'))
            {
                i = after_group(&tokens, j + 2, '{', '}');
                continue;
            }
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

/// The index after the `close` that matches the `open` at `start`.
fn after_group(tokens: &[Token], start: usize, open: char, close: char) -> usize {
    let mut depth = 0;
    for (j, token) in tokens.iter().enumerate().skip(start) {
        if token == &Token::Punct(open) {
            depth += 1;
        } else if token == &Token::Punct(close) {
            depth -= 1;
            if depth == 0 {
                return j + 1;
            }
        }
    }
    tokens.len()
}

/// Each `use` declaration's tree (the tokens between `use` and `;`) and whether it is `pub`.
fn use_trees(tokens: &[Token]) -> Vec<(bool, Vec<Token>)> {
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if token != &Token::Ident("use".into()) {
            continue;
        }
        // `pub use` or `pub(crate) use`.
        let public = match i.checked_sub(1).map(|j| &tokens[j]) {
            Some(Token::Ident(p)) if p == "pub" => true,
            Some(Token::Punct(')')) => (2..=4).any(|back| {
                i.checked_sub(back)
                    .is_some_and(|j| tokens[j] == Token::Ident("pub".into()))
            }),
            _ => false,
        };
        let end = tokens[i..]
            .iter()
            .position(|t| t == &Token::Punct(';'))
            .map_or(tokens.len(), |p| i + p);
        out.push((public, tokens[i + 1..end].to_vec()));
    }
    out
}

/// The paths of a use tree, each with the name it brings into scope.
fn expand(tree: &[Token]) -> Vec<(Vec<String>, String)> {
    fn walk(tree: &[Token], prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
        let mut path = prefix.to_vec();
        let mut i = 0;
        while i < tree.len() {
            match &tree[i] {
                Token::Ident(word) if word == "as" => {
                    if let Some(Token::Ident(alias)) = tree.get(i + 1)
                        && alias != "_"
                    {
                        out.push((path.clone(), alias.clone()));
                    }
                    return;
                }
                Token::Ident(word) if word != "self" || path.is_empty() => {
                    path.push(word.clone());
                }
                Token::PathSep => {}
                Token::Punct('*') => {
                    out.push((path, "*".into()));
                    return;
                }
                Token::Punct('{') => {
                    // Split the group at its top-level commas.
                    let mut depth = 0;
                    let mut start = i + 1;
                    for (j, token) in tree.iter().enumerate().skip(i + 1) {
                        match token {
                            Token::Punct('{') => depth += 1,
                            Token::Punct('}') if depth == 0 => {
                                if start < j {
                                    walk(&tree[start..j], &path, out);
                                }
                                return;
                            }
                            Token::Punct('}') => depth -= 1,
                            Token::Punct(',') if depth == 0 => {
                                if start < j {
                                    walk(&tree[start..j], &path, out);
                                }
                                start = j + 1;
                            }
                            _ => {}
                        }
                    }
                    return;
                }
                _ => {}
            }
            i += 1;
        }
        if let Some(name) = path.last().cloned() {
            out.push((path, name));
        }
    }
    let mut out = Vec::new();
    walk(tree, &[], &mut out);
    out
}

/// Paths written in the code (`a::b::c`, at least one `::`), outside `use` declarations.
fn inline_paths(tokens: &[Token]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == Token::Ident("use".into()) {
            while i < tokens.len() && tokens[i] != Token::Punct(';') {
                i += 1;
            }
            continue;
        }
        let after_sep = i > 0 && tokens[i - 1] == Token::PathSep;
        if let (Token::Ident(first), false) = (&tokens[i], after_sep) {
            let mut path = vec![first.clone()];
            let mut j = i + 1;
            while tokens.get(j) == Some(&Token::PathSep) {
                match tokens.get(j + 1) {
                    Some(Token::Ident(next)) => {
                        path.push(next.clone());
                        j += 2;
                    }
                    _ => break,
                }
            }
            if path.len() > 1 {
                out.push(path);
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}
