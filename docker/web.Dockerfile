# syntax=docker/dockerfile:1.7
# The Mimsy admin: static files served by an unprivileged nginx. Build context: the repository root.
#   docker build -f docker/web.Dockerfile -t mimsy-web .
# MIMSY_API_BASE (default: same origin) is written into /config.js at start: no rebuild needed.

FROM node:22-bookworm-slim AS build
ENV PNPM_HOME=/pnpm
ENV PATH=/pnpm:$PATH
RUN npm install -g pnpm@10.34.9
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY core/package.json core/
COPY api/package.json api/
COPY cli/package.json cli/
COPY web/package.json web/
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile
COPY tsconfig.base.json ./
COPY core core
COPY web web
RUN pnpm --filter @mimsy/web run build

FROM nginxinc/nginx-unprivileged:1.27-alpine AS runtime
COPY docker/web.nginx.conf /etc/nginx/conf.d/default.conf
COPY docker/web-security-headers.conf /etc/nginx/mimsy/security-headers.conf
COPY docker/web-config.sh /docker-entrypoint.d/40-mimsy-config.sh
COPY --from=build /src/web/dist /usr/share/nginx/html
USER 101
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
