#!/bin/sh
# Starts the part of the monitoring stack MONITORING_ROLE names, on $PORT, with configuration
# rendered from the app's config vars. Secrets arrive as config vars and are written to files
# that only this process reads, because the rendered configuration only ever names files.
# Heroku's disk is ephemeral: Prometheus's data, Alertmanager's silences and Grafana's SQLite
# are lost at every restart (at least daily). Keep history in Grafana Cloud (remote_write).
set -eu
: "${PORT:?PORT is not set (Heroku sets it)}"
APP_DIR=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${MONITORING_STATE_DIR:-/tmp}
CONFIG=$STATE/brainbytes
SECRETS=$STATE/secrets
mkdir -p "$CONFIG" "$SECRETS"
umask 077

secret() { # secret VAR FILE_VAR: write $VAR to a file and point FILE_VAR at it
  eval "value=\${$1:-}"
  if [ -n "$value" ]; then
    printf '%s' "$value" > "$SECRETS/$1"
    export "$2=$SECRETS/$1"
  fi
}
secret SMTP_AUTH_PASSWORD SMTP_AUTH_PASSWORD_FILE
secret SLACK_WEBHOOK_URL SLACK_WEBHOOK_URL_FILE
secret GRAFANA_CLOUD_TOKEN GRAFANA_CLOUD_TOKEN_FILE
secret PUSHGATEWAY_SCRAPE_PASSWORD PUSHGATEWAY_SCRAPE_PASSWORD_FILE
secret HEROKU_EXPORTER_SCRAPE_PASSWORD HEROKU_EXPORTER_SCRAPE_PASSWORD_FILE
secret ALERTMANAGER_SCRAPE_PASSWORD ALERTMANAGER_SCRAPE_PASSWORD_FILE
secret MONITORING_WEB_PASSWORD MONITORING_WEB_PASSWORD_FILE
# The dead man's switch's URL is its secret: Alertmanager 0.27 reads it from the file (url_file).
secret WATCHDOG_URL WATCHDOG_URL_FILE

refuse() { echo "$1" >&2; exit 2; }
# A dyno is public: Prometheus and Alertmanager behind basic auth, Grafana with its own admin password.
case "${MONITORING_ROLE:-}" in
  prometheus|alertmanager)
    if [ -n "${DYNO:-}" ] && [ -z "${MONITORING_WEB_PASSWORD:-}" ]; then
      refuse "MONITORING_WEB_PASSWORD is not set: $MONITORING_ROLE would be open to anyone with its URL. heroku config:set MONITORING_WEB_USER=brainbytes MONITORING_WEB_PASSWORD=\$(openssl rand -base64 24) -a <app>"
    fi ;;
  grafana)
    [ -n "${GF_SECURITY_ADMIN_PASSWORD:-}" ] ||
      refuse "GF_SECURITY_ADMIN_PASSWORD is not set: Grafana would start with admin/admin. heroku config:set GF_SECURITY_ADMIN_PASSWORD=\$(openssl rand -base64 24) -a <app>" ;;
esac
if [ -n "${MONITORING_WEB_PASSWORD_FILE:-}" ]; then
  export MONITORING_WEB_USER="${MONITORING_WEB_USER:-brainbytes}"
  # Prometheus scrapes itself through the same door.
  export PROMETHEUS_SCRAPE_USER="$MONITORING_WEB_USER" PROMETHEUS_SCRAPE_PASSWORD_FILE="$MONITORING_WEB_PASSWORD_FILE"
fi

