# newswatch: one service process; state in /data (SQLite) unless `database` points elsewhere.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NEWSWATCH_CONFIG=/app/newswatch.yaml

WORKDIR /app
COPY pyproject.toml README.md ./
COPY seeds ./seeds
COPY watcher ./watcher
COPY rules ./rules
COPY notifier ./notifier
COPY hatch_build.py ./
# gcc only while installing: it compiles rules/_speedups.c (the matcher's fast path).
# `python -I` imports the installed package, not the sources in /app.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install ".[postgres]" \
    && python -I -c "import rules.fastnorm as f; assert f.speedups, 'C fast path not built'" \
    && apt-get purge -y --auto-remove gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data newswatch \
    && mkdir -p /data/digests \
    && chown -R newswatch /data
COPY newswatch.yaml ./

USER newswatch
WORKDIR /data
VOLUME ["/data"]
# The shipped config listens on 127.0.0.1; in a container, listen on all interfaces.
ENV NEWSWATCH_STATUS_LISTEN=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import json,sys,urllib.request; json.load(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)); sys.exit(0)"
CMD ["newswatch", "run"]
