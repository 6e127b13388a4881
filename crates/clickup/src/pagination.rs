//! Page-level and item-level streams.
//!
//! Task lists page by number (`page=0,1,..`, 100 tasks a page) and say
//! `last_page`; comments page by cursor (`start` = the date of the oldest
//! comment seen, `start_id` = its id, 25 a page). The streams fetch one
//! page at a time, so memory stays at one page however long the list; the
//! item streams flatten them. A stream ends on `last_page`, on a short or
//! empty page, or when a cursor fails to move (so a server that ignores
//! the cursor cannot loop it forever).

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::error::Error;
use crate::models::{Comment, Timestamp};

/// Tasks per page, as ClickUp serves them.
pub const TASKS_PER_PAGE: usize = 100;

/// Comments per page, as ClickUp serves them.
pub const COMMENTS_PER_PAGE: usize = 25;

/// One page of results.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// Items on this page.
    pub items: Vec<T>,
    /// Page number (0-based) for numbered pages; the count of pages fetched
    /// before this one for cursor pages.
    pub number: u32,
    /// True when no page follows.
    pub is_last: bool,
}

/// Where the next page of comments starts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommentCursor {
    /// Date of the oldest comment seen (ms).
    pub start: Timestamp,
    /// Its id.
    pub start_id: String,
}

impl CommentCursor {
    /// The cursor after a page: its oldest (last) comment.
    pub fn after(comments: &[Comment]) -> Option<CommentCursor> {
        let last = comments.last()?;
        Some(CommentCursor {
            start: last.date?,
            start_id: last.id.clone(),
        })
    }

    pub(crate) fn query(&self) -> [(&'static str, String); 2] {
        [
            ("start", self.start.as_millis().to_string()),
            ("start_id", self.start_id.clone()),
        ]
    }
}

/// Decides whether a numbered page is the last.
pub(crate) fn numbered_is_last(last_page: Option<bool>, len: usize) -> bool {
    match last_page {
        Some(last) => last || len == 0,
        None => len < TASKS_PER_PAGE,
    }
}

/// A stream of numbered pages; `fetch(n)` fetches page `n`.
pub(crate) fn numbered<T, F, Fut>(
    first: u32,
    fetch: F,
) -> BoxStream<'static, Result<Page<T>, Error>>
where
    T: Send + 'static,
    F: Fn(u32) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Page<T>, Error>> + Send + 'static,
{
    stream::try_unfold(Some(first), move |next| {
        let fut = next.map(&fetch);
        async move {
            let Some(fut) = fut else { return Ok(None) };
            let page = fut.await?;
            let following = if page.is_last {
                None
            } else {
                Some(page.number + 1)
            };
            Ok(Some((page, following)))
        }
    })
    .boxed()
}

/// A stream of cursor pages of comments; `fetch(cursor, n)` fetches the
/// page after `cursor` (the first when `None`).
pub(crate) fn cursored<F, Fut>(fetch: F) -> BoxStream<'static, Result<Page<Comment>, Error>>
where
    F: Fn(Option<CommentCursor>, u32) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Page<Comment>, Error>> + Send + 'static,
{
    // State: None = finished; Some((cursor, page number)).
    stream::try_unfold(Some((None::<CommentCursor>, 0u32)), move |state| {
        let fut = state
            .as_ref()
            .map(|(cursor, n)| (fetch(cursor.clone(), *n), cursor.clone(), *n));
        async move {
            let Some((fut, previous, n)) = fut else {
                return Ok(None);
            };
            let page = fut.await?;
            let next = CommentCursor::after(&page.items);
            let stalled = next.is_none() || next == previous;
            let following = if page.is_last || stalled {
                None
            } else {
                Some((next, n + 1))
            };
            Ok(Some((page, following)))
        }
    })
    .boxed()
}

/// Flattens a page stream into an item stream.
pub(crate) fn items<T: Send + 'static>(
    pages: BoxStream<'static, Result<Page<T>, Error>>,
) -> BoxStream<'static, Result<T, Error>> {
    pages
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}
