# env-doctor's own image: the linter and the three libraries it links, on
# Debian 12 (bookworm). It is the image the `-docker` pre-commit hooks build
# (see .pre-commit-hooks.yaml and docs/pre-commit.md) and works on its own:
#
#   docker build -t env-doctor .
#   docker run --rm -v "$PWD:/src" env-doctor dockerfile Dockerfile
#
# Both stages use the same Debian release, so the libraries the binary is
# linked against in the build stage are the ones installed in the runtime
# stage. Change DEBIAN_TAG for both at once (and check the runtime package
# names below when moving to another release).
ARG DEBIAN_TAG=bookworm-slim

FROM debian:${DEBIAN_TAG} AS build
# libcmocka-dev: the Makefile's dependency check (scripts/bootstrap) asks for
# the test library even to build the binary alone; without it, `make` would
# install it with apt-get by itself.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        gcc libc6-dev make pkg-config \
        libyaml-dev libjansson-dev libpcre2-dev libcmocka-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/env-doctor
COPY . .
# OPT=-O2: the Makefile's default adds -g; the image needs no debug info.
RUN make -j"$(nproc)" BUILD=/tmp/build OPT=-O2 \
 && make BUILD=/tmp/build OPT=-O2 install PREFIX=/usr/local DESTDIR=/out

FROM debian:${DEBIAN_TAG}
LABEL org.opencontainers.image.title="env-doctor" \
      org.opencontainers.image.description="A static linter for GPU containers: Dockerfiles, Compose files, Apptainer definitions" \
      org.opencontainers.image.licenses="MIT"
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-0-2 libjansson4 libpcre2-8-0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin env-doctor
COPY --from=build /out/usr/local/bin/env-doctor /usr/local/bin/env-doctor
# numeric, so that runtimes can check it is not root (Kubernetes runAsNonRoot);
# pre-commit's docker hooks run the container with the caller's uid instead
USER 10001:10001
WORKDIR /src
ENTRYPOINT ["env-doctor"]
CMD ["--help"]
