use reqwest::Method;
use serde::Serialize;

use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::models::{
    FolderId, Guest, GuestEnvelope, GuestPermission, GuestSpec, ListId, TaskRef, UserId, Workspace,
    WorkspaceEnvelope, WorkspaceId,
};

#[derive(Serialize)]
struct PermissionBody {
    permission_level: GuestPermission,
}

impl ClickUpClient {
    /// Invites a guest to a workspace (`POST /v2/team/{team_id}/guest`;
    /// Enterprise plans).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn invite_guest(
        &self,
        workspace: &WorkspaceId,
        spec: &GuestSpec,
    ) -> Result<Workspace, Error> {
        let route = "/v2/team/{team_id}/guest";
        let body = self.plain_json(route, spec)?;
        let call = Call::new(Method::POST, route, format!("/v2/team/{workspace}/guest")).body(body);
        Ok(self.fetch::<WorkspaceEnvelope>(call).await?.team)
    }

    /// One guest (`GET /v2/team/{team_id}/guest/{guest_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn guest(&self, workspace: &WorkspaceId, guest: &UserId) -> Result<Guest, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/team/{team_id}/guest/{guest_id}",
            format!("/v2/team/{workspace}/guest/{guest}"),
        );
        Ok(self.fetch::<GuestEnvelope>(call).await?.guest)
    }

    /// Edits a guest (`PUT /v2/team/{team_id}/guest/{guest_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn edit_guest(
        &self,
        workspace: &WorkspaceId,
        guest: &UserId,
        spec: &GuestSpec,
    ) -> Result<Guest, Error> {
        let route = "/v2/team/{team_id}/guest/{guest_id}";
        let body = self.plain_json(route, spec)?;
        let call = Call::new(
            Method::PUT,
            route,
            format!("/v2/team/{workspace}/guest/{guest}"),
        )
        .body(body);
        Ok(self.fetch::<GuestEnvelope>(call).await?.guest)
    }

    /// Removes a guest from a workspace
    /// (`DELETE /v2/team/{team_id}/guest/{guest_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn remove_guest(
        &self,
        workspace: &WorkspaceId,
        guest: &UserId,
    ) -> Result<Workspace, Error> {
        let call = Call::new(
            Method::DELETE,
            "/v2/team/{team_id}/guest/{guest_id}",
            format!("/v2/team/{workspace}/guest/{guest}"),
        );
        Ok(self.fetch::<WorkspaceEnvelope>(call).await?.team)
    }

    async fn share(
        &self,
        method: Method,
        route: &'static str,
        path: String,
        query: Vec<(&'static str, String)>,
        permission: Option<GuestPermission>,
    ) -> Result<Guest, Error> {
        let mut call = Call::new(method, route, path).query(query);
        if let Some(permission_level) = permission {
            call = call.body(self.plain_json(route, &PermissionBody { permission_level })?);
        }
        Ok(self.fetch::<GuestEnvelope>(call).await?.guest)
    }

    /// Shares a task with a guest (`POST /v2/task/{task_id}/guest/{guest_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn add_guest_to_task(
        &self,
        task: impl Into<TaskRef>,
        guest: &UserId,
        permission: GuestPermission,
    ) -> Result<Guest, Error> {
        let task = task.into();
        let path = format!("/v2/task/{}/guest/{guest}", segment(task.path_id()));
        let route = "/v2/task/{task_id}/guest/{guest_id}";
        self.share(Method::POST, route, path, task.query(), Some(permission))
            .await
    }

    /// Stops sharing a task with a guest
    /// (`DELETE /v2/task/{task_id}/guest/{guest_id}`); answers the guest.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn remove_guest_from_task(
        &self,
        task: impl Into<TaskRef>,
        guest: &UserId,
    ) -> Result<Guest, Error> {
        let task = task.into();
        let path = format!("/v2/task/{}/guest/{guest}", segment(task.path_id()));
        let route = "/v2/task/{task_id}/guest/{guest_id}";
        self.share(Method::DELETE, route, path, task.query(), None)
            .await
    }

    /// Shares a list with a guest (`POST /v2/list/{list_id}/guest/{guest_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn add_guest_to_list(
        &self,
        list: &ListId,
        guest: &UserId,
        permission: GuestPermission,
    ) -> Result<Guest, Error> {
        let path = format!("/v2/list/{list}/guest/{guest}");
        let route = "/v2/list/{list_id}/guest/{guest_id}";
        self.share(Method::POST, route, path, Vec::new(), Some(permission))
            .await
    }

    /// Stops sharing a list with a guest
    /// (`DELETE /v2/list/{list_id}/guest/{guest_id}`); answers the guest.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn remove_guest_from_list(
        &self,
        list: &ListId,
        guest: &UserId,
    ) -> Result<Guest, Error> {
        let path = format!("/v2/list/{list}/guest/{guest}");
        let route = "/v2/list/{list_id}/guest/{guest_id}";
        self.share(Method::DELETE, route, path, Vec::new(), None)
            .await
    }

    /// Shares a folder with a guest
    /// (`POST /v2/folder/{folder_id}/guest/{guest_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn add_guest_to_folder(
        &self,
        folder: &FolderId,
        guest: &UserId,
        permission: GuestPermission,
    ) -> Result<Guest, Error> {
        let path = format!("/v2/folder/{folder}/guest/{guest}");
        let route = "/v2/folder/{folder_id}/guest/{guest_id}";
        self.share(Method::POST, route, path, Vec::new(), Some(permission))
            .await
    }

    /// Stops sharing a folder with a guest
    /// (`DELETE /v2/folder/{folder_id}/guest/{guest_id}`); answers the guest.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn remove_guest_from_folder(
        &self,
        folder: &FolderId,
        guest: &UserId,
    ) -> Result<Guest, Error> {
        let path = format!("/v2/folder/{folder}/guest/{guest}");
        let route = "/v2/folder/{folder_id}/guest/{guest_id}";
        self.share(Method::DELETE, route, path, Vec::new(), None)
            .await
    }
}
