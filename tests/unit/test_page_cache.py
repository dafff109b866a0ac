"""The public page cache's bounds: entries, bytes, and the largest page it keeps."""
from deliberation.public_cache import PageCache, StoredPage

MB = 1024 * 1024


def _page(size: int) -> StoredPage:
    return StoredPage(b"x" * size, (("Content-Type", "application/json"),))


def test_a_large_record_export_is_kept_and_a_page_over_a_quarter_is_not():
    cache = PageCache(max_entries=8, max_bytes=64 * MB)
    cache.put("export", _page(12 * MB))  # the JSON export of 10,000 comments and their events
    cache.put("huge", _page(17 * MB))
    assert cache.get("export") is not None and cache.get("huge") is None


def test_least_recently_used_pages_leave_first_by_count_and_by_bytes():
    cache = PageCache(max_entries=2, max_bytes=10 * MB)
    cache.put("a", _page(MB))
    cache.put("b", _page(MB))
    cache.get("a")  # now b is the oldest
    cache.put("c", _page(MB))
    assert cache.get("b") is None and cache.get("a") and cache.get("c")
    by_bytes = PageCache(max_entries=10, max_bytes=8 * MB)
    for key in "defgh":
        by_bytes.put(key, _page(2 * MB))
    assert by_bytes.get("d") is None and all(by_bytes.get(key) for key in "efgh")
