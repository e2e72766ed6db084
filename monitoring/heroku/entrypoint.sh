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

# Prometheus scrapes itself on this dyno's port unless told otherwise.
export PROMETHEUS_TARGET="${PROMETHEUS_TARGET:-localhost:$PORT}"
node "$APP_DIR/monitoring/dist/render.mjs" --from-env --out "$CONFIG"

case "${MONITORING_ROLE:-}" in
  prometheus)
    exec prometheus --config.file="$CONFIG/prometheus/prometheus.yml" --storage.tsdb.path="$STATE/prometheus" \
      --storage.tsdb.retention.time="${PROMETHEUS_RETENTION:-15d}" --web.listen-address=":$PORT"
    ;;
  alertmanager)
    exec alertmanager --config.file="$CONFIG/alertmanager/alertmanager.yml" --storage.path="$STATE/alertmanager" \
      --web.listen-address=":$PORT" --cluster.listen-address= ${ALERTMANAGER_EXTERNAL_URL:+--web.external-url="$ALERTMANAGER_EXTERNAL_URL"}
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
