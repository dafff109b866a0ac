"""The platform as the benchmark's gunicorn processes serve it (`gunicorn ... bench.serve:app`): the
production settings from the environment, with rate limits off (the benchmark posts and reads faster
than any person), and the public page cache on unless BENCH_PUBLIC_CACHE=0."""
import os

from deliberation import create_app

app = create_app({"RATELIMIT_ENABLED": False, "PUBLIC_CACHE": os.environ.get("BENCH_PUBLIC_CACHE", "1") == "1"})
