//! The PHI labelling schema: which places hold PHI, which custom fields
//! carry which category.
//!
//! A compliance officer reviews it as a TOML file:
//!
//! ```toml
//! # Places not listed: "phi" (the default: fail closed) or "no_phi".
//! unlisted_places = "phi"
//! # Category of free text (task names, descriptions, comments) in PHI places.
//! text_category = "clinical_note"
//!
//! [[place]]
//! kind = "space"        # space, folder or list; the most specific wins
//! id = "90140001"
//! phi = true
//!
//! [[field]]
//! name = "MRN"          # or id = "<custom field uuid>"
//! category = "medical_record_number"
//!
//! [[tag]]
//! name = "patient"      # a task with this tag holds PHI wherever it is
//! ```
//!
//! Applying the schema to what ClickUp returned seals free text from PHI
//! places and labelled field values as [`phiguard_phi::Phi`], and releases
//! the rest as plain values. Unlabelled textual fields in a PHI place are
//! sealed with the text category too: free text in a PHI place is PHI.

use std::collections::HashMap;
use std::path::Path;

use phiguard_phi::PhiCategory;
use serde::Deserialize;

use crate::models::{Comment, CustomField, FreeText, Task};

/// Why a labelling schema could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LabelError {
    /// The file could not be read.
    #[error("could not read the labelling schema file")]
    Io(#[source] std::io::Error),
    /// The TOML is malformed or has unknown keys.
    #[error("labelling schema is not valid toml for this format")]
    Parse(#[source] toml::de::Error),
    /// A category name is not a PHI category.
    #[error("unknown phi category `{0}` in the labelling schema")]
    UnknownCategory(String),
    /// A `[[field]]` has neither `id` nor `name`.
    #[error("a labelled field needs an `id` or a `name`")]
    FieldWithoutKey,
    /// `unlisted_places` is neither `phi` nor `no_phi`.
    #[error("`unlisted_places` must be `phi` or `no_phi`")]
    BadDefault,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    #[serde(default)]
    unlisted_places: Option<String>,
    #[serde(default)]
    text_category: Option<String>,
    #[serde(default)]
    place: Vec<RawPlace>,
    #[serde(default)]
    field: Vec<RawField>,
    #[serde(default)]
    tag: Vec<RawTag>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTag {
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlace {
    kind: PlaceKind,
    id: String,
    phi: bool,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    category: String,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[serde(rename_all = "snake_case")]
enum PlaceKind {
    Space,
    Folder,
    List,
}

/// Where something lives in the hierarchy, as far as it is known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Place {
    /// Space id.
    pub space: Option<String>,
    /// Folder id (not the placeholder of a folderless list).
    pub folder: Option<String>,
    /// List id.
    pub list: Option<String>,
    /// The task carries a tag the schema marks as PHI.
    pub(crate) tagged: bool,
}

impl Place {
    /// A place known only by its list.
    pub fn list(id: impl Into<String>) -> Self {
        Place {
            list: Some(id.into()),
            ..Place::default()
        }
    }

    /// A place known only by its space.
    pub fn space(id: impl Into<String>) -> Self {
        Place {
            space: Some(id.into()),
            ..Place::default()
        }
    }

    /// A place known only by its folder.
    pub fn folder(id: impl Into<String>) -> Self {
        Place {
            folder: Some(id.into()),
            ..Place::default()
        }
    }

    /// The place of a task, from its `list`, `folder` and `space`.
    pub fn of_task(task: &Task) -> Self {
        let id = |r: &Option<crate::models::PlaceRef>| r.as_ref().and_then(|p| p.id.clone());
        let folder_hidden = task.folder.as_ref().and_then(|f| f.hidden).unwrap_or(false);
        Place {
            space: id(&task.space),
            folder: if folder_hidden {
                None
            } else {
                id(&task.folder)
            },
            list: id(&task.list),
            tagged: false,
        }
    }

    /// True when nothing is known.
    pub fn is_unknown(&self) -> bool {
        self.space.is_none() && self.folder.is_none() && self.list.is_none()
    }

    /// Fills what this place does not know from `other`.
    pub(crate) fn merge(&mut self, other: &Place) {
        if self.space.is_none() {
            self.space.clone_from(&other.space);
        }
        if self.folder.is_none() {
            self.folder.clone_from(&other.folder);
        }
        if self.list.is_none() {
            self.list.clone_from(&other.list);
        }
        self.tagged |= other.tagged;
    }
}

/// A loaded labelling schema.
#[derive(Debug, Clone)]
pub struct LabelSchema {
    unlisted_phi: bool,
    text_category: PhiCategory,
    places: HashMap<(PlaceKind, String), bool>,
    fields_by_id: HashMap<String, PhiCategory>,
    fields_by_name: HashMap<String, PhiCategory>,
    tags: std::collections::HashSet<String>,
}

impl Default for LabelSchema {
    /// Every place holds PHI; no field is labelled beyond that.
    fn default() -> Self {
        LabelSchema::all_phi()
    }
}

fn category(name: &str) -> Result<PhiCategory, LabelError> {
    name.parse()
        .map_err(|_| LabelError::UnknownCategory(name.to_owned()))
}

impl LabelSchema {
    /// A schema that treats every place as holding PHI (text category
    /// `clinical_note`): the fail-closed default.
    pub fn all_phi() -> Self {
        LabelSchema {
            unlisted_phi: true,
            text_category: PhiCategory::ClinicalNote,
            places: HashMap::new(),
            fields_by_id: HashMap::new(),
            fields_by_name: HashMap::new(),
            tags: std::collections::HashSet::new(),
        }
    }

    /// A schema for a workspace that holds no PHI anywhere. Use only when
    /// that is true.
    pub fn no_phi() -> Self {
        LabelSchema {
            unlisted_phi: false,
            ..LabelSchema::all_phi()
        }
    }

    /// Parses a schema from TOML.
    ///
    /// # Errors
    ///
    /// [`LabelError`] for malformed TOML, unknown keys or categories, or a
    /// field label without an id or name.
    pub fn from_toml_str(text: &str) -> Result<Self, LabelError> {
        let raw: RawSchema = toml::from_str(text).map_err(LabelError::Parse)?;
        let unlisted_phi = match raw.unlisted_places.as_deref() {
            None | Some("phi") => true,
            Some("no_phi") => false,
            Some(_) => return Err(LabelError::BadDefault),
        };
        let text_category = match raw.text_category.as_deref() {
            Some(name) => category(name)?,
            None => PhiCategory::ClinicalNote,
        };
        let mut schema = LabelSchema {
            unlisted_phi,
            text_category,
            ..LabelSchema::all_phi()
        };
        for place in raw.place {
            schema.places.insert((place.kind, place.id), place.phi);
        }
        for tag in raw.tag {
            schema.tags.insert(tag.name.to_lowercase());
        }
        for field in raw.field {
            let cat = category(&field.category)?;
            match (field.id, field.name) {
                (None, None) => return Err(LabelError::FieldWithoutKey),
                (id, name) => {
                    if let Some(id) = id {
                        schema.fields_by_id.insert(id, cat);
                    }
                    if let Some(name) = name {
                        schema.fields_by_name.insert(name.to_lowercase(), cat);
                    }
                }
            }
        }
        Ok(schema)
    }

    /// Loads a schema from a TOML file.
    ///
    /// # Errors
    ///
    /// As [`LabelSchema::from_toml_str`], plus [`LabelError::Io`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self, LabelError> {
        let text = std::fs::read_to_string(path).map_err(LabelError::Io)?;
        LabelSchema::from_toml_str(&text)
    }

    /// The category given to free text from PHI places.
    pub fn text_category(&self) -> PhiCategory {
        self.text_category
    }

    /// Whether a place holds PHI: with no place declarations, the default;
    /// otherwise the most specific declaration wins, a place nothing is
    /// known about holds PHI, and undeclared places take the default.
    pub fn holds_phi(&self, place: &Place) -> bool {
        if place.tagged {
            return true;
        }
        if self.places.is_empty() {
            return self.unlisted_phi;
        }
        if place.is_unknown() {
            return true;
        }
        let lookups = [
            (PlaceKind::List, &place.list),
            (PlaceKind::Folder, &place.folder),
            (PlaceKind::Space, &place.space),
        ];
        for (kind, id) in lookups {
            if let Some(id) = id
                && let Some(phi) = self.places.get(&(kind, id.clone()))
            {
                return *phi;
            }
        }
        self.unlisted_phi
    }

    /// True when the schema declares places or PHI tags (so writes need
    /// to know where they land).
    pub(crate) fn has_places(&self) -> bool {
        !self.places.is_empty() || !self.tags.is_empty()
    }

    /// The place of a task, marked when it carries a PHI tag.
    pub fn place_of_task(&self, task: &Task) -> Place {
        let mut place = Place::of_task(task);
        place.tagged = task.tags.iter().any(|tag| {
            tag.name
                .as_ref()
                .is_some_and(|name| self.tags.contains(&name.to_lowercase()))
        });
        place
    }

    /// True when the schema declares this list itself (so its folder and
    /// space do not matter).
    pub(crate) fn declares_list(&self, id: &str) -> bool {
        self.places.contains_key(&(PlaceKind::List, id.to_owned()))
    }

    /// True when some place declaration needs the folder or space of a
    /// list to decide.
    pub(crate) fn has_upper_places(&self) -> bool {
        self.places.keys().any(|(kind, _)| *kind != PlaceKind::List)
    }

    /// The category a field is labelled with, by id first, then by name
    /// (case-insensitive).
    pub fn field_category(&self, id: &str, name: Option<&str>) -> Option<PhiCategory> {
        self.fields_by_id
            .get(id)
            .or_else(|| name.and_then(|n| self.fields_by_name.get(&n.to_lowercase())))
            .copied()
    }

    /// True when some field is labelled by name only (writes by field id
    /// then need the field's name to decide).
    pub(crate) fn has_name_labels(&self) -> bool {
        !self.fields_by_name.is_empty()
    }

    fn label_text(&self, text: &mut FreeText, phi: bool) {
        if phi {
            text.seal(self.text_category);
        } else {
            text.release();
        }
    }

    fn label_field(&self, field: &mut CustomField, place_phi: bool) {
        match self.field_category(field.id.as_str(), field.name.as_deref()) {
            Some(category) => field.seal(category),
            None if place_phi && field.kind.is_textual() => field.seal(self.text_category),
            None => field.release(),
        }
    }

    /// Labels a task in place: free text by its place, custom field values
    /// by their labels, subtasks likewise.
    pub fn label_task(&self, task: &mut Task) {
        let place = self.place_of_task(task);
        self.label_task_at(task, &place);
    }

    /// Labels a task whose place is partly known from `context` (a task
    /// page of a list, a parent task).
    pub(crate) fn label_task_in(&self, task: &mut Task, context: &Place) {
        self.label_task_at(task, context);
    }

    fn label_task_at(&self, task: &mut Task, inherited: &Place) {
        let mut place = self.place_of_task(task);
        place.merge(inherited);
        let phi = self.holds_phi(&place);

        self.label_text(&mut task.name, phi);
        for text in [
            &mut task.text_content,
            &mut task.description,
            &mut task.markdown_description,
        ]
        .into_iter()
        .flatten()
        {
            self.label_text(text, phi);
        }
        for checklist in &mut task.checklists {
            if let Some(name) = &mut checklist.name {
                self.label_text(name, phi);
            }
            let mut stack: Vec<&mut crate::models::ChecklistItem> =
                checklist.items.iter_mut().collect();
            while let Some(item) = stack.pop() {
                if let Some(name) = &mut item.name {
                    self.label_text(name, phi);
                }
                stack.extend(item.children.iter_mut());
            }
        }
        for attachment in &mut task.attachments {
            if let Some(title) = &mut attachment.title {
                self.label_text(title, phi);
            }
        }
        for field in &mut task.custom_fields {
            self.label_field(field, phi);
        }
        for subtask in &mut task.subtasks {
            self.label_task_at(subtask, &place);
        }
    }

    /// Labels custom field definitions (their values, if any).
    pub fn label_fields(&self, fields: &mut [CustomField], place: &Place) {
        let phi = self.holds_phi(place);
        for field in fields {
            self.label_field(field, phi);
        }
    }

    /// Labels comments made at `place`.
    pub fn label_comments(&self, comments: &mut [Comment], place: &Place) {
        let phi = self.holds_phi(place);
        for comment in comments {
            self.label_text(&mut comment.comment_text, phi);
            for block in &mut comment.comment {
                self.label_text(&mut block.text, phi);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"
        unlisted_places = "no_phi"
        text_category = "clinical_note"

        [[place]]
        kind = "space"
        id = "100"
        phi = true

        [[place]]
        kind = "list"
        id = "555"
        phi = false

        [[field]]
        name = "MRN"
        category = "medical_record_number"

        [[field]]
        id = "f-dob"
        category = "date"
    "#;

    #[test]
    fn most_specific_place_wins() {
        let schema = LabelSchema::from_toml_str(SCHEMA).unwrap();
        let mut place = Place::space("100");
        assert!(schema.holds_phi(&place));
        place.list = Some("555".into());
        assert!(!schema.holds_phi(&place));
        assert!(!schema.holds_phi(&Place::space("200")));
        assert!(
            schema.holds_phi(&Place::default()),
            "unknown places hold phi"
        );
    }

    #[test]
    fn fields_by_id_and_name() {
        let schema = LabelSchema::from_toml_str(SCHEMA).unwrap();
        assert_eq!(
            schema.field_category("x", Some("mrn")),
            Some(PhiCategory::MedicalRecordNumber)
        );
        assert_eq!(
            schema.field_category("f-dob", None),
            Some(PhiCategory::Date)
        );
        assert_eq!(schema.field_category("y", Some("Severity")), None);
    }

    #[test]
    fn phi_tags_mark_tasks_anywhere() {
        let schema =
            LabelSchema::from_toml_str("unlisted_places = \"no_phi\"\n[[tag]]\nname = \"Patient\"")
                .unwrap();
        let mut task: Task = serde_json::from_value(serde_json::json!({
            "id": "t", "name": "Rhea Q", "space": {"id": "1"}, "tags": [{"name": "patient"}]
        }))
        .unwrap();
        assert!(schema.holds_phi(&schema.place_of_task(&task)));
        schema.label_task(&mut task);
        assert!(task.name.is_phi());
        let mut untagged: Task =
            serde_json::from_value(serde_json::json!({"id": "u", "name": "Rota"})).unwrap();
        schema.label_task(&mut untagged);
        assert!(!untagged.name.is_phi());
    }

    #[test]
    fn bad_schemas_are_refused() {
        assert!(matches!(
            LabelSchema::from_toml_str("[[field]]\ncategory = \"name\""),
            Err(LabelError::FieldWithoutKey)
        ));
        assert!(matches!(
            LabelSchema::from_toml_str("[[field]]\nid = \"a\"\ncategory = \"nickname\""),
            Err(LabelError::UnknownCategory(_))
        ));
        assert!(matches!(
            LabelSchema::from_toml_str("bogus = 1"),
            Err(LabelError::Parse(_))
        ));
        assert!(matches!(
            LabelSchema::from_toml_str("unlisted_places = \"maybe\""),
            Err(LabelError::BadDefault)
        ));
    }

    #[test]
    fn sample_schema_in_examples_parses() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/config/labels.toml"
        );
        let schema = LabelSchema::load(path).unwrap();
        assert!(schema.has_name_labels());
    }
}
