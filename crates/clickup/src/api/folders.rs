use reqwest::Method;

use crate::client::{Call, ClickUpClient};
use crate::error::Error;
use crate::models::{Empty, Folder, FolderId, Folders, SpaceId};

#[derive(serde::Serialize)]
struct FolderName<'a> {
    name: &'a str,
}

impl ClickUpClient {
    /// Folders of a space (`GET /v2/space/{space_id}/folder`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn folders(&self, space: &SpaceId, archived: bool) -> Result<Vec<Folder>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/space/{space_id}/folder",
            format!("/v2/space/{space}/folder"),
        )
        .query([("archived", archived.to_string())]);
        Ok(self.fetch::<Folders>(call).await?.folders)
    }

    /// One folder (`GET /v2/folder/{folder_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn folder(&self, folder: &FolderId) -> Result<Folder, Error> {
        self.fetch(Call::new(
            Method::GET,
            "/v2/folder/{folder_id}",
            format!("/v2/folder/{folder}"),
        ))
        .await
    }

    /// Creates a folder (`POST /v2/space/{space_id}/folder`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_folder(&self, space: &SpaceId, name: &str) -> Result<Folder, Error> {
        let route = "/v2/space/{space_id}/folder";
        let body = self.plain_json(route, &FolderName { name })?;
        self.fetch(Call::new(Method::POST, route, format!("/v2/space/{space}/folder")).body(body))
            .await
    }

    /// Renames a folder (`PUT /v2/folder/{folder_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn update_folder(&self, folder: &FolderId, name: &str) -> Result<Folder, Error> {
        let route = "/v2/folder/{folder_id}";
        let body = self.plain_json(route, &FolderName { name })?;
        self.fetch(Call::new(Method::PUT, route, format!("/v2/folder/{folder}")).body(body))
            .await
    }

    /// Deletes a folder (`DELETE /v2/folder/{folder_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_folder(&self, folder: &FolderId) -> Result<(), Error> {
        self.fetch::<Empty>(Call::new(
            Method::DELETE,
            "/v2/folder/{folder_id}",
            format!("/v2/folder/{folder}"),
        ))
        .await
        .map(drop)
    }
}
