//! Reading page forms: text fields are trimmed as they are decoded (`trimmed`), and a refused
//! form's input is kept as `Typed` to fill its fields again when the page is shown with the
//! errors. Form bodies are decoded with `serde_html_form`, so a key sent more than once (a
//! checkbox list, a multi-select) is a `Vec<String>` field.
use serde::{Deserialize, Deserializer, Serialize, de::DeserializeOwned};

/// A text field without the spaces around it. With `#[serde(default)]` on the struct, an
/// absent field is empty.
pub fn trimmed<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d).map(|s| s.trim().to_string())
}

/// A repeated field (a multi-select, a checkbox list), each value trimmed.
pub fn trimmed_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Vec::<String>::deserialize(d).map(|v| v.into_iter().map(|s| s.trim().to_string()).collect())
}

/// A form body (`application/x-www-form-urlencoded`) as `T`.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_html_form::de::Error> {
    serde_html_form::from_bytes(body)
}

/// A form with nothing to read but its CSRF token (a button).
#[derive(Debug, Default, Deserialize)]
pub struct Button {}

/// What was typed in a refused form, field by field (a repeated field once per value).
#[derive(Debug, Clone, Default)]
pub struct Typed(Vec<(String, String)>);

impl Typed {
    /// The input of a decoded form, by the names of its fields.
    pub fn of<T: Serialize>(form: &T) -> Self {
        let encoded = serde_html_form::to_string(form).unwrap_or_default();
        Self(
            url::form_urlencoded::parse(encoded.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The value of `field` (empty when it was not sent).
    pub fn get(&self, field: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of a repeated field, in the order sent.
    pub fn all(&self, field: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize, Serialize)]
    #[serde(default)]
    struct Staff {
        #[serde(deserialize_with = "trimmed")]
        name: String,
        #[serde(deserialize_with = "trimmed_list")]
        unit_ids: Vec<String>,
    }

    #[test]
    fn text_is_trimmed_and_repeated_keys_are_a_list() {
        let form: Staff = decode(b"csrf_token=x&name=+Ola+&unit_ids=a&unit_ids=+b").unwrap();
        assert_eq!(form.name, "Ola");
        assert_eq!(form.unit_ids, ["a", "b"]);
        let typed = Typed::of(&form);
        assert_eq!(typed.get("name"), "Ola");
        assert_eq!(typed.all("unit_ids"), ["a", "b"]);
        assert_eq!(typed.get("absent"), "");
    }

    #[test]
    fn absent_fields_are_empty_and_a_repeated_single_field_is_refused() {
        let form: Staff = decode(b"").unwrap();
        assert_eq!(form.name, "");
        assert!(form.unit_ids.is_empty());
        assert!(decode::<Staff>(b"name=a&name=b").is_err());
    }
}
