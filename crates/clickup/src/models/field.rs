//! Custom fields: definitions, values as read, and values as written.
//!
//! ClickUp reads and writes custom field values in different shapes (a
//! dropdown reads as the option's order index and is written with the
//! option's id; people read as user objects and are written as
//! `{"add", "rem"}`), so there is one enum for each direction:
//! [`FieldValue`] and [`FieldWrite`].

use std::fmt;

use phiguard_phi::{Phi, PhiCategory};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use zeroize::Zeroize;

use super::common::{
    FieldId, TaskId, Timestamp, UserId, opt_bool, opt_f64, opt_i64, opt_string_or_number,
    opt_timestamp,
};

/// The kind of a custom field (its `type`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FieldType {
    /// Long text.
    Text,
    /// Short text.
    ShortText,
    /// Number.
    Number,
    /// Money amount.
    Currency,
    /// One option out of a list.
    DropDown,
    /// Several options (labels).
    Labels,
    /// People.
    Users,
    /// Related tasks.
    Tasks,
    /// Date.
    Date,
    /// Email address.
    Email,
    /// Phone number.
    Phone,
    /// URL.
    Url,
    /// Checkbox.
    Checkbox,
    /// Rating.
    Emoji,
    /// Manual progress.
    ManualProgress,
    /// Automatic progress (read-only).
    AutomaticProgress,
    /// Location.
    Location,
    /// Files.
    Attachment,
    /// Button.
    Button,
    /// Formula (read-only).
    Formula,
    /// A kind this client does not know yet.
    #[serde(untagged)]
    Unknown(String),
}

impl FieldType {
    /// True for kinds whose value is free text (and so may hold PHI in a
    /// PHI place even when no label names the field).
    pub fn is_textual(&self) -> bool {
        matches!(
            self,
            FieldType::Text
                | FieldType::ShortText
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Url
                | FieldType::Location
                | FieldType::Formula
                | FieldType::Unknown(_)
        )
    }
}

/// One option of a dropdown or labels field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct FieldOption {
    /// Option id (a UUID): what writes use.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub id: Option<String>,
    /// Dropdown option name.
    #[serde(default)]
    pub name: Option<String>,
    /// Labels option name.
    #[serde(default)]
    pub label: Option<String>,
    /// Colour.
    #[serde(default)]
    pub color: Option<String>,
    /// Position: what dropdown reads return.
    #[serde(default, deserialize_with = "opt_i64")]
    pub orderindex: Option<i64>,
}

/// A field's `type_config`. Keys not listed here are dropped: keeping them
/// would mean buffering every field definition of every task.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TypeConfig {
    /// Dropdown and labels options.
    #[serde(default, deserialize_with = "super::common::null_vec")]
    pub options: Vec<FieldOption>,
    /// Currency code for currency fields.
    #[serde(default)]
    pub currency_type: Option<String>,
    /// Decimal places.
    #[serde(default, deserialize_with = "opt_i64")]
    pub precision: Option<i64>,
    /// Rating maximum.
    #[serde(default, deserialize_with = "opt_i64")]
    pub count: Option<i64>,
    /// Manual progress start.
    #[serde(default, deserialize_with = "opt_f64")]
    pub start: Option<f64>,
    /// Manual progress end.
    #[serde(default, deserialize_with = "opt_f64")]
    pub end: Option<f64>,
    /// Dropdown option order (`manual`, `name_asc`, ...).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub sorting: Option<String>,
    /// People fields: one person only.
    #[serde(default, deserialize_with = "opt_bool")]
    pub single_user: Option<bool>,
    /// People fields: guests may be picked.
    #[serde(default, deserialize_with = "opt_bool")]
    pub include_guests: Option<bool>,
    /// People fields: workspace members may be picked.
    #[serde(default, deserialize_with = "opt_bool")]
    pub include_team_members: Option<bool>,
}

impl TypeConfig {
    /// The dropdown option at an order index.
    pub fn option_at(&self, orderindex: i64) -> Option<&FieldOption> {
        self.options
            .iter()
            .find(|o| o.orderindex == Some(orderindex))
    }

    /// The option with this name (dropdowns) or label (labels fields).
    pub fn option_named(&self, name: &str) -> Option<&FieldOption> {
        self.options
            .iter()
            .find(|o| o.name.as_deref() == Some(name) || o.label.as_deref() == Some(name))
    }
}

