//! A text given in each of our languages, for data that admins maintain (custom legal bases, the
//! registry of processing activities) rather than the fixed UI texts in `locales/`.
//!
//! Bokmål and English are required; nynorsk falls back to bokmål and every other language to
//! English when left empty, so an admin who writes only nb and en still gets a letter in every
//! language. Admins write nb, nn, en and uk; texts from the locale files have every language.
use serde::{Deserialize, Serialize};

use crate::i18n::{Language, t};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Localized {
    pub nb: String,
    #[serde(default)]
    pub nn: String,
    pub en: String,
    #[serde(default)]
    pub uk: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ar: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ti: String,
    #[serde(default, skip_serializing_if = "String::is_empty", rename = "fa-AF")]
    pub fa_af: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub so: String,
}

/// Why a [`Localized`] text is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalizedError {
    #[error("the bokmål text is empty")]
    MissingNb,
    #[error("the English text is empty")]
    MissingEn,
}

impl Localized {
    pub fn new(nb: &str, nn: &str, en: &str, uk: &str) -> Self {
        Localized {
            nb: nb.into(),
            nn: nn.into(),
            en: en.into(),
            uk: uk.into(),
            ..Self::default()
        }
    }

    /// The same key looked up in the locale files for every language.
    pub fn from_locale(key: &str) -> Self {
        Localized {
            nb: t(Language::Nb, key).into(),
            nn: t(Language::Nn, key).into(),
            en: t(Language::En, key).into(),
            uk: t(Language::Uk, key).into(),
            ar: t(Language::Ar, key).into(),
            ti: t(Language::Ti, key).into(),
            fa_af: t(Language::FaAf, key).into(),
            so: t(Language::So, key).into(),
        }
    }

    /// The text in `lang`, with the fallbacks described on the module.
    pub fn get(&self, lang: Language) -> &str {
        let pick = |s: &'_ str| !s.trim().is_empty();
        match lang {
            Language::Nb => &self.nb,
            Language::Nn if pick(&self.nn) => &self.nn,
            Language::Nn => &self.nb,
            Language::En => &self.en,
            Language::Uk if pick(&self.uk) => &self.uk,
            Language::Uk => &self.en,
            Language::Ar if pick(&self.ar) => &self.ar,
            Language::Ti if pick(&self.ti) => &self.ti,
            Language::FaAf if pick(&self.fa_af) => &self.fa_af,
            Language::So if pick(&self.so) => &self.so,
            Language::Ar | Language::Ti | Language::FaAf | Language::So => &self.en,
        }
    }

    pub fn validate(&self) -> Result<(), LocalizedError> {
        if self.nb.trim().is_empty() {
            return Err(LocalizedError::MissingNb);
        }
        if self.en.trim().is_empty() {
            return Err(LocalizedError::MissingEn);
        }
        Ok(())
    }

    /// True when all four languages have their own text (what we require of built-in data).
    pub fn is_complete(&self) -> bool {
        [&self.nb, &self.nn, &self.en, &self.uk]
            .iter()
            .all(|s| !s.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks() {
        let full = Localized::new("nb", "nn", "en", "uk");
        let partial = Localized::new("nb", "", "en", " ");
        let table = [
            (&full, Language::Nb, "nb"),
            (&full, Language::Nn, "nn"),
            (&full, Language::En, "en"),
            (&full, Language::Uk, "uk"),
            (&partial, Language::Nn, "nb"),
            (&partial, Language::Uk, "en"),
            (&partial, Language::Ar, "en"),
            (&partial, Language::So, "en"),
        ];
        for (text, lang, expected) in table {
            assert_eq!(text.get(lang), expected, "{lang:?}");
        }
        assert!(full.is_complete());
        assert!(!partial.is_complete());
    }

    #[test]
    fn validation() {
        assert_eq!(Localized::new("nb", "", "en", "").validate(), Ok(()));
        assert_eq!(
            Localized::new(" ", "nn", "en", "uk").validate(),
            Err(LocalizedError::MissingNb)
        );
        assert_eq!(
            Localized::new("nb", "nn", "", "uk").validate(),
            Err(LocalizedError::MissingEn)
        );
    }
}
