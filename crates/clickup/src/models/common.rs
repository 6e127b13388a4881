//! Ids, timestamps, free text and the small objects every resource shares.

use std::fmt;

use phiguard_phi::{Phi, PhiCategory};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;
use zeroize::Zeroize;

/// Accepts a JSON string or number (ClickUp sends ids both ways) and
/// yields its text.
struct StringOrNumber;

impl Visitor<'_> for StringOrNumber {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// Deserializes a string-or-number into a `String`.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(StringOrNumber)
}

/// One JSON value seen through lenient eyes, without building a tree.
enum Scalar<'de> {
    Text(std::borrow::Cow<'de, str>),
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
    /// `null`, or an object or array (skipped).
    Nothing,
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(std::borrow::Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(std::borrow::Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(std::borrow::Cow::Owned(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::UInt(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Float(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Nothing)
    }

    fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Nothing)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar<'de>, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Scalar::Nothing)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Scalar::Nothing)
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar<'de>, D::Error> {
    d.deserialize_any(ScalarVisitor)
}

/// Deserializes an optional string-or-number; `null`, `""` and objects
/// become `None`.
pub(crate) fn opt_string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Text(s) if s.is_empty() => None,
        Scalar::Text(s) => Some(s.into_owned()),
        Scalar::Int(n) => Some(n.to_string()),
        Scalar::UInt(n) => Some(n.to_string()),
        Scalar::Float(n) => Some(n.to_string()),
        Scalar::Bool(b) => Some(b.to_string()),
        Scalar::Nothing => None,
    })
}

/// Deserializes a number that may arrive as a string, a number or null.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Text(s) => s.trim().parse().ok(),
        Scalar::Int(n) => Some(n as f64),
        Scalar::UInt(n) => Some(n as f64),
        Scalar::Float(n) => Some(n),
        Scalar::Bool(_) | Scalar::Nothing => None,
    })
}

/// Deserializes an integer that may arrive as a string, a number or null.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Text(s) => {
            let s = s.trim();
            s.parse::<i64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().map(|v| v as i64))
        }
        Scalar::Int(n) => Some(n),
        Scalar::UInt(n) => i64::try_from(n).ok(),
        Scalar::Float(n) => Some(n as i64),
        Scalar::Bool(_) | Scalar::Nothing => None,
    })
}

/// Deserializes a boolean that may arrive as `true`, `"true"`, `1` or null.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Bool(b) => Some(b),
        Scalar::Int(n) => Some(n != 0),
        Scalar::UInt(n) => Some(n != 0),
        Scalar::Float(n) => Some(n != 0.0),
        Scalar::Text(s) => match s.as_ref() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        Scalar::Nothing => None,
    })
}

/// Deserializes an array that ClickUp may send as `null`.
pub(crate) fn null_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Deserializes from a JSON string or number; serializes as a string.
        #[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Zeroize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                string_or_number(d).map($name)
            }
        }
    )*};
}

id_type! {
    /// A workspace id (v2 calls workspaces "teams": `team_id`).
    WorkspaceId;
    /// A space id.
    SpaceId;
    /// A folder id.
    FolderId;
    /// A list id.
    ListId;
    /// A native task id such as `9hx` (see [`crate::TaskRef`] for custom ids).
    TaskId;
    /// A comment id.
    CommentId;
    /// A checklist id (a UUID).
    ChecklistId;
    /// A checklist item id (a UUID).
    ChecklistItemId;
    /// A custom field id (a UUID).
    FieldId;
    /// A view id such as `3c-105`.
    ViewId;
    /// A webhook id (a UUID).
    WebhookId;
    /// A user id (an integer on the wire, kept as text).
    UserId;
    /// An attachment id (UUID plus extension).
    AttachmentId;
}

/// A Unix time in milliseconds, as ClickUp sends it (a string or a number).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Zeroize)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From milliseconds since the Unix epoch.
    pub const fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// As a UTC date-time; `None` when out of range.
    pub fn to_datetime(self) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000).ok()
    }

    /// From a date-time, truncated to milliseconds.
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        Timestamp((at.unix_timestamp_nanos() / 1_000_000) as i64)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.0)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = string_or_number(d)?;
        let ms = text
            .trim()
            .parse::<f64>()
            .map_err(|_| de::Error::custom("a timestamp was not a number of milliseconds"))?;
        Ok(Timestamp(ms as i64))
    }
}

