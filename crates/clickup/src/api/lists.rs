use reqwest::Method;

use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::labels::Place;
use crate::models::{Empty, FolderId, List, ListId, ListSpec, Lists, SpaceId, TaskId};

/// Where a list lives, from its `folder` and `space`.
pub(crate) fn place_of_list(list: &List) -> Place {
    let folder_hidden = list.folder.as_ref().and_then(|f| f.hidden).unwrap_or(false);
    Place {
        space: list.space.as_ref().and_then(|s| s.id.clone()),
        folder: if folder_hidden {
            None
        } else {
            list.folder.as_ref().and_then(|f| f.id.clone())
        },
        list: Some(list.id.as_str().to_owned()),
        ..Place::default()
    }
}

impl ClickUpClient {
    fn remember_lists(&self, lists: &[List]) {
        for list in lists {
            self.remember_list(list.id.as_str(), place_of_list(list));
        }
    }

    /// Lists in a folder (`GET /v2/folder/{folder_id}/list`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn lists(&self, folder: &FolderId, archived: bool) -> Result<Vec<List>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/folder/{folder_id}/list",
            format!("/v2/folder/{folder}/list"),
        )
        .query([("archived", archived.to_string())]);
        let lists = self.fetch::<Lists>(call).await?.lists;
        self.remember_lists(&lists);
        Ok(lists)
    }

    /// Lists directly in a space, outside any folder
    /// (`GET /v2/space/{space_id}/list`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn folderless_lists(
        &self,
        space: &SpaceId,
        archived: bool,
    ) -> Result<Vec<List>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/space/{space_id}/list",
            format!("/v2/space/{space}/list"),
        )
        .query([("archived", archived.to_string())]);
        let lists = self.fetch::<Lists>(call).await?.lists;
        self.remember_lists(&lists);
        Ok(lists)
    }

    /// One list (`GET /v2/list/{list_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn list(&self, list: impl AsRef<str>) -> Result<List, Error> {
        let id = segment(list.as_ref());
        let list: List = self
            .fetch(Call::new(
                Method::GET,
                "/v2/list/{list_id}",
                format!("/v2/list/{id}"),
            ))
            .await?;
        self.remember_lists(std::slice::from_ref(&list));
        Ok(list)
    }

    /// Creates a list in a folder (`POST /v2/folder/{folder_id}/list`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_list(&self, folder: &FolderId, spec: &ListSpec) -> Result<List, Error> {
        let route = "/v2/folder/{folder_id}/list";
        let body = self.plain_json(route, spec)?;
        self.fetch(Call::new(Method::POST, route, format!("/v2/folder/{folder}/list")).body(body))
            .await
    }

    /// Creates a list directly in a space (`POST /v2/space/{space_id}/list`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_folderless_list(
        &self,
        space: &SpaceId,
        spec: &ListSpec,
    ) -> Result<List, Error> {
        let route = "/v2/space/{space_id}/list";
        let body = self.plain_json(route, spec)?;
        self.fetch(Call::new(Method::POST, route, format!("/v2/space/{space}/list")).body(body))
            .await
    }

    /// Updates a list (`PUT /v2/list/{list_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn update_list(&self, list: &ListId, spec: &ListSpec) -> Result<List, Error> {
        let route = "/v2/list/{list_id}";
        let body = self.plain_json(route, spec)?;
        self.fetch(Call::new(Method::PUT, route, format!("/v2/list/{list}")).body(body))
            .await
    }

    /// Deletes a list (`DELETE /v2/list/{list_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_list(&self, list: &ListId) -> Result<(), Error> {
        self.fetch::<Empty>(Call::new(
            Method::DELETE,
            "/v2/list/{list_id}",
            format!("/v2/list/{list}"),
        ))
        .await
        .map(drop)
    }

    /// Adds a task to another list (Tasks in Multiple Lists;
    /// `POST /v2/list/{list_id}/task/{task_id}`; native ids only).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn add_task_to_list(&self, list: &ListId, task: &TaskId) -> Result<(), Error> {
        let call = Call::new(
            Method::POST,
            "/v2/list/{list_id}/task/{task_id}",
            format!("/v2/list/{list}/task/{}", segment(task.as_str())),
        );
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Removes a task from a list other than its home
    /// (`DELETE /v2/list/{list_id}/task/{task_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn remove_task_from_list(&self, list: &ListId, task: &TaskId) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            "/v2/list/{list_id}/task/{task_id}",
            format!("/v2/list/{list}/task/{}", segment(task.as_str())),
        );
        self.fetch::<Empty>(call).await.map(drop)
    }
}
