# syntax=docker/dockerfile:1
# One image for every part; the pod's command picks which one runs (k8s/README.md):
#   node dist/functions/<name>.cjs | node dist/broker.mjs | node dist/migrate.mjs | node dist/client-server.mjs
# The bundles need no node_modules, so the image holds only dist/ (SQL migrations included)
# and the built client.

FROM node:22-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build client && npx tsx scripts/bundle.ts

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/dist ./dist
COPY --from=build /src/client/dist ./client/dist
# A numeric user, so that Kubernetes can verify runAsNonRoot; the files stay root's, read-only.
USER 10001:10001
EXPOSE 8080
# node itself is PID 1, so SIGTERM reaches the process that finishes in-flight work.
ENTRYPOINT ["node"]
CMD ["dist/functions/place-order.cjs"]
