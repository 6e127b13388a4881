use reqwest::Method;
use serde::Serialize;

use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::models::{Empty, SpaceId, Tag, Tags, TaskRef};

#[derive(Serialize)]
struct TagBody<'a> {
    tag: &'a Tag,
}

impl ClickUpClient {
    /// Tags of a space (`GET /v2/space/{space_id}/tag`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn space_tags(&self, space: &SpaceId) -> Result<Vec<Tag>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/space/{space_id}/tag",
            format!("/v2/space/{space}/tag"),
        );
        Ok(self.fetch::<Tags>(call).await?.tags)
    }

    /// Creates a tag in a space (`POST /v2/space/{space_id}/tag`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_space_tag(&self, space: &SpaceId, tag: &Tag) -> Result<(), Error> {
        let route = "/v2/space/{space_id}/tag";
        let body = self.plain_json(route, &TagBody { tag })?;
        let call = Call::new(Method::POST, route, format!("/v2/space/{space}/tag")).body(body);
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Renames or recolours a tag (`PUT /v2/space/{space_id}/tag/{tag_name}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn edit_space_tag(
        &self,
        space: &SpaceId,
        name: &str,
        tag: &Tag,
    ) -> Result<(), Error> {
        let route = "/v2/space/{space_id}/tag/{tag_name}";
        let body = self.plain_json(route, &TagBody { tag })?;
        let call = Call::new(
            Method::PUT,
            route,
            format!("/v2/space/{space}/tag/{}", segment(name)),
        )
        .body(body);
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Deletes a tag from a space (`DELETE /v2/space/{space_id}/tag/{tag_name}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_space_tag(&self, space: &SpaceId, name: &str) -> Result<(), Error> {
        let route = "/v2/space/{space_id}/tag/{tag_name}";
        let tag = Tag {
            name: Some(name.to_owned()),
            ..Tag::default()
        };
        let body = self.plain_json(route, &TagBody { tag: &tag })?;
        let call = Call::new(
            Method::DELETE,
            route,
            format!("/v2/space/{space}/tag/{}", segment(name)),
        )
        .body(body);
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Tags a task (`POST /v2/task/{task_id}/tag/{tag_name}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn add_tag_to_task(&self, task: impl Into<TaskRef>, name: &str) -> Result<(), Error> {
        let task = task.into();
        let path = format!("/v2/task/{}/tag/{}", segment(task.path_id()), segment(name));
        let call =
            Call::new(Method::POST, "/v2/task/{task_id}/tag/{tag_name}", path).query(task.query());
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Removes a tag from a task (`DELETE /v2/task/{task_id}/tag/{tag_name}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn remove_tag_from_task(
        &self,
        task: impl Into<TaskRef>,
        name: &str,
    ) -> Result<(), Error> {
        let task = task.into();
        let path = format!("/v2/task/{}/tag/{}", segment(task.path_id()), segment(name));
        let call = Call::new(Method::DELETE, "/v2/task/{task_id}/tag/{tag_name}", path)
            .query(task.query());
        self.fetch::<Empty>(call).await.map(drop)
    }
}