/// A custom field value as ClickUp reports it on a task, typed by the
/// field's kind.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum FieldValue {
    /// Text, short text.
    Text(String),
    /// Email address.
    Email(String),
    /// Phone number.
    Phone(String),
    /// URL.
    Url(String),
    /// Number.
    Number(f64),
    /// Money amount.
    Currency(f64),
    /// Dropdown: ClickUp reads the option's order index; the option id
    /// (what writes need) is resolved from the field's options.
    DropDown {
        /// The order index ClickUp sent.
        orderindex: i64,
        /// The matching option's id, when the field lists it.
        option_id: Option<String>,
    },
    /// Labels: option ids.
    Labels(Vec<String>),
    /// People.
    Users(Vec<UserId>),
    /// Related tasks.
    Tasks(Vec<TaskId>),
    /// Date.
    Date(Timestamp),
    /// Checkbox.
    Checkbox(bool),
    /// Rating.
    Rating(i64),
    /// Manual or automatic progress, in percent when ClickUp gives it.
    Progress {
        /// Current value.
        current: Option<f64>,
        /// Percent complete.
        percent: Option<f64>,
    },
    /// Location.
    Location {
        /// Latitude.
        lat: Option<f64>,
        /// Longitude.
        lng: Option<f64>,
        /// Address.
        formatted_address: Option<String>,
    },
    /// Files: attachment ids.
    Attachments(Vec<String>),
    /// A kind or shape this client does not model: the JSON text.
    Other(String),
}

// Debug shows the kind only: a plain value is usually harmless, but field
// values are where integrations hide identifiers, so a stray `{:?}` of a
// task should not need a second thought.
impl fmt::Debug for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            FieldValue::Text(_) => "Text",
            FieldValue::Email(_) => "Email",
            FieldValue::Phone(_) => "Phone",
            FieldValue::Url(_) => "Url",
            FieldValue::Number(_) => "Number",
            FieldValue::Currency(_) => "Currency",
            FieldValue::DropDown { .. } => "DropDown",
            FieldValue::Labels(_) => "Labels",
            FieldValue::Users(_) => "Users",
            FieldValue::Tasks(_) => "Tasks",
            FieldValue::Date(_) => "Date",
            FieldValue::Checkbox(_) => "Checkbox",
            FieldValue::Rating(_) => "Rating",
            FieldValue::Progress { .. } => "Progress",
            FieldValue::Location { .. } => "Location",
            FieldValue::Attachments(_) => "Attachments",
            FieldValue::Other(_) => "Other",
        };
        write!(f, "FieldValue::{kind}(..)")
    }
}

impl Zeroize for FieldValue {
    fn zeroize(&mut self) {
        match self {
            FieldValue::Text(s)
            | FieldValue::Email(s)
            | FieldValue::Phone(s)
            | FieldValue::Url(s)
            | FieldValue::Other(s) => s.zeroize(),
            FieldValue::Number(n) | FieldValue::Currency(n) => *n = 0.0,
            FieldValue::DropDown {
                orderindex,
                option_id,
            } => {
                *orderindex = 0;
                option_id.zeroize();
            }
            FieldValue::Labels(v) | FieldValue::Attachments(v) => v.zeroize(),
            FieldValue::Users(v) => v.iter_mut().for_each(Zeroize::zeroize),
            FieldValue::Tasks(v) => v.iter_mut().for_each(Zeroize::zeroize),
            FieldValue::Date(t) => t.zeroize(),
            FieldValue::Checkbox(b) => *b = false,
            FieldValue::Rating(n) => *n = 0,
            FieldValue::Progress { current, percent } => {
                *current = None;
                *percent = None;
            }
            FieldValue::Location {
                lat,
                lng,
                formatted_address,
            } => {
                *lat = None;
                *lng = None;
                formatted_address.zeroize();
            }
        }
    }
}

