"""What templates share: the environment's globals and the icons, worked out once."""

from __future__ import annotations

from techpulse.templating.context import _icon
from techpulse.templating.sharing import _drawn_with_stand_ins
from tests.helpers.pages import elements


def test_templates_read_the_environments_globals_and_still_their_own(app):
    env = app.jinja_env
    page = env.get_template("base.html")
    # The same keys, read from the environment's dict (Jinja compares them on every import).
    assert type(page.globals.keys()) is type(env.globals.keys())
    assert set(page.globals) == set(env.globals)
    own = env.from_string("{{ greeting }} {{ url_for('blog.home') }}", {"greeting": "hi"})
    assert "greeting" in own.globals.keys() and "url_for" in own.globals.keys()
    with app.test_request_context("/"):
        assert own.render() == "hi /"


def test_share_icons_are_drawn_once_per_worker(client, make):
    story = make.article("Shared with icons")
    _icon.cache_clear()
    _drawn_with_stand_ins.cache_clear()
    for _ in range(2):
        html = client.get(f"/articles/{story.slug}?v={_}").get_data(as_text=True)
        assert len(elements(html, "a", "share__link")) == 7
        for name in ("facebook", "whatsapp", "linkedin", "pinterest", "x", "email", "link"):
            assert len(elements(html, "svg", f"icon--{name}")) == 1
        assert elements(html, "svg", "icon--whatsapp")[0].get("width") == "20"
    # The widget is drawn once (six networks, copy-link, the native sheet), then filled in.
    assert _icon.cache_info().misses == 8 and _icon.cache_info().hits == 0
    assert _drawn_with_stand_ins.cache_info().misses == 1
    assert _drawn_with_stand_ins.cache_info().hits == 1
