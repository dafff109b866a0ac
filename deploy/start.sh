#!/usr/bin/env bash
# Start N application processes on consecutive ports behind nginx (deploy/nginx.conf).
# Usage: DATABASE_URL=... REDIS_URL=... SECRET_KEY=... BASE_URL=https://... deploy/start.sh [N] [FIRST_PORT]
# Applies migrations once, then starts the processes and waits; Ctrl-C or SIGTERM stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
processes=${1:-2}
first_port=${2:-8001}
: "${DATABASE_URL:?set DATABASE_URL (PostgreSQL) for production}"
: "${REDIS_URL:?set REDIS_URL: several processes share Socket.IO messages and rate limits through Redis}"
: "${SECRET_KEY:?set SECRET_KEY: every process must sign sessions with the same key}"
: "${BASE_URL:?set BASE_URL to the public address (https://...): absolute links are built on it, never on the Host header}"
export LOAD_DEMO=${LOAD_DEMO:-0} SOCKETIO_ASYNC_MODE=gevent BEHIND_PROXY=1
python=${PYTHON:-.venv/bin/python}

"$python" -m flask --app app db upgrade

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' INT TERM
for ((i = 0; i < processes; i++)); do
  PORT=$((first_port + i)) "$python" -m gunicorn --config deploy/gunicorn.conf.py app:app &
  pids+=($!)
done
echo "Started ${processes} processes on ports ${first_port}..$((first_port + processes - 1))"
wait
