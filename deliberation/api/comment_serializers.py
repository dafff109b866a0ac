"""Comment trees for the API; the single comment's shape lives in services.comment_payloads (events share it)."""
from ..services.comment_access import Viewer
from ..services.comment_payloads import comment_json
from ..services.threads import Node


def tree_json(nodes: list[Node], viewer: Viewer) -> list[dict]:
    """Nested {..., replies: [...]}, built without recursion (threads may nest very deep)."""
    top: list[dict] = []
    stack = [(node, top) for node in reversed(nodes)]
    while stack:
        node, siblings = stack.pop()
        replies: list[dict] = []
        siblings.append(comment_json(node.comment, viewer, replies))
        stack.extend((child, replies) for child in reversed(node.replies))
    return top
