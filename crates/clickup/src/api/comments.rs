use futures::stream::BoxStream;
use reqwest::Method;

use super::Sealer;
use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::labels::Place;
use crate::models::{
    Comment, CommentId, CommentUpdate, CommentsPage, CreatedComment, Empty, ListId, NewComment,
    TaskRef, ViewId,
};
use crate::pagination::{self, COMMENTS_PER_PAGE, CommentCursor, Page};

/// Where a comment thread hangs.
#[derive(Clone)]
enum Thread {
    Task(TaskRef),
    List(ListId),
    View(ViewId),
}

impl ClickUpClient {
    async fn thread_place(&self, thread: &Thread) -> Result<Place, Error> {
        match thread {
            Thread::Task(task) => self.task_place(task).await,
            Thread::List(list) => self.list_place(list.as_str()).await,
            // A chat view's place would take a view read and its parent's
            // read; it is treated as holding PHI instead (fail closed).
            Thread::View(_) => Ok(Place::default()),
        }
    }

    async fn comments_page_of(
        &self,
        thread: &Thread,
        cursor: Option<&CommentCursor>,
        number: u32,
    ) -> Result<Page<Comment>, Error> {
        let place = self.thread_place(thread).await?;
        let (route, path, mut query) = match thread {
            Thread::Task(task) => (
                "/v2/task/{task_id}/comment",
                format!("/v2/task/{}/comment", segment(task.path_id())),
                task.query(),
            ),
            Thread::List(list) => (
                "/v2/list/{list_id}/comment",
                format!("/v2/list/{list}/comment"),
                Vec::new(),
            ),
            Thread::View(view) => (
                "/v2/view/{view_id}/comment",
                format!("/v2/view/{}/comment", segment(view.as_str())),
                Vec::new(),
            ),
        };
        if let Some(cursor) = cursor {
            query.extend(cursor.query());
        }
        let mut page: CommentsPage = self
            .fetch(Call::new(Method::GET, route, path).query(query))
            .await?;
        self.labels().label_comments(&mut page.comments, &place);
        let is_last = page.comments.len() < COMMENTS_PER_PAGE;
        Ok(Page {
            items: page.comments,
            number,
            is_last,
        })
    }

