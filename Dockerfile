# syntax=docker/dockerfile:1
# One image for the Node services of docker-compose.yml (ingest, api, simulator, mqtt-auth); each
# service names its entry point. The build stage compiles better-sqlite3's native addon, so the
# runtime stage carries no compiler.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# Compile native addons against this image's own Node headers: no prebuilt download, no header fetch.
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && node -e "new (require('better-sqlite3'))(':memory:').close()"

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    DATA_DIR=/data \
    SITE_CONFIG=/app/config/site.k14.json
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json tsconfig.json start.ts ./
COPY config ./config
COPY core ./core
COPY ingest ./ingest
COPY api ./api
COPY simulators ./simulators
COPY scripts ./scripts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# Everything in one process (embedded broker, SQLite); docker-compose.yml runs one service per container.
CMD ["node", "--import", "tsx", "start.ts"]
