"""``flask users …``: staff accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from techpulse.models import Role
from techpulse.services.access import accounts
from techpulse.web.field_errors import FieldError

users = AppGroup("users", help="Staff accounts.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name, shown as the author.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.AUTHOR.value,
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account; asks for its password."""
    password = _read_password(password_stdin)
    problem = accounts.password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    try:
        user = accounts.create_user(email, name, Role(role), password)
    except FieldError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role} {user.email}. Log in at /login.")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a user's password (ends their sessions)."""
    user = accounts.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    try:
        accounts.set_password(user, _read_password(password_stdin))
    except FieldError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Password set for {user.email}.")


@users.command("hint")
@click.option("--host", default="127.0.0.1", show_default=True, help="Where the site listens.")
@click.option("--port", default=5000, show_default=True, type=int, help="Its port.")
def hint_command(host: str, port: int) -> None:
    """Say how to create the first admin when there is none."""
    if not accounts.has_admin():
        host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # listening everywhere
        click.echo(
            "\nNo admin account yet. Create one with:\n"
            '  .venv/bin/flask --app app users create you@example.com --name "Your Name" '
            f"--role admin\nthen log in at http://{host}:{port}/login\n"
        )