fn value_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn value_ids(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Object(map) => map.get("id").map(value_text),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl FieldValue {
    /// Types a raw value by the field's kind. Shapes that do not fit fall
    /// back to [`FieldValue::Other`] rather than failing the whole task.
    pub(crate) fn from_json(kind: &FieldType, config: &TypeConfig, raw: &Value) -> FieldValue {
        let other = || FieldValue::Other(raw.to_string());
        match kind {
            FieldType::Text | FieldType::ShortText => FieldValue::Text(value_text(raw)),
            FieldType::Email => FieldValue::Email(value_text(raw)),
            FieldType::Phone => FieldValue::Phone(value_text(raw)),
            FieldType::Url => FieldValue::Url(value_text(raw)),
            FieldType::Number => value_f64(raw).map_or_else(other, FieldValue::Number),
            FieldType::Currency => value_f64(raw).map_or_else(other, FieldValue::Currency),
            FieldType::DropDown => match value_f64(raw) {
                Some(index) => {
                    let orderindex = index as i64;
                    let option_id = config.option_at(orderindex).and_then(|o| o.id.clone());
                    FieldValue::DropDown {
                        orderindex,
                        option_id,
                    }
                }
                // Some workspaces report the option id itself.
                None => match raw {
                    Value::String(id) => {
                        let orderindex = config
                            .options
                            .iter()
                            .find(|o| o.id.as_deref() == Some(id))
                            .and_then(|o| o.orderindex)
                            .unwrap_or(-1);
                        FieldValue::DropDown {
                            orderindex,
                            option_id: Some(id.clone()),
                        }
                    }
                    _ => other(),
                },
            },
            FieldType::Labels => FieldValue::Labels(value_ids(raw)),
            FieldType::Users => {
                FieldValue::Users(value_ids(raw).into_iter().map(UserId::new).collect())
            }
            FieldType::Tasks => {
                FieldValue::Tasks(value_ids(raw).into_iter().map(TaskId::new).collect())
            }
            FieldType::Attachment => FieldValue::Attachments(value_ids(raw)),
            FieldType::Date => value_f64(raw).map_or_else(other, |ms| {
                FieldValue::Date(Timestamp::from_millis(ms as i64))
            }),
            FieldType::Checkbox => match raw {
                Value::Bool(b) => FieldValue::Checkbox(*b),
                Value::String(s) if s == "true" || s == "false" => {
                    FieldValue::Checkbox(s == "true")
                }
                Value::Number(n) => FieldValue::Checkbox(n.as_f64() != Some(0.0)),
                _ => other(),
            },
            FieldType::Emoji => value_f64(raw).map_or_else(other, |n| FieldValue::Rating(n as i64)),
            FieldType::ManualProgress | FieldType::AutomaticProgress => match raw {
                Value::Object(map) => FieldValue::Progress {
                    current: map.get("current").and_then(value_f64),
                    percent: map.get("percent_complete").and_then(value_f64),
                },
                _ => value_f64(raw).map_or_else(other, |n| FieldValue::Progress {
                    current: Some(n),
                    percent: None,
                }),
            },
            FieldType::Location => match raw {
                Value::Object(map) => {
                    let at = map.get("location");
                    FieldValue::Location {
                        lat: at.and_then(|l| l.get("lat")).and_then(value_f64),
                        lng: at.and_then(|l| l.get("lng")).and_then(value_f64),
                        formatted_address: map.get("formatted_address").map(value_text),
                    }
                }
                _ => other(),
            },
            FieldType::Button | FieldType::Formula | FieldType::Unknown(_) => other(),
        }
    }
}

/// Where a field's value stands after labelling.
#[derive(Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum FieldSlot {
    /// No value set.
    #[default]
    Unset,
    /// A value from a field and place that hold no PHI.
    Plain(FieldValue),
    /// A value that is, or may be, PHI.
    Phi(Phi<FieldValue>),
}

impl fmt::Debug for FieldSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldSlot::Unset => f.write_str("Unset"),
            FieldSlot::Plain(value) => write!(f, "Plain({value:?})"),
            FieldSlot::Phi(phi) => write!(f, "{phi:?}"),
        }
    }
}

/// A custom field: its definition and, on a task, its value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CustomField {
    /// Field id.
    pub id: FieldId,
    /// Field name.
    pub name: Option<String>,
    /// Field kind.
    pub kind: FieldType,
    /// Options and settings.
    pub type_config: TypeConfig,
    /// When the field was created.
    pub date_created: Option<Timestamp>,
    /// Hidden from guests.
    pub hide_from_guests: Option<bool>,
    /// Required on tasks (ClickUp may send `null`).
    pub required: Option<bool>,
    /// The value, sealed as PHI until a labelling schema releases it.
    pub value: FieldSlot,
}

impl CustomField {
    /// The value when it is plain.
    pub fn plain_value(&self) -> Option<&FieldValue> {
        match &self.value {
            FieldSlot::Plain(value) => Some(value),
            _ => None,
        }
    }

    /// The value when it is sealed as PHI.
    pub fn phi_value(&self) -> Option<&Phi<FieldValue>> {
        match &self.value {
            FieldSlot::Phi(value) => Some(value),
            _ => None,
        }
    }

    /// True when the field has a value.
    pub fn is_set(&self) -> bool {
        !matches!(self.value, FieldSlot::Unset)
    }

    pub(crate) fn seal(&mut self, category: PhiCategory) {
        let current = std::mem::take(&mut self.value);
        self.value = match current {
            FieldSlot::Unset => FieldSlot::Unset,
            FieldSlot::Plain(value) => FieldSlot::Phi(Phi::new(value, category)),
            FieldSlot::Phi(phi) => FieldSlot::Phi(phi.with_category(category)),
        };
    }

