"""Configuration sources, probes and error pages."""

import logging

import pytest

from storefront import create_app
from storefront.config import DEV_SECRET_KEY, ConfigError


def test_mapping_overrides_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.sqlite")
    monkeypatch.setenv("MEDIA_ROOT", "/from/env")
    monkeypatch.setenv("FLASK_LIST_PAGE_SIZE", "7")
    app = create_app({"MEDIA_ROOT": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-env.sqlite"
    assert app.config["MEDIA_ROOT"] == str(tmp_path)
    assert app.config["LIST_PAGE_SIZE"] == 7


def test_embedded_defaults_need_no_services(monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MEDIA_ROOT", "STATIC_PAGES_DIR"):
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["CACHE_TYPE"] == "SimpleCache"
    assert app.config["CELERY"]["task_always_eager"] is True
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY


def test_real_services_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://shop@db.internal/shop")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "mysql+pymysql://shop@db.internal/shop"
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert app.config["CELERY"]["broker_url"] == "redis://cache.internal:6379/2"
    assert app.config["CELERY"]["task_always_eager"] is False


def test_two_apps_side_by_side(app_config):
    first, second = create_app(app_config), create_app(app_config)
    assert first.test_client().get("/livez").status_code == 200
    assert second.test_client().get("/livez").status_code == 200


def test_probes(client):
    assert client.get("/livez").json == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_readyz_names_the_failing_database(app_config, tmp_path):
    app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/missing/dir/db.sqlite"
    response = create_app(app_config).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["database"]


def test_unknown_url_is_the_shops_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Storefront" in response.get_data(as_text=True)


def test_server_error_page_has_no_traceback(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "secret internals" not in page and "Traceback" not in page
    assert "Storefront" in page


def test_secret_key_is_required_outside_the_embedded_defaults(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://shop@db.internal/shop")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_one_log_line_per_request_with_status_and_time(client, caplog):
    with caplog.at_level(logging.INFO, logger="storefront.request"):
        client.get("/goods/abc")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "storefront.request"]
    assert 'method=GET path="/goods/abc" status=404 duration_ms=' in line


def test_pages_carry_security_headers_and_a_csp_without_inline_script(client, shop):
    for path in ("/", f"/goods/{shop.apples}", "/users/login", "/no/such/page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        page = response.get_data(as_text=True)
        assert "<script>" not in page and " onclick=" not in page and " style=" not in page


def test_session_cookie_is_httponly_and_lax(client, user):
    from tests.conftest import sign_in

    sign_in(client)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_sql_count_header_is_opt_in(app_config, shop):
    plain = create_app(app_config).test_client().get("/")
    assert "X-SQL-Queries" not in plain.headers
    counted = create_app({**app_config, "SQL_COUNT_HEADER": True}).test_client()
    assert counted.get("/list/1").headers["X-SQL-Queries"] == "4"  # + the offers of its SKUs


def test_cookies_are_secure_over_https(client, user):
    from tests.conftest import PASSWORD

    token = csrf_token_over(client, "https://shop.example/users/login")
    response = client.post("https://shop.example/users/login",
                           data={"username": "alice", "password": PASSWORD, "csrf_token": token},
                           headers={"Referer": "https://shop.example/users/login"})  # as browsers
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c for c in cookies)
    # all HttpOnly but the display cookies the page's script reads (web/visitor.py)
    script_reads = [c for c in cookies if "HttpOnly" not in c]
    assert {c.split("=", 1)[0] for c in script_reads} <= {"sf_name", "sf_count", "sf_csrf",
                                                           "sf_flash"}
    assert any(c.startswith("session=") and "HttpOnly" in c for c in cookies)


def csrf_token_over(client, url):
    import re

    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_oversized_bodies_are_refused(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/users/register", data={"username": "x" * 4096})
    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)


def test_one_redis_timeout_for_every_client(monkeypatch):
    """REDIS_TIMEOUT_SECONDS reaches the data client, the page cache and the throttle."""
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    app = create_app({"REDIS_URL": "redis://cache.internal:6379/2", "REDIS_TIMEOUT_SECONDS": 0.25})
    wanted = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
    data = app.extensions["redis_store"].connection_pool.connection_kwargs
    assert {k: data[k] for k in wanted} == wanted
    assert app.config["CACHE_OPTIONS"] == wanted
    throttle = app.extensions["login_throttle"].storage.storage.connection_pool.connection_kwargs
    assert {k: throttle[k] for k in wanted} == wanted