# The datastores, watched from this dyno by the field's own exporters on loopback: attach the API's
# database and the gateway's Redis to this app (heroku addons:attach … -a brainbytes-prometheus) and
# they arrive as DATABASE_URL and REDIS_URL (Heroku's Redis speaks TLS with its own certificate).
if [ "${MONITORING_ROLE:-}" = prometheus ]; then
  if [ -n "${DATABASE_URL:-}" ] && command -v postgres_exporter >/dev/null 2>&1; then
    DATA_SOURCE_NAME="$DATABASE_URL" postgres_exporter \
      --web.listen-address="127.0.0.1:${POSTGRES_EXPORTER_PORT:-9187}" --log.level=warn &
    export POSTGRES_EXPORTER_TARGET="${POSTGRES_EXPORTER_TARGET:-localhost:${POSTGRES_EXPORTER_PORT:-9187}}"
  fi
  if [ -n "${REDIS_URL:-}" ] && command -v redis_exporter >/dev/null 2>&1; then
    redis_exporter -redis.addr "$REDIS_URL" -skip-tls-verification \
      -web.listen-address "127.0.0.1:${REDIS_EXPORTER_PORT:-9121}" &
    export REDIS_EXPORTER_TARGET="${REDIS_EXPORTER_TARGET:-localhost:${REDIS_EXPORTER_PORT:-9121}}"
  fi
fi

# The black-box probes of the public entries (WEB_PUBLIC_URL, API_PUBLIC_URL, LAMBDA_API_PUBLIC_URL,
# PUSHGATEWAY_PUBLIC_URL, HEROKU_EXPORTER_PUBLIC_URL): the blackbox exporter on loopback beside Prometheus.
BLACKBOX=""
if [ "${MONITORING_ROLE:-}" = prometheus ] &&
  [ -n "${WEB_PUBLIC_URL:-}${API_PUBLIC_URL:-}${LAMBDA_API_PUBLIC_URL:-}${PUSHGATEWAY_PUBLIC_URL:-}${HEROKU_EXPORTER_PUBLIC_URL:-}" ]; then
  BLACKBOX=$(command -v blackbox_exporter || command -v prometheus-blackbox-exporter || true)
  [ -n "$BLACKBOX" ] || refuse "a *_PUBLIC_URL is set but no blackbox exporter is installed here (the image has blackbox_exporter)"
  export BLACKBOX_EXPORTER_TARGET="${BLACKBOX_EXPORTER_TARGET:-localhost:${BLACKBOX_EXPORTER_PORT:-9115}}"
fi

# Prometheus scrapes itself on this dyno's port unless told otherwise.
export PROMETHEUS_TARGET="${PROMETHEUS_TARGET:-localhost:$PORT}"
node "$APP_DIR/monitoring/dist/render.mjs" --from-env --out "$CONFIG"
if [ -n "$BLACKBOX" ]; then
  "$BLACKBOX" --config.file="$CONFIG/blackbox/blackbox.yml" \
    --web.listen-address="127.0.0.1:${BLACKBOX_EXPORTER_PORT:-9115}" --log.level=warn &
fi
WEB_CONFIG=""
if [ -f "$CONFIG/web.yml" ]; then WEB_CONFIG="--web.config.file=$CONFIG/web.yml"; fi

case "${MONITORING_ROLE:-}" in
  prometheus)
    exec prometheus --config.file="$CONFIG/prometheus/prometheus.yml" --storage.tsdb.path="$STATE/prometheus" \
      --storage.tsdb.retention.time="${PROMETHEUS_RETENTION:-15d}" --web.listen-address=":$PORT" $WEB_CONFIG
    ;;
  alertmanager)
    exec alertmanager --config.file="$CONFIG/alertmanager/alertmanager.yml" --storage.path="$STATE/alertmanager" \
      --web.listen-address=":$PORT" --cluster.listen-address= $WEB_CONFIG ${ALERTMANAGER_EXTERNAL_URL:+--web.external-url="$ALERTMANAGER_EXTERNAL_URL"}
    ;;
  grafana)
    export BRAINBYTES_DASHBOARDS_DIR="$CONFIG/grafana/dashboards"
    : "${PROMETHEUS_URL:?set PROMETHEUS_URL to your Prometheus app, e.g. https://brainbytes-prometheus.herokuapp.com}"
    exec /usr/share/grafana/bin/grafana server --homepath=/usr/share/grafana \
      cfg:server.http_port="$PORT" cfg:paths.data="$STATE/grafana" cfg:paths.provisioning="$CONFIG/grafana/provisioning"
    ;;
  *)
    echo "MONITORING_ROLE=\"${MONITORING_ROLE:-}\" must be prometheus, alertmanager or grafana: heroku config:set MONITORING_ROLE=prometheus -a <app>" >&2
    exit 2
    ;;
esac
