"""TechPulse, the news site of CodeDote Technologies."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from techpulse import config as settings
from techpulse.extensions import csrf, db, init_limiter, login_manager
from techpulse.templating.environment import Environment
from techpulse.web import production

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: paths → config → extensions → blueprints → errors → CLI."""
    config = dict(config or {})
    instance_path = Path(
        config.pop("INSTANCE_PATH", None)
        or os.environ.get("TECHPULSE_INSTANCE_PATH")
        or PROJECT_ROOT / "instance"
    ).resolve()
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.jinja_environment = Environment  # before anything creates app.jinja_env
    configure(app, instance_path, config)
    register_extensions(app)
    register_blueprints(app)
    register_templating(app)
    register_operations(app)
    register_cli(app)
    register_serving(app)
    return app


def configure(app: Flask, instance_path: Path, overrides: Mapping[str, Any]) -> None:
    """Layer the configuration: defaults, instance/config.py, environment, explicit overrides."""
    app.config.update(settings.defaults(instance_path))
    app.config.from_pyfile(str(instance_path / "config.py"), silent=True)
    app.config.update(settings.from_environment(os.environ))
    app.config.update(overrides)
    app.config.update(settings.derived(app.config))
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    production.configure(app)
    if not app.config.get("SECRET_KEY") and not app.config["PRODUCTION"]:
        app.config["SECRET_KEY"] = settings.instance_secret_key(instance_path)
    if app.config["PRODUCTION"]:
        production.check(app.config)


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to this app."""
    from techpulse import database
    from techpulse.auth.sessions import load_user
    from techpulse.services import write_hooks
    from techpulse.web.session_cookie import SessionInterface

    app.session_interface = SessionInterface()
    database.configure(app)
    db.init_app(app)
    database.register(app)
    if not production.served_by_wsgi_server():
        register_migrations(app)
    csrf.init_app(app)
    # No context processor: it would load the user for every template rendered; the
    # templates that show the user read ``current_user`` (a global) when they need it.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    init_limiter(app)
    write_hooks.install()
    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]), x_proto=1
        )


def register_migrations(app: Flask) -> None:
    """``flask db …`` (Flask-Migrate) for the command line, scripts and tests.

    A server worker never migrates, so it does not load Alembic (11 MB, 150 modules).
    """
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)


def register_blueprints(app: Flask) -> None:
    """Mount each feature's routes and the site-wide error and header handlers."""
    from techpulse import web
    from techpulse.admin import bp as admin_bp
    from techpulse.auth import sessions
    from techpulse.auth.reset import bp as password_reset_bp
    from techpulse.auth.routes import bp as auth_bp
    from techpulse.auth.two_factor import bp as two_factor_bp
    from techpulse.blog.crawlers import bp as crawlers_bp
    from techpulse.blog.feeds import bp as feeds_bp
    from techpulse.blog.media_files import bp as media_bp
    from techpulse.blog.preview import bp as preview_bp
    from techpulse.blog.routes import bp as blog_bp
    from techpulse.blog.search import bp as search_bp
    from techpulse.company.routes import bp as company_bp
    from techpulse.contact.routes import bp as contact_bp
    from techpulse.slugs import IdConverter, SlugConverter

    app.url_map.converters["slug"] = SlugConverter
    app.url_map.converters["int"] = IdConverter

    app.register_blueprint(blog_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(company_bp)
    app.register_blueprint(contact_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(two_factor_bp)
    app.register_blueprint(password_reset_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(crawlers_bp)
    app.register_blueprint(preview_bp)
    web.register(app)
    sessions.register(app)


def register_templating(app: Flask) -> None:
    """Template globals and filters."""
    from techpulse import templating

    templating.register(app)


def register_cli(app: Flask) -> None:
    """The ``flask`` commands."""
    from techpulse import cli

    cli.register(app)


def register_operations(app: Flask) -> None:
    """Health checks and the request log."""
    from techpulse import ops

    ops.register(app)


def register_serving(app: Flask) -> None:
    """Page cache, compression and caching headers, outermost around the app."""
    from techpulse import serving

    serving.register(app)