    fn comment_stream(&self, thread: Thread) -> BoxStream<'static, Result<Page<Comment>, Error>> {
        let client = self.clone();
        pagination::cursored(move |cursor, n| {
            let client = client.clone();
            let thread = thread.clone();
            async move { client.comments_page_of(&thread, cursor.as_ref(), n).await }
        })
    }

    /// One page of a task's comments, newest first
    /// (`GET /v2/task/{task_id}/comment`), labelled by the task's place.
    /// Pass the previous page's [`CommentCursor::after`] for the next.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn task_comments_page(
        &self,
        task: impl Into<TaskRef>,
        cursor: Option<&CommentCursor>,
    ) -> Result<Page<Comment>, Error> {
        self.comments_page_of(&Thread::Task(task.into()), cursor, 0)
            .await
    }

    /// Every page of a task's comments.
    pub fn task_comment_pages(
        &self,
        task: impl Into<TaskRef>,
    ) -> BoxStream<'static, Result<Page<Comment>, Error>> {
        self.comment_stream(Thread::Task(task.into()))
    }

    /// Every comment of a task, newest first (memory: one page).
    pub fn task_comments(
        &self,
        task: impl Into<TaskRef>,
    ) -> BoxStream<'static, Result<Comment, Error>> {
        pagination::items(self.task_comment_pages(task))
    }

    /// One page of a list's comments (`GET /v2/list/{list_id}/comment`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn list_comments_page(
        &self,
        list: &ListId,
        cursor: Option<&CommentCursor>,
    ) -> Result<Page<Comment>, Error> {
        self.comments_page_of(&Thread::List(list.clone()), cursor, 0)
            .await
    }

    /// Every comment of a list.
    pub fn list_comments(&self, list: &ListId) -> BoxStream<'static, Result<Comment, Error>> {
        pagination::items(self.comment_stream(Thread::List(list.clone())))
    }

    /// One page of a chat view's comments (`GET /v2/view/{view_id}/comment`),
    /// always sealed as PHI.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn view_comments_page(
        &self,
        view: &ViewId,
        cursor: Option<&CommentCursor>,
    ) -> Result<Page<Comment>, Error> {
        self.comments_page_of(&Thread::View(view.clone()), cursor, 0)
            .await
    }

    /// Every comment of a chat view.
    pub fn view_comments(&self, view: &ViewId) -> BoxStream<'static, Result<Comment, Error>> {
        pagination::items(self.comment_stream(Thread::View(view.clone())))
    }

    async fn post_comment(
        &self,
        route: &'static str,
        path: String,
        query: Vec<(&'static str, String)>,
        place: &Place,
        mut comment: NewComment,
    ) -> Result<CreatedComment, Error> {
        let mut sealer = Sealer::new(self, place);
        sealer.text(&mut comment.comment_text);
        let body = self.phi_json(route, &comment, sealer.categories)?;
        self.fetch(Call::new(Method::POST, route, path).query(query).body(body))
            .await
    }

    /// Comments on a task (`POST /v2/task/{task_id}/comment`).
    ///
    /// # Errors
    ///
    /// A refusal when the text is PHI and ClickUp is not cleared for it
    /// (nothing is sent); otherwise any [`Error`].
    pub async fn create_task_comment(
        &self,
        task: impl Into<TaskRef>,
        comment: NewComment,
    ) -> Result<CreatedComment, Error> {
        let task = task.into();
        let place = self.task_place(&task).await?;
        let path = format!("/v2/task/{}/comment", segment(task.path_id()));
        self.post_comment(
            "/v2/task/{task_id}/comment",
            path,
            task.query(),
            &place,
            comment,
        )
        .await
    }

    /// Comments on a list (`POST /v2/list/{list_id}/comment`).
    ///
    /// # Errors
    ///
    /// As [`ClickUpClient::create_task_comment`].
    pub async fn create_list_comment(
        &self,
        list: &ListId,
        comment: NewComment,
    ) -> Result<CreatedComment, Error> {
        let place = self.list_place(list.as_str()).await?;
        let path = format!("/v2/list/{list}/comment");
        self.post_comment(
            "/v2/list/{list_id}/comment",
            path,
            Vec::new(),
            &place,
            comment,
        )
        .await
    }

    /// Comments on a chat view (`POST /v2/view/{view_id}/comment`); the
    /// text is treated as PHI.
    ///
    /// # Errors
    ///
    /// As [`ClickUpClient::create_task_comment`].
    pub async fn create_view_comment(
        &self,
        view: &ViewId,
        comment: NewComment,
    ) -> Result<CreatedComment, Error> {
        let path = format!("/v2/view/{}/comment", segment(view.as_str()));
        self.post_comment(
            "/v2/view/{view_id}/comment",
            path,
            Vec::new(),
            &Place::default(),
            comment,
        )
        .await
    }

    /// Edits a comment (`PUT /v2/comment/{comment_id}`); the text is
    /// treated as PHI unless the schema says no place holds any.
    ///
    /// # Errors
    ///
    /// As [`ClickUpClient::create_task_comment`].
    pub async fn update_comment(
        &self,
        comment: &CommentId,
        mut update: CommentUpdate,
    ) -> Result<(), Error> {
        let route = "/v2/comment/{comment_id}";
        let mut sealer = Sealer::new(self, &Place::default());
        sealer.text(&mut update.comment_text);
        let body = self.phi_json(route, &update, sealer.categories)?;
        let call = Call::new(
            Method::PUT,
            route,
            format!("/v2/comment/{}", segment(comment.as_str())),
        )
        .body(body);
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Deletes a comment (`DELETE /v2/comment/{comment_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_comment(&self, comment: &CommentId) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            "/v2/comment/{comment_id}",
            format!("/v2/comment/{}", segment(comment.as_str())),
        );
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Threaded replies to a comment (`GET /v2/comment/{comment_id}/reply`),
    /// sealed as PHI unless the schema says no place holds any.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn replies(&self, comment: &CommentId) -> Result<Vec<Comment>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/comment/{comment_id}/reply",
            format!("/v2/comment/{}/reply", segment(comment.as_str())),
        );
        let mut page: CommentsPage = self.fetch(call).await?;
        self.labels()
            .label_comments(&mut page.comments, &Place::default());
        Ok(page.comments)
    }

    /// Replies to a comment (`POST /v2/comment/{comment_id}/reply`).
    ///
    /// # Errors
    ///
    /// As [`ClickUpClient::create_task_comment`].
    pub async fn create_reply(
        &self,
        comment: &CommentId,
        reply: NewComment,
    ) -> Result<CreatedComment, Error> {
        let path = format!("/v2/comment/{}/reply", segment(comment.as_str()));
        self.post_comment(
            "/v2/comment/{comment_id}/reply",
            path,
            Vec::new(),
            &Place::default(),
            reply,
        )
        .await
    }
}
