"""An unexpected error shows the visitor a reference that is also in the error log."""

from __future__ import annotations

import logging

from techpulse.web import request_id


def test_a_500_page_shows_the_request_id_that_the_log_records(app, client, caplog):
    def broken() -> str:
        raise RuntimeError("secret internals: db password hunter2")

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get("/broken-for-test")
    page = response.get_data(as_text=True)
    reference = response.headers["X-Request-ID"]
    assert response.status_code == 500 and len(reference) == 16
    assert f"<code>{reference}</code>" in page
    assert "hunter2" not in page and "Traceback" not in page
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert reference in record.getMessage() and record.exc_info is not None


def test_every_response_has_its_own_id_and_outsiders_cannot_choose_it(client):
    first, second = client.get("/"), client.get("/", headers={"X-Request-ID": "chosen-by-me-123"})
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"] != "chosen-by-me-123"
    assert "Something went wrong" not in first.get_data(as_text=True)  # no reference on 200s


def test_a_trusted_proxy_may_pass_its_id_along(app_config, app):
    from techpulse import create_app
    from techpulse.extensions import db

    proxied_app = create_app({**app_config, "PROXY_FIX_X_FOR": 1})
    proxied = proxied_app.test_client()
    response = proxied.get("/", headers={"X-Request-ID": "edge-abc-12345"})
    assert response.headers["X-Request-ID"] == "edge-abc-12345"
    odd = proxied.get("/", headers={"X-Request-ID": "<script>"})
    assert odd.headers["X-Request-ID"] != "<script>"
    with proxied_app.app_context():
        db.engine.dispose()


def test_current_is_none_outside_a_request(app):
    assert request_id.current() is None
