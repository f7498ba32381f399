# A slim image that runs `briefbot run` as a non-root user. SQLite lives on the /data volume;
# set BRIEFBOT_DATABASE_URL=postgresql+asyncpg://… to use PostgreSQL instead.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY briefings ./briefings
COPY storage ./storage
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 briefbot \
    && mkdir -p /data && chown briefbot:briefbot /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER briefbot
ENV BRIEFBOT_DATABASE_URL=sqlite+aiosqlite:////data/briefbot.db \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
STOPSIGNAL SIGTERM
CMD ["briefbot", "run"]
