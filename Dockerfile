# syntax=docker/dockerfile:1
# Build stage: compile the release binary (templates, migrations and the stylesheet are compiled in).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY migrations migrations
COPY templates templates
COPY static static
COPY benches benches
# The gazetteer and taxonomy are compiled in as the fallback reference data.
COPY seeds seeds
RUN cargo build --release --locked

# Run stage: the binary, the seed articles and reference data, and a volume for the database.
FROM debian:bookworm-slim
RUN useradd --system --create-home --home-dir /app entente \
    && mkdir /data && chown entente:entente /data
WORKDIR /app
COPY --from=build /src/target/release/entente /usr/local/bin/entente
COPY seeds /app/seeds
ENV ENTENTE_DB=/data/entente.db \
    ENTENTE_SEEDS=/app/seeds \
    ENTENTE_ADDR=0.0.0.0:8080
USER entente
VOLUME /data
EXPOSE 8080
# No subcommand: import the seeds if the database lacks them, then serve.
CMD ["entente"]
