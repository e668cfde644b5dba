# One image for every Node part of the platform (npm workspaces share one lockfile);
# docker-compose picks the process with `command`. Node.js 22 (LTS): 20 is past its end of life, and the
# API suite already runs on 22 in CI.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/org/package.json services/org/
COPY services/household/package.json services/household/
COPY services/volunteer/package.json services/volunteer/
COPY services/notification/package.json services/notification/
COPY services/gateway/package.json services/gateway/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
RUN npm prune --omit=dev --no-audit --no-fund || true
USER node
