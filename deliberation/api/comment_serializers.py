"""Comment trees for the API; the single comment's shape lives in services.comment_payloads (events share it)."""
from ..services.comment_access import Viewer
from ..services.comment_payloads import comment_json
from ..services.threads import Node
from .version_serializers import carried_annotation_json


def tree_json(nodes: list[Node], viewer: Viewer) -> list[dict]:
    """Nested {..., replies: [...]}, built without recursion (threads may nest very deep). A thread carried
    from an earlier version says where it landed on this clause and where it was written; a thread's root
    says how many readable replies it has and, when not all are here, how many more and after which id."""
    top: list[dict] = []
    stack = [(node, top) for node in reversed(nodes)]
    while stack:
        node, siblings = stack.pop()
        replies: list[dict] = []
        data = comment_json(node.comment, viewer, replies)
        if node.carried is not None:
            data.update(carried_annotation_json(node.carried.anchor, node.comment.clause_id,
                                                node.carried.original_version, node.sees_body))
        if node.comment.parent_id is None and node.parent is None:  # a thread in a clause's list
            data.update(replies_total=node.replies_total, more_replies=node.more.count if node.more else 0,
                        replies_after=node.more.after if node.more else None)
        siblings.append(data)
        stack.extend((child, replies) for child in reversed(node.replies))
    return top
