# octoai-fcgi image: `octoai` (Swift runtime linked in) with what it needs to serve,
# nginx included, so one image runs both containers of deploy/kubernetes/deployment.yaml.
#
#   docker build -t octoai-fcgi .
#   docker run --rm -p 9000:9000 octoai-fcgi    # a replica on TCP 9000 for your nginx (deploy/nginx-replicas.conf)
#
# Every package is installed by scripts/install-deploy-deps.sh, the script the test suite
# runs (through scripts/install-deps.sh), so its package lists are installed and used on
# every test run; no image is built there (no Docker engine on those machines).

FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY scripts/install-deploy-deps.sh scripts/
RUN OCTOAI_DEPLOY_DEPS=build bash scripts/install-deploy-deps.sh
COPY . .
# The production build the README describes: one binary, Swift runtime linked in.
RUN swift build -c release --static-swift-stdlib --product octoai \
    && install -D -m 0755 .build/release/octoai /out/octoai

FROM debian:bookworm-slim AS runtime
COPY scripts/install-deploy-deps.sh /opt/octoai/install-deploy-deps.sh
RUN OCTOAI_DEPLOY_DEPS=runtime bash /opt/octoai/install-deploy-deps.sh \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/octoai /usr/local/bin/octoai
COPY deploy/nginx.conf /etc/nginx/octoai/nginx.conf
# The user octoai runs as (deploy/kubernetes runs it as 10001 too); nginx keeps Debian's
# www-data for its workers, and its master starts as root (it binds port 80).
RUN useradd --system --uid 10001 --user-group --home-dir /nonexistent --shell /usr/sbin/nologin octoai \
    && mkdir -p /run/octoai /octoai/cache \
    && chown octoai:www-data /run/octoai && chmod 0750 /run/octoai \
    && chown octoai:octoai /octoai/cache
ENV OCTOAI_VOLUME_PATH=/octoai/cache
USER 10001
# A replica for a remote nginx (deploy/nginx-replicas.conf): the model into the volume
# (once; mount one at /octoai/cache to keep it), then the backend. Kubernetes overrides it.
EXPOSE 9000
CMD ["sh", "-c", "octoai store-assets && exec octoai fcgi --listen 0.0.0.0:9000"]
