//! Credentials: a personal token or an OAuth access token, held as secrets.

use std::fmt;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use url::Url;

use crate::error::Error;

/// A token ClickUp accepts in the `Authorization` header.
///
/// Debug prints the kind only. The token is zeroized on drop.
#[derive(Clone)]
pub enum Credentials {
    /// A personal token (`pk_...`), sent as is.
    PersonalToken(SecretString),
    /// An OAuth access token, sent as `Bearer ...`.
    OAuth(SecretString),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::PersonalToken(_) => f.write_str("Credentials::PersonalToken(..)"),
            Credentials::OAuth(_) => f.write_str("Credentials::OAuth(..)"),
        }
    }
}

impl Credentials {
    /// A personal token.
    pub fn personal(token: impl Into<String>) -> Self {
        Credentials::PersonalToken(SecretString::from(token.into()))
    }

    /// An OAuth access token.
    pub fn oauth(token: impl Into<String>) -> Self {
        Credentials::OAuth(SecretString::from(token.into()))
    }

    /// Reads a personal token from an environment variable.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the variable is unset or empty.
    pub fn from_env(var: &str) -> Result<Self, Error> {
        match std::env::var(var) {
            Ok(token) if !token.trim().is_empty() => Ok(Credentials::personal(token.trim())),
            _ => Err(Error::Config("clickup token variable is unset or empty")),
        }
    }

    /// The header value, marked sensitive so HTTP layers do not log it.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, Error> {
        let text = match self {
            Credentials::PersonalToken(token) => token.expose_secret().to_owned(),
            Credentials::OAuth(token) => format!("Bearer {}", token.expose_secret()),
        };
        let mut value = HeaderValue::from_str(&text)
            .map_err(|_| Error::Config("token holds characters not allowed in a header"))?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// A stable key for the token's rate-limit budget: a short hash, so a
    /// shared limiter backend never stores the token itself.
    pub fn budget_key(&self) -> String {
        let token = match self {
            Credentials::PersonalToken(token) | Credentials::OAuth(token) => token.expose_secret(),
        };
        let digest = Sha256::digest(token.as_bytes());
        hex::encode(&digest[..8])
    }
}

/// An OAuth app registered in ClickUp (Settings, Apps).
#[derive(Clone)]
pub struct OAuthApp {
    client_id: String,
    client_secret: SecretString,
    redirect_uri: String,
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl OAuthApp {
    /// An app with its id, secret and registered redirect URI.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: SecretString,
        redirect_uri: impl Into<String>,
    ) -> Self {
        OAuthApp {
            client_id: client_id.into(),
            client_secret,
            redirect_uri: redirect_uri.into(),
        }
    }

    /// The app's client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Where to send the user to authorize the app: ClickUp's consent page
    /// with `client_id`, `redirect_uri` and `state`.
    pub fn authorize_url(&self, state: &str) -> Url {
        let mut url = Url::parse("https://app.clickup.com/api").expect("static url parses");
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("state", state);
        url
    }

    /// The JSON body of the token exchange.
    pub(crate) fn exchange_body(&self, code: &str) -> serde_json::Value {
        serde_json::json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret.expose_secret(),
            "code": code,
        })
    }
}

/// ClickUp's answer to the OAuth code exchange.
#[derive(serde::Deserialize)]
#[non_exhaustive]
pub struct AccessToken {
    /// The access token (no refresh token, no expiry is documented).
    pub access_token: SecretString,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_tokens() {
        let creds = Credentials::personal("pk_12345_SECRETVALUE");
        assert!(!format!("{creds:?}").contains("SECRET"));
        let app = OAuthApp::new("cid", SecretString::from("shh-secret"), "https://x/cb");
        assert!(!format!("{app:?}").contains("shh"));
    }

    #[test]
    fn header_shapes() {
        let personal = Credentials::personal("pk_1").header_value().unwrap();
        assert_eq!(personal.to_str().unwrap(), "pk_1");
        assert!(personal.is_sensitive());
        let oauth = Credentials::oauth("abc").header_value().unwrap();
        assert_eq!(oauth.to_str().unwrap(), "Bearer abc");
    }

    #[test]
    fn authorize_url_has_parameters() {
        let app = OAuthApp::new("cid", SecretString::from("s"), "https://example.test/cb");
        let url = app.authorize_url("xyz");
        let pairs: Vec<_> = url.query_pairs().into_owned().collect();
        assert!(pairs.contains(&("client_id".into(), "cid".into())));
        assert!(pairs.contains(&("state".into(), "xyz".into())));
        assert!(!pairs.iter().any(|(k, _)| k == "client_secret"));
    }
}
