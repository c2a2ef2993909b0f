"""Every ``flask`` command of TechPulse, registered here and only here."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add TechPulse's commands to ``flask`` (``flask --app app --help`` lists them)."""
    from techpulse.auth.cli import users
    from techpulse.blog.search_cli import search
    from techpulse.contact.cli import contact
    from techpulse.demo.cli import seed_demo_command
    from techpulse.ops.cli import backup_command, export_command, import_command, restore_command
    from techpulse.ops.housekeeping import mail_group, trash_group
    from techpulse.services.ghost.cli import import_ghost_command
    from techpulse.services.media.cli import media_group
    from techpulse.services.stats.cli import stats_group
    from techpulse.services.wordpress.cli import import_wordpress_command
    from techpulse.serving.nginx_headers import nginx_page_headers_command
    from techpulse.serving.static_files import precompress_static_command

    for command in (
        seed_demo_command,
        users,
        contact,
        search,
        import_wordpress_command,
        import_ghost_command,
        backup_command,
        restore_command,
        export_command,
        import_command,
        precompress_static_command,
        nginx_page_headers_command,
        trash_group,
        mail_group,
        stats_group,
        media_group,
    ):
        app.cli.add_command(command)
