"""The yardstick for section f: a bare Flask app whose one route returns a pre-rendered page (the
platform's own public page, captured by the benchmark), served by the same gunicorn settings."""
import os
from pathlib import Path

from flask import Flask

app = Flask(__name__)
PAGE = Path(os.environ["BENCH_BARE_PAGE"]).read_bytes()


@app.get("/")
def page():
    return PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}
