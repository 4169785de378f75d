# syntax=docker/dockerfile:1
# Build: cgo is needed for SQLite (github.com/mattn/go-sqlite3).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/duban ./cmd/duban

# Run: a small Debian base (glibc for the cgo binary), non-root, /data volume.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin duban \
    && mkdir -p /data && chown duban:duban /data
COPY --from=build /out/duban /usr/local/bin/duban
USER duban
ENV DUBAN_ADDR=0.0.0.0:8080 DUBAN_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["duban"]
CMD ["serve"]
