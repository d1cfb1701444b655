//! Languages and user-facing texts. Texts live in resource files, one folder per language
//! (`locales/<lang>/<area>.toml`), embedded at build time. A key is `<area>.<path>`, e.g.
//! `common.service_name`. Areas named `office*` are staff-only and exist in nb and en; every other
//! area exists in all four languages. A test checks that no key is missing anywhere.
use std::{collections::HashMap, sync::LazyLock};

use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

static LOCALES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// A language we write to people in: bokmål (default), nynorsk, English, Ukrainian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Nb,
    Nn,
    En,
    Uk,
}

impl Language {
    pub const ALL: [Language; 4] = [Language::Nb, Language::Nn, Language::En, Language::Uk];
    /// The languages of the office pages.
    pub const OFFICE: [Language; 2] = [Language::Nb, Language::En];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Nb => "nb",
            Self::Nn => "nn",
            Self::En => "en",
            Self::Uk => "uk",
        }
    }

    /// Lenient: anything unknown is bokmål (stored values, cookies).
    pub fn parse(s: &str) -> Self {
        Self::from_code(s).unwrap_or_default()
    }

    /// Strict: `None` for an unknown code (user input).
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "nb" | "no" => Some(Self::Nb),
            "nn" => Some(Self::Nn),
            "en" => Some(Self::En),
            "uk" => Some(Self::Uk),
            _ => None,
        }
    }

    /// The value for `<html lang>`.
    pub fn html_lang(&self) -> &'static str {
        self.as_str()
    }

    /// The language's own name, for a language picker.
    pub fn native_name(&self) -> &'static str {
        match self {
            Self::Nb => "Norsk bokmål",
            Self::Nn => "Norsk nynorsk",
            Self::En => "English",
            Self::Uk => "Українська",
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut tags: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        tags.iter().find_map(|(_, tag)| {
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            Self::from_code(&primary)
        })
    }
}

type Catalogue = HashMap<Language, HashMap<String, String>>;

static TEXTS: LazyLock<Catalogue> =
    LazyLock::new(|| load().unwrap_or_else(|e| panic!("locales: {e}")));

fn load() -> Result<Catalogue, String> {
    let mut all = Catalogue::new();
    for lang in Language::ALL {
        let mut map = HashMap::new();
        if let Some(dir) = LOCALES.get_dir(lang.as_str()) {
            for file in dir.files() {
                let path = file.path();
                if path.extension().and_then(|e| e.to_str()) != Some("toml") {
                    continue;
                }
                let area = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .ok_or("bad file name")?;
                let text = file
                    .contents_utf8()
                    .ok_or_else(|| format!("{} is not UTF-8", path.display()))?;
                let table: toml::Table = text
                    .parse()
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                flatten(area, &toml::Value::Table(table), &mut map);
            }
        }
        all.insert(lang, map);
    }
    Ok(all)
}

fn flatten(prefix: &str, value: &toml::Value, out: &mut HashMap<String, String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                flatten(&format!("{prefix}.{k}"), v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// The text for `key` in `lang`. A missing key (which the completeness test prevents) falls back to
/// bokmål, then to the key itself, so a page never fails to render.
/// The text for `key`, or `None` when no language has it (for optional texts).
pub fn lookup(lang: Language, key: &str) -> Option<&'static str> {
    let texts = &*TEXTS;
    texts
        .get(&lang)
        .and_then(|m| m.get(key))
        .or_else(|| texts.get(&Language::Nb).and_then(|m| m.get(key)))
        .map(|s| s.as_str())
}

pub fn t(lang: Language, key: &str) -> &'static str {
    let texts = &*TEXTS;
    texts
        .get(&lang)
        .and_then(|m| m.get(key))
        .or_else(|| texts.get(&Language::Nb).and_then(|m| m.get(key)))
        .map(|s| s.as_str())
        .unwrap_or_else(|| {
            // Leak once per missing key is fine: the set of keys is fixed at build time.
            Box::leak(key.to_string().into_boxed_str())
        })
}

/// `t` with `{name}` placeholders filled in.
pub fn tf(lang: Language, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// Every key of every language, for the completeness test and for tools.
pub fn keys(lang: Language) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = TEXTS
        .get(&lang)
        .map(|m| m.keys().map(|k| k.as_str()).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

fn is_office_key(key: &str) -> bool {
    key.starts_with("office")
}

/// Keys that should exist in `lang` but do not (against the union of all languages).
pub fn missing_keys(lang: Language) -> Vec<String> {
    let texts = &*TEXTS;
    let mut union: Vec<&str> = texts
        .values()
        .flat_map(|m| m.keys().map(|k| k.as_str()))
        .collect();
    union.sort_unstable();
    union.dedup();
    let have = texts.get(&lang);
    union
        .into_iter()
        .filter(|k| !is_office_key(k) || Language::OFFICE.contains(&lang))
        .filter(|k| have.is_none_or(|m| !m.contains_key(*k)))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_exists_in_every_language_it_must() {
        for lang in Language::ALL {
            let missing = missing_keys(lang);
            assert!(missing.is_empty(), "{} lacks {:?}", lang.as_str(), missing);
        }
    }

    #[test]
    fn no_text_is_empty() {
        for lang in Language::ALL {
            for key in keys(lang) {
                assert!(
                    !t(lang, key).trim().is_empty(),
                    "{}: {key} is empty",
                    lang.as_str()
                );
            }
        }
    }

    #[test]
    fn placeholders_are_the_same_in_every_language() {
        fn placeholders(s: &str) -> Vec<String> {
            let mut out: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
                .collect();
            out.sort();
            out
        }
        for key in keys(Language::Nb) {
            let expected = placeholders(t(Language::Nb, key));
            for lang in Language::ALL {
                if keys(lang).contains(&key) {
                    assert_eq!(
                        placeholders(t(lang, key)),
                        expected,
                        "{}: {key}",
                        lang.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn lookups_and_fallbacks() {
        assert_eq!(
            t(Language::En, "common.service_name"),
            "Your privacy rights"
        );
        assert_eq!(t(Language::Uk, "no.such.key"), "no.such.key");
        assert_eq!(
            tf(
                Language::En,
                "common.reference_is",
                &[("reference", "PV-2026-000001")]
            ),
            "Reference: PV-2026-000001"
        );
    }

    #[test]
    fn languages_parse() {
        let table = [
            ("nb", Some(Language::Nb)),
            ("no", Some(Language::Nb)),
            ("nn", Some(Language::Nn)),
            ("en", Some(Language::En)),
            ("uk", Some(Language::Uk)),
            ("de", None),
            ("", None),
        ];
        for (code, expected) in table {
            assert_eq!(Language::from_code(code), expected, "{code}");
        }
        assert_eq!(Language::parse("xx"), Language::Nb);
        let accept = [
            ("uk-UA,uk;q=0.9,en;q=0.8", Some(Language::Uk)),
            ("de-DE,de;q=0.9,en;q=0.5", Some(Language::En)),
            ("en;q=0.2,nn;q=0.9", Some(Language::Nn)),
            ("nb-NO", Some(Language::Nb)),
            ("fr", None),
        ];
        for (header, expected) in accept {
            assert_eq!(Language::from_accept_language(header), expected, "{header}");
        }
    }
}
