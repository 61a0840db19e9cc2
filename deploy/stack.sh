#!/usr/bin/env bash
# The production-like stack on this machine: MariaDB and Redis (already running), then
# gunicorn, the Celery worker and beat, and nginx in front, all under honcho.
# Every variable below can be set beforehand; the defaults suit a developer's machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

export STACK_DIR=${STACK_DIR:-$ROOT/instance/stack}
export DATABASE_URL=${DATABASE_URL:-mysql+pymysql://root@127.0.0.1:3306/storefront?charset=utf8mb4}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export MEDIA_ROOT=${MEDIA_ROOT:-$ROOT/instance/media}
export STATIC_PAGES_DIR=${STATIC_PAGES_DIR:-$ROOT/instance/static_pages}
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:8000}
export NGINX_LISTEN=${NGINX_LISTEN:-127.0.0.1:8080}
# the host names the shop answers to (nginx's server_name, the app's ALLOWED_HOSTS)
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
export FLASK_TRUSTED_PROXIES=${FLASK_TRUSTED_PROXIES:-127.0.0.1,::1}  # nginx's addresses
mkdir -p "$STACK_DIR/nginx/logs" "$STACK_DIR/nginx/temp" "$MEDIA_ROOT" "$STATIC_PAGES_DIR"
if [ -z "${SECRET_KEY:-}" ]; then
  # one key per checkout, kept out of git (instance/ is ignored)
  [ -s "$STACK_DIR/secret_key" ] || python3 -c 'import secrets; print(secrets.token_hex(32))' > "$STACK_DIR/secret_key"
  SECRET_KEY=$(cat "$STACK_DIR/secret_key")
  export SECRET_KEY
fi
export PATH="$ROOT/.venv/bin:$PATH"
# nginx's log of signed-in product views, which the worker reads into the histories
export FLASK_VIEWS_LOG=${FLASK_VIEWS_LOG:-$STACK_DIR/nginx/logs/views.log}

# nginx and the modules deploy/nginx.conf loads: the .br twins of the page files, and
# set-misc (with ndk) to decode the display cookies
if [ ! -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] \
    || [ ! -f /usr/lib/nginx/modules/ngx_http_set_misc_module.so ] || ! command -v nginx >/dev/null; then
  echo "stack: installing nginx, libnginx-mod-http-brotli-static and libnginx-mod-http-set-misc"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx \
    libnginx-mod-http-brotli-static libnginx-mod-http-set-misc
fi

# The database itself (utf8mb4), then the schema, demo data and the page files.
python - <<'PY'
import os
import pymysql
from sqlalchemy.engine import make_url

url = make_url(os.environ["DATABASE_URL"])
conn = pymysql.connect(host=url.host, port=url.port or 3306, user=url.username,
                       password=url.password or "")
with conn.cursor() as cur:
    cur.execute(f"CREATE DATABASE IF NOT EXISTS `{url.database}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
conn.close()
PY
flask --app storefront db upgrade
[ "${STACK_SEED:-1}" = 1 ] && flask --app storefront seed-demo
# every catalogue page as a file for nginx, now (a deploy may have changed how pages look)
flask --app storefront warm-pages

sed -e "s|__USER__|$(id -un)|g" -e "s|__PREFIX__|$STACK_DIR/nginx|g" \
    -e "s|__LISTEN__|$NGINX_LISTEN|g" -e "s|__UPSTREAM__|$GUNICORN_BIND|g" \
    -e "s|__SERVER_NAME__|${ALLOWED_HOSTS//,/ }|g" \
    -e "s|__STATIC_PAGES_DIR__|$STATIC_PAGES_DIR|g" \
    -e "s|__STATIC_DIR__|$ROOT/storefront/static|g" \
    -e "s|__MEDIA_ROOT__|$MEDIA_ROOT|g" deploy/nginx.conf > "$STACK_DIR/nginx/nginx.conf"
nginx -t -q -c "$STACK_DIR/nginx/nginx.conf" -p "$STACK_DIR/nginx"

echo "stack: shop at http://$NGINX_LISTEN/ (gunicorn $GUNICORN_BIND); Ctrl-C stops it all"
exec honcho -f deploy/Procfile -d "$ROOT" start