/// Deserializes an optional timestamp; `null`, `""` and garbage become `None`.
pub(crate) fn opt_timestamp<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Timestamp>, D::Error> {
    Ok(opt_i64(d)?.map(Timestamp))
}

/// Free text that may be PHI: a task name or description, a comment, a
/// checklist item, an attachment title.
///
/// Parsed text starts sealed as [`Phi`] (category `unclassified`): it is
/// released as plain text only by a [`crate::LabelSchema`] that says its
/// place holds no PHI. Text you write is plain unless you wrap it, and the
/// client seals it when the target place holds PHI.
///
/// Debug of sealed text prints its category, never the text.
#[derive(Clone, PartialEq, Eq)]
pub enum FreeText {
    /// Text from a place that holds no PHI.
    Plain(String),
    /// Text that is, or may be, PHI.
    Phi(Phi<String>),
}

impl FreeText {
    /// True when the text is sealed as PHI.
    pub fn is_phi(&self) -> bool {
        matches!(self, FreeText::Phi(_))
    }

    /// The text when it is plain.
    pub fn as_plain(&self) -> Option<&str> {
        match self {
            FreeText::Plain(text) => Some(text),
            FreeText::Phi(_) => None,
        }
    }

    /// The PHI when the text is sealed.
    pub fn as_phi(&self) -> Option<&Phi<String>> {
        match self {
            FreeText::Phi(phi) => Some(phi),
            FreeText::Plain(_) => None,
        }
    }

    /// The PHI category when sealed.
    pub fn category(&self) -> Option<PhiCategory> {
        self.as_phi().map(Phi::category)
    }

    /// Seals the text as PHI with `category` (relabels sealed text).
    pub fn seal(&mut self, category: PhiCategory) {
        let current = std::mem::replace(self, FreeText::Plain(String::new()));
        *self = match current {
            FreeText::Plain(text) => FreeText::Phi(Phi::new(text, category)),
            FreeText::Phi(phi) => FreeText::Phi(phi.with_category(category)),
        };
    }

    /// Releases sealed text as plain. Only the labelling schema does this,
    /// for places it declares free of PHI.
    pub(crate) fn release(&mut self) {
        if let FreeText::Phi(phi) = self {
            *self = FreeText::Plain(phi.expose_phi().clone());
        }
    }

    /// True when the text is empty (either form).
    pub fn is_empty(&self) -> bool {
        match self {
            FreeText::Plain(text) => text.is_empty(),
            FreeText::Phi(phi) => phi.expose_phi().is_empty(),
        }
    }
}

impl Default for FreeText {
    fn default() -> Self {
        FreeText::Plain(String::new())
    }
}

impl fmt::Debug for FreeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FreeText::Plain(text) => write!(f, "Plain({text:?})"),
            FreeText::Phi(phi) => write!(f, "{phi:?}"),
        }
    }
}

impl From<&str> for FreeText {
    fn from(text: &str) -> Self {
        FreeText::Plain(text.to_owned())
    }
}

impl From<String> for FreeText {
    fn from(text: String) -> Self {
        FreeText::Plain(text)
    }
}

impl From<Phi<String>> for FreeText {
    fn from(phi: Phi<String>) -> Self {
        FreeText::Phi(phi)
    }
}

impl Serialize for FreeText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FreeText::Plain(text) => s.serialize_str(text),
            // Fails closed outside ClickUp's egress scope.
            FreeText::Phi(phi) => phi.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for FreeText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The Phi deserializer withholds the value from its error message.
        let raw: Option<Phi<String>> = Option::deserialize(d)?;
        Ok(FreeText::Phi(raw.unwrap_or_else(|| {
            Phi::new(String::new(), PhiCategory::Unclassified)
        })))
    }
}

/// A ClickUp user as embedded in tasks, comments and members.
///
/// Workforce members, not patients: these fields are plain.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct User {
    /// User id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<UserId>,
    /// Display name.
    #[serde(default)]
    pub username: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Colour (hex).
    #[serde(default)]
    pub color: Option<String>,
    /// Initials.
    #[serde(default)]
    pub initials: Option<String>,
    /// Avatar URL.
    #[serde(default, rename = "profilePicture")]
    pub profile_picture: Option<String>,
    /// Workspace role: 1 owner, 2 admin, 3 member, 4 guest.
    #[serde(default, deserialize_with = "opt_i64")]
    pub role: Option<i64>,
    /// Time zone (IANA), on the authorized user.
    #[serde(default)]
    pub timezone: Option<String>,
    /// 0 Sunday, 1 Monday, on the authorized user.
    #[serde(default, deserialize_with = "opt_i64")]
    pub week_start_day: Option<i64>,
}

