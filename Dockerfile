# Scrapewatch server image: the API, the streams and the dashboard on one port.
#   docker build -t scrapewatch .
#   docker run -p 3000:3000 -e INGEST_TOKENS=… -e READ_TOKENS=… -e ADMIN_TOKENS=… scrapewatch
# The server binds 0.0.0.0 here, so it refuses to start without tokens (or ALLOW_ANONYMOUS=true).

# --- build: install from the lock, compile every workspace, then drop dev dependencies ---------
FROM node:20-bookworm AS build
WORKDIR /app
# Manifests first, so the install layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY apps/dashboard/package.json apps/dashboard/
COPY packages/protocol/package.json packages/protocol/
COPY packages/db/package.json packages/db/
COPY packages/hub/package.json packages/hub/
COPY packages/client/package.json packages/client/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx turbo run build --output-logs=errors-only \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: slim Node, no compilers, no sources beyond what the built code reads -------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    DATABASE_URL=file:/app/data/scrapewatch.db \
    DEAD_LETTER_PATH=/app/data/dead-letter.ndjson \
    SPILL_PATH=/app/data/unwritten.ndjson
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
# Migrations are read at start-up from drizzle/ (packages/db finds them beside itself).
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/packages/protocol/package.json /app/packages/protocol/package.json
COPY --from=build /app/packages/protocol/dist ./packages/protocol/dist
COPY --from=build /app/packages/db/package.json ./packages/db/package.json
COPY --from=build /app/packages/db/dist ./packages/db/dist
COPY --from=build /app/packages/hub/package.json ./packages/hub/package.json
COPY --from=build /app/packages/hub/dist ./packages/hub/dist
COPY --from=build /app/packages/client/package.json ./packages/client/package.json
COPY --from=build /app/packages/client/dist ./packages/client/dist
COPY --from=build /app/apps/server/package.json ./apps/server/package.json
COPY --from=build /app/apps/server/dist ./apps/server/dist
COPY --from=build /app/apps/dashboard/package.json ./apps/dashboard/package.json
COPY --from=build /app/apps/dashboard/dist ./apps/dashboard/dist
# SQLite database, dead-letter and spill files: one volume per container.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself: it stops accepting, writes what is queued, exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "apps/server/dist/main.js"]