    pub(crate) fn release(&mut self) {
        if let FieldSlot::Phi(phi) = &self.value {
            self.value = FieldSlot::Plain(phi.expose_phi().clone());
        }
    }
}

#[derive(Deserialize)]
struct RawField {
    #[serde(deserialize_with = "super::common::string_or_number")]
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<FieldType>,
    #[serde(default)]
    type_config: Option<TypeConfig>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    date_created: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_bool")]
    hide_from_guests: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    required: Option<bool>,
    // Kept raw only long enough to type it; see the Deserialize impl.
    #[serde(default)]
    value: Option<Value>,
}

impl<'de> Deserialize<'de> for CustomField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawField::deserialize(d)?;
        let kind = raw.kind.unwrap_or(FieldType::Unknown(String::new()));
        let type_config = raw.type_config.unwrap_or_default();
        let value = match &raw.value {
            None | Some(Value::Null) => FieldSlot::Unset,
            Some(Value::String(s)) if s.is_empty() => FieldSlot::Unset,
            Some(json) => FieldSlot::Phi(Phi::new(
                FieldValue::from_json(&kind, &type_config, json),
                PhiCategory::Unclassified,
            )),
        };
        Ok(CustomField {
            id: FieldId::new(raw.id),
            name: raw.name,
            kind,
            type_config,
            date_created: raw.date_created,
            hide_from_guests: raw.hide_from_guests,
            required: raw.required,
            value,
        })
    }
}

/// A custom field value to write, in ClickUp's write shape for each kind.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum FieldWrite {
    /// Text, short text, email, phone or URL.
    Text(String),
    /// Number.
    Number(f64),
    /// Money amount (the currency is the field's).
    Currency(f64),
    /// Dropdown, by option id (a UUID).
    DropDownOption(String),
    /// Dropdown, by option order index.
    DropDownIndex(i64),
    /// Labels: option ids.
    Labels(Vec<String>),
    /// People to add and remove (user ids).
    Users {
        /// Users to add.
        add: Vec<i64>,
        /// Users to remove.
        rem: Vec<i64>,
    },
    /// Tasks to add and remove.
    Tasks {
        /// Tasks to add.
        add: Vec<String>,
        /// Tasks to remove.
        rem: Vec<String>,
    },
    /// Date, with whether the time of day matters.
    Date {
        /// The instant.
        at: Timestamp,
        /// Show the time of day.
        time: bool,
    },
    /// Checkbox.
    Checkbox(bool),
    /// Rating, 0..count.
    Rating(i64),
    /// Manual progress.
    ManualProgress(f64),
    /// Location.
    Location {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lng: f64,
        /// Address.
        formatted_address: String,
    },
    /// Files to add and remove (attachment ids).
    Attachments {
        /// Attachments to add.
        add: Vec<String>,
        /// Attachments to remove.
        rem: Vec<String>,
    },
    /// Press a button field.
    Button,
}

impl fmt::Debug for FieldWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldWrite(..)")
    }
}

impl Zeroize for FieldWrite {
    fn zeroize(&mut self) {
        match self {
            FieldWrite::Text(s) | FieldWrite::DropDownOption(s) => s.zeroize(),
            FieldWrite::Number(n) | FieldWrite::Currency(n) | FieldWrite::ManualProgress(n) => {
                *n = 0.0
            }
            FieldWrite::DropDownIndex(n) | FieldWrite::Rating(n) => *n = 0,
            FieldWrite::Labels(v) => v.zeroize(),
            FieldWrite::Users { add, rem } => {
                add.zeroize();
                rem.zeroize();
            }
            FieldWrite::Tasks { add, rem } | FieldWrite::Attachments { add, rem } => {
                add.zeroize();
                rem.zeroize();
            }
            FieldWrite::Date { at, time } => {
                at.zeroize();
                *time = false;
            }
            FieldWrite::Checkbox(b) => *b = false,
            FieldWrite::Location {
                lat,
                lng,
                formatted_address,
            } => {
                *lat = 0.0;
                *lng = 0.0;
                formatted_address.zeroize();
            }
            FieldWrite::Button => {}
        }
    }
}

#[derive(Serialize)]
struct AddRem<'a, T: Serialize> {
    add: &'a [T],
    rem: &'a [T],
}

