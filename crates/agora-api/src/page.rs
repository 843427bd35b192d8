//! Paginated lists.

use serde::{Deserialize, Serialize};

/// One page of a list: the items and where the next page starts (absent on the last page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page<T> {
    /// The items of this page (at most [`crate::limits::MAX_PAGE`]).
    pub items: Vec<T>,
    /// The `from` of the next page (decimal string), if there may be more.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "agora::core::json::opt_u64_string")]
    pub next: Option<u64>,
}

/// The page size a request gets for `limit`: the default when absent, never above the maximum.
pub fn page_size(limit: Option<usize>) -> usize {
    limit.unwrap_or(crate::limits::DEFAULT_PAGE).clamp(1, crate::limits::MAX_PAGE)
}