/// Deserializes an optional id of any id type.
pub(crate) fn opt_id<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    Ok(opt_string_or_number(d)?.map(T::from))
}

/// A status on a task, list or space.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Status {
    /// Status id, when ClickUp sends one.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub id: Option<String>,
    /// The status name, e.g. `in progress`; requests set statuses by name.
    #[serde(default)]
    pub status: Option<String>,
    /// Colour (hex).
    #[serde(default)]
    pub color: Option<String>,
    /// Position.
    #[serde(default, deserialize_with = "opt_f64")]
    pub orderindex: Option<f64>,
    /// Status group.
    #[serde(default, rename = "type")]
    pub kind: Option<StatusKind>,
}

/// The group a status belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StatusKind {
    /// Not started.
    Open,
    /// In progress (custom statuses).
    Custom,
    /// Done.
    Done,
    /// Closed.
    Closed,
    /// A group this client does not know yet.
    #[serde(untagged)]
    Unknown(String),
}

/// A task or list priority as ClickUp reports it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Priority {
    /// `"1"` (urgent) to `"4"` (low).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub id: Option<String>,
    /// `urgent`, `high`, `normal` or `low`.
    #[serde(default)]
    pub priority: Option<String>,
    /// Colour (hex).
    #[serde(default)]
    pub color: Option<String>,
    /// Position.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub orderindex: Option<String>,
}

impl Priority {
    /// The priority as ClickUp's request integer: 1 urgent .. 4 low.
    pub fn level(&self) -> Option<u8> {
        if let Some(level) = self.id.as_deref().and_then(|id| id.parse().ok()) {
            return Some(level);
        }
        match self.priority.as_deref()? {
            "urgent" => Some(1),
            "high" => Some(2),
            "normal" => Some(3),
            "low" => Some(4),
            _ => None,
        }
    }
}

/// Deserializes a priority sent as an object, a level (`1`, `"1"`) or null.
pub(crate) fn opt_priority<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Priority>, D::Error> {
    let raw: Option<serde_json::Value> = Option::deserialize(d)?;
    Ok(match raw {
        Some(value @ serde_json::Value::Object(_)) => Some(
            Priority::deserialize(value)
                .map_err(|_| de::Error::custom("a priority object was malformed"))?,
        ),
        Some(serde_json::Value::Number(n)) => Some(Priority {
            id: Some(n.to_string()),
            ..Priority::default()
        }),
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(Priority {
            id: Some(s),
            ..Priority::default()
        }),
        _ => None,
    })
}

/// Deserializes an array that ClickUp may send as `null` or, in places, as
/// a single object.
pub(crate) fn vec_or_one<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match Option::<OneOrMany<T>>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::Many(items)) => items,
        Some(OneOrMany::One(item)) => vec![item],
    })
}

/// A short reference to a list, folder or space inside another object.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct PlaceRef {
    /// Its id.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub id: Option<String>,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// True for the placeholder folder of a folderless list.
    #[serde(default, deserialize_with = "opt_bool")]
    pub hidden: Option<bool>,
    /// Whether the caller can open it.
    #[serde(default, deserialize_with = "opt_bool")]
    pub access: Option<bool>,
}

/// A tag on a task or in a space.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Tag {
    /// Tag name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Foreground colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_fg: Option<String>,
    /// Background colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_bg: Option<String>,
    /// User id of the creator.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub creator: Option<UserId>,
}

/// A body ClickUp answers with when there is nothing to say (`{}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Empty {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_strings_and_numbers() {
        let a: ListId = serde_json::from_str("\"901\"").unwrap();
        let b: ListId = serde_json::from_str("901").unwrap();
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"901\"");
    }

    #[test]
    fn timestamps_accept_strings_and_numbers() {
        let a: Timestamp = serde_json::from_str("\"1567780450202\"").unwrap();
        let b: Timestamp = serde_json::from_str("1567780450202").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_datetime().unwrap().year(), 2019);
    }

    #[test]
    fn free_text_is_sealed_when_parsed() {
        let text: FreeText = serde_json::from_str("\"Zora Plimpton\"").unwrap();
        assert!(text.is_phi());
        assert!(!format!("{text:?}").contains("Zora"));
        assert!(serde_json::to_string(&text).is_err());
    }
}
