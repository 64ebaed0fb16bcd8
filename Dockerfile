# Medial coach in a container: slim Python, a non-root user, the database on a volume, /healthz checked.
# Its install step is the README's own set-up command (these machines cannot build images, so the
# commands were run as written there, not through docker build).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --create-home --home-dir /home/medial --uid 10001 medial \
    && mkdir /app && chown medial:medial /app
WORKDIR /app
COPY --chown=medial:medial . /app
USER medial

# The README's set-up command, unchanged.
RUN python3 -m venv .venv && .venv/bin/pip install -e .

# Private data directory (the bot keeps it 0700 and its files 0600); mount a volume here.
RUN mkdir -m 0700 -p /app/data
VOLUME ["/app/data"]

ENV PATH="/app/.venv/bin:$PATH" \
    DATABASE_PATH=/app/data/medial.sqlite3 \
    HOST=0.0.0.0 \
    PORT=8080 \
    LOG_FORMAT=json
EXPOSE 8080

# 200 while updates flow and the database takes a write; 503 (unhealthy) otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8080')}/healthz\", timeout=4)"]

# SIGTERM stops the bot cleanly within seconds (queued updates stay in SQLite).
STOPSIGNAL SIGTERM
CMD ["medial-coach", "run"]
