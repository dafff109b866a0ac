"""gunicorn settings for one application process (see docs/deploy.md).

Socket.IO needs sticky sessions, which gunicorn's own balancer cannot give, so each process runs ONE
gevent worker on its own port and nginx (ip_hash) spreads clients over the processes; Redis carries
Socket.IO messages between them. Never eventlet: it is unmaintained.
"""
import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8001')}"
workers = 1
worker_class = "gevent"
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "2000"))
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"
raw_env = ["SOCKETIO_ASYNC_MODE=gevent", "BEHIND_PROXY=1"]