/// Serializes as the whole SetCustomFieldValue body:
/// `{"value": ..., "value_options": ...}`.
impl Serialize for FieldWrite {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match self {
            FieldWrite::Text(text) | FieldWrite::DropDownOption(text) => {
                map.serialize_entry("value", text)?
            }
            FieldWrite::Number(n) | FieldWrite::Currency(n) => map.serialize_entry("value", n)?,
            FieldWrite::DropDownIndex(n) | FieldWrite::Rating(n) => {
                map.serialize_entry("value", n)?
            }
            FieldWrite::Labels(ids) => map.serialize_entry("value", ids)?,
            FieldWrite::Users { add, rem } => map.serialize_entry("value", &AddRem { add, rem })?,
            FieldWrite::Tasks { add, rem } | FieldWrite::Attachments { add, rem } => {
                map.serialize_entry("value", &AddRem { add, rem })?
            }
            FieldWrite::Date { at, time } => {
                map.serialize_entry("value", &at.as_millis())?;
                map.serialize_entry("value_options", &serde_json::json!({ "time": time }))?;
            }
            FieldWrite::Checkbox(b) => map.serialize_entry("value", b)?,
            FieldWrite::ManualProgress(current) => {
                map.serialize_entry("value", &serde_json::json!({ "current": current }))?
            }
            FieldWrite::Location {
                lat,
                lng,
                formatted_address,
            } => map.serialize_entry(
                "value",
                &serde_json::json!({
                    "location": { "lat": lat, "lng": lng },
                    "formatted_address": formatted_address,
                }),
            )?,
            FieldWrite::Button => map.serialize_entry("value", &true)?,
        }
        map.end()
    }
}

/// A custom field value set inline when creating a task.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct InlineField {
    /// Field id.
    pub id: FieldId,
    /// The value (only the `value` part of [`FieldWrite`] is sent).
    pub value: InlineValue,
}

impl InlineField {
    /// A value for `field`.
    pub fn new(field: impl Into<FieldId>, value: FieldWrite) -> Self {
        InlineField {
            id: field.into(),
            value: InlineValue::Plain(value),
        }
    }
}

/// The value of an [`InlineField`], plain or sealed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum InlineValue {
    /// Plain.
    Plain(FieldWrite),
    /// Sealed as PHI.
    Phi(Phi<FieldWrite>),
}

/// Picks the `value` entry out of a FieldWrite's body shape.
struct ValueOnly<'a>(&'a FieldWrite);

impl Serialize for ValueOnly<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Serializing FieldWrite to a Value first would bypass nothing:
        // this only runs inside the egress scope the caller entered.
        let body = serde_json::to_value(self.0).map_err(serde::ser::Error::custom)?;
        body.get("value").unwrap_or(&Value::Null).serialize(s)
    }
}

impl Serialize for InlineValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            InlineValue::Plain(value) => ValueOnly(value).serialize(s),
            InlineValue::Phi(phi) => {
                // Ask the egress gate first so a PHI value is never turned
                // into JSON outside ClickUp's scope.
                phi.map(|_| String::new())
                    .serialize(&mut serde_json::Serializer::new(std::io::sink()))
                    .map_err(serde::ser::Error::custom)?;
                ValueOnly(phi.expose_phi()).serialize(s)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropdown_reads_index_and_resolves_option_id() {
        let field: CustomField = serde_json::from_value(serde_json::json!({
            "id": "f1", "name": "Severity", "type": "drop_down",
            "type_config": {"options": [
                {"id": "opt-a", "name": "Low", "orderindex": 0},
                {"id": "opt-b", "name": "High", "orderindex": 1}
            ]},
            "value": 1
        }))
        .unwrap();
        let value = field.phi_value().unwrap().expose_phi().clone();
        assert_eq!(
            value,
            FieldValue::DropDown {
                orderindex: 1,
                option_id: Some("opt-b".into())
            }
        );
    }

    #[test]
    fn write_shapes() {
        let body = serde_json::to_value(FieldWrite::Date {
            at: Timestamp::from_millis(1_700_000_000_000),
            time: true,
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"value": 1_700_000_000_000_i64, "value_options": {"time": true}})
        );
        let body = serde_json::to_value(FieldWrite::Users {
            add: vec![1],
            rem: vec![2],
        })
        .unwrap();
        assert_eq!(body, serde_json::json!({"value": {"add": [1], "rem": [2]}}));
        let body = serde_json::to_value(FieldWrite::DropDownOption("opt-b".into())).unwrap();
        assert_eq!(body, serde_json::json!({"value": "opt-b"}));
    }

    #[test]
    fn unknown_type_is_kept() {
        let field: CustomField = serde_json::from_value(serde_json::json!({
            "id": "f2", "type": "hologram", "value": {"x": 1}
        }))
        .unwrap();
        assert_eq!(field.kind, FieldType::Unknown("hologram".into()));
        assert!(field.is_set());
    }
}
