"""Outgoing e-mail: a queue in the database written in the event's own transaction (queue.py), sent
after the commit outside the request by SMTP or into the log (transport.py), composed in the
recipient's language as text and HTML (compose.py), with signed one-click unsubscribe links (tokens.py).
"""
