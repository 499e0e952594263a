# syntax=docker/dockerfile:1
# Production image: compiled JavaScript, production dependencies only, non-root.
# The code also runs on Node 20.19+; the image uses the current LTS.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY flows ./flows
COPY test ./test
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY locales ./locales
# Static files the compiled code reads beside its sources: console and sandbox pages, LINE's OpenAPI
# description (emulator), rich-menu images, offline boundary data.
COPY src ./src
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node runs as PID 1 and handles SIGTERM itself (graceful shutdown within 10 s).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
