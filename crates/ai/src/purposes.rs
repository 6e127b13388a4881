//! The minimum-necessary table: for each purpose of use, the fields and
//! PHI categories a request may carry.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use phiguard_phi::{CategorySet, PhiCategory};
use serde::Deserialize;

use crate::ConfigError;

/// One purpose of use and what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    name: String,
    description: String,
    fields: BTreeSet<String>,
    categories: CategorySet,
}

impl Purpose {
    /// The purpose's name (`summarize`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What it is for, in a sentence.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The fields it may send.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(String::as_str)
    }

    /// Whether it may send the field `name`.
    pub fn declares_field(&self, name: &str) -> bool {
        self.fields.contains(name)
    }

    /// The PHI categories it may carry.
    pub fn categories(&self) -> CategorySet {
        self.categories
    }
}

/// Every purpose the gateway knows, loaded from TOML.
///
/// ```
/// use phiguard_ai::PurposeTable;
/// use phiguard_phi::PhiCategory;
///
/// let table = PurposeTable::from_toml_str(r#"
///     [purposes.summarize]
///     description = "Summarize a task thread"
///     fields = ["description", "patient_name"]
///     categories = ["name", "clinical_note"]
/// "#).unwrap();
/// let summarize = table.get("summarize").unwrap();
/// assert!(summarize.declares_field("description"));
/// assert!(summarize.categories().contains(PhiCategory::ClinicalNote));
/// assert!(table.get("marketing").is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurposeTable {
    purposes: BTreeMap<String, Purpose>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTable {
    #[serde(default)]
    purposes: BTreeMap<String, FilePurpose>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePurpose {
    description: String,
    fields: Vec<String>,
    categories: Vec<String>,
}

impl PurposeTable {
    /// Parses a table.
    ///
    /// # Errors
    ///
    /// [`ConfigError::PurposesSyntax`] with line and column for malformed
    /// TOML or an unknown key; [`ConfigError::PurposeInvalid`] for an
    /// unknown category, a duplicate field or category, an empty
    /// description, or a field name that is not `snake_case`.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let file: FileTable = toml::from_str(text).map_err(|error| {
            let (line, column) = error
                .span()
                .map_or((0, 0), |span| line_column(text, span.start));
            ConfigError::PurposesSyntax {
                line,
                column,
                message: error.message().to_owned(),
            }
        })?;

        let mut purposes = BTreeMap::new();
        for (name, declared) in file.purposes {
            let invalid = |problem: String| ConfigError::PurposeInvalid {
                purpose: name.clone(),
                problem,
            };
            if !is_snake_case(&name) {
                return Err(invalid("the purpose name must be snake_case".into()));
            }
            if declared.description.trim().is_empty() {
                return Err(invalid("the description is empty".into()));
            }
            let mut fields = BTreeSet::new();
            for field in declared.fields {
                if !is_snake_case(&field) {
                    return Err(invalid(format!("field `{field}` must be snake_case")));
                }
                if !fields.insert(field.clone()) {
                    return Err(invalid(format!("field `{field}` is listed twice")));
                }
            }
            let mut categories = CategorySet::EMPTY;
            for category in declared.categories {
                let parsed: PhiCategory = category
                    .parse()
                    .map_err(|_| invalid(format!("unknown PHI category `{category}`")))?;
                if !categories.insert(parsed) {
                    return Err(invalid(format!("category `{category}` is listed twice")));
                }
            }
            let purpose = Purpose {
                name: name.clone(),
                description: declared.description,
                fields,
                categories,
            };
            purposes.insert(name, purpose);
        }
        Ok(PurposeTable { purposes })
    }

    /// Reads and parses a table file.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Read`], or what [`PurposeTable::from_toml_str`]
    /// returns.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            what: "the purposes table",
            source,
        })?;
        PurposeTable::from_toml_str(&text)
    }

    /// The purpose called `name`.
    pub fn get(&self, name: &str) -> Option<&Purpose> {
        self.purposes.get(name)
    }

    /// Every purpose, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Purpose> {
        self.purposes.values()
    }
}

fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../../examples/config/purposes.toml");

    #[test]
    fn sample_table_loads() {
        let table = PurposeTable::from_toml_str(SAMPLE).unwrap();
        let names: Vec<_> = table.iter().map(Purpose::name).collect();
        assert_eq!(
            names,
            ["billing_code_suggestion", "diagnosis", "draft", "summarize"]
        );
        let billing = table.get("billing_code_suggestion").unwrap();
        assert!(!billing.categories().contains(PhiCategory::Diagnosis));
        assert!(table.get("diagnosis").unwrap().categories().is_empty());
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let text = "[purposes.summarize]\ndescription = \"x\"\nfeilds = []\ncategories = []\n";
        match PurposeTable::from_toml_str(text) {
            Err(ConfigError::PurposesSyntax { line, column, .. }) => {
                assert_eq!((line, column), (3, 1));
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn semantic_errors_name_the_purpose() {
        let unknown = "[purposes.draft]\ndescription = \"d\"\nfields = [\"a\"]\ncategories = [\"diagnoses\"]\n";
        let error = PurposeTable::from_toml_str(unknown).unwrap_err();
        assert!(
            matches!(&error, ConfigError::PurposeInvalid { purpose, .. } if purpose == "draft")
        );
        assert!(error.to_string().contains("diagnoses"));

        let twice =
            "[purposes.draft]\ndescription = \"d\"\nfields = [\"a\", \"a\"]\ncategories = []\n";
        assert!(matches!(
            PurposeTable::from_toml_str(twice),
            Err(ConfigError::PurposeInvalid { .. })
        ));

        let empty = "[purposes.draft]\ndescription = \" \"\nfields = []\ncategories = []\n";
        assert!(matches!(
            PurposeTable::from_toml_str(empty),
            Err(ConfigError::PurposeInvalid { .. })
        ));
    }
}
