# OmniPOS central server image: the [server] extra only (no Qt, Pillow or printer libraries).
# Build: docker build -t omnipos-server .      Run with PostgreSQL: docker compose up (compose.yaml)
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY posapp ./posapp
COPY sync ./sync
# A pip-less runtime venv: pip runs from the build image's Python, so the image carries none of it.
RUN python -m venv --without-pip /opt/omnipos \
 && pip install --no-cache-dir --python /opt/omnipos/bin/python -c constraints.txt '.[server]'

FROM python:3.11-slim
RUN useradd --system --home-dir /var/lib/omnipos --create-home --shell /usr/sbin/nologin omnipos
COPY --from=build /opt/omnipos /opt/omnipos
ENV PATH=/opt/omnipos/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    POSAPP_HOST=0.0.0.0 \
    POSAPP_PORT=8765 \
    POSAPP_DATA_DIR=/var/lib/omnipos
USER omnipos
WORKDIR /var/lib/omnipos
VOLUME ["/var/lib/omnipos"]
EXPOSE 8765
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8765/healthz', timeout=4)"]
# Migrations are additive (docs/deploy.md §2): every start may run them before serving.
CMD ["sh", "-c", "posapp-server migrate && exec posapp-server run"]
