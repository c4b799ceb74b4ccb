# nodis: a Redis 7.0-compatible server. `docker run -p 6379:6379 IMAGE` gives a drop-in cache.

# ---- build stage: install everything, compile TypeScript, drop dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
RUN npm run build && npm prune --omit=dev

# ---- runtime stage: compiled code and production dependencies only ----
FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
WORKDIR /data
EXPOSE 6379
# Like the official redis image: listen on every interface with protected mode off, since the
# container's port mapping is the access control.
CMD ["node", "--v8-pool-size=1", "/app/dist/main.js", "--bind", "0.0.0.0", "--protected-mode", "no"]
