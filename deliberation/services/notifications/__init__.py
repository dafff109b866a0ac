"""Notifications: everything that asks something of a member reaches them in the app (the list and the
unread count in the page header) and by e-mail, at once or in a daily or weekly digest, as the member
chose per kind (kinds.py, settings.py). notify.py creates them (checking who may read what), compose.py
writes the e-mails, digests.py sends the digests, events.py says who hears of what, follows.py keeps
who follows which thread or clause.
"""
from ..mailing.queue import wait_for_mail
from .notify import excerpt_of, notify, notify_chairs_of_comment
from .reading import (
    PAGE_SIZE, NotificationRow, list_notifications, mark_all_read, open_notification, unread_count,
)

__all__ = ["PAGE_SIZE", "NotificationRow", "excerpt_of", "list_notifications", "mark_all_read", "notify",
           "notify_chairs_of_comment", "open_notification", "unread_count", "wait_for_mail"]
