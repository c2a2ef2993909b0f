"""Sending e-mail over SMTP (settings ``TECHPULSE_MAIL_*``), with a short timeout.

Every message has a ``Date``, a ``Message-ID`` and a plain-text part; one about something
on the site (a contact message, a story in review) carries the link to it, in the text and
in an HTML alternative.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from html import escape

from flask import current_app

from techpulse.clock import utcnow


class MailError(Exception):
    """An e-mail could not be handed to the SMTP server."""


def mail_configured() -> bool:
    """Whether an SMTP server is configured (MAIL_SERVER)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def sender_address(fallback: str = "") -> str:
    """The From address: MAIL_SENDER, else the login name, else ``fallback``."""
    config = current_app.config
    return config.get("MAIL_SENDER") or config.get("MAIL_USERNAME") or fallback


def _one_line(text: str) -> str:
    # Header values must never carry line breaks (header injection).
    return " ".join(text.split())


def build_message(
    to: str,
    subject: str,
    body: str,
    sender: str,
    reply_to: str = "",
    from_name: str = "",
    link: str = "",
) -> EmailMessage:
    """An e-mail with safe, single-line headers, a plain-text part and, with ``link``, the
    link to what it is about (also as an HTML alternative, where it is a real link)."""
    message = EmailMessage()
    message["From"] = formataddr((_one_line(from_name), sender)) if from_name else sender
    message["To"] = to
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if reply_to and reply_to.isascii():
        message["Reply-To"] = reply_to
    text = f"{body.rstrip()}\n\nOpen it: {link}\n" if link else body
    message.set_content(text)
    if link:
        message.add_alternative(_html(body, link), subtype="html")
    return message


def _html(body: str, link: str) -> str:
    paragraphs = "".join(
        f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in body.strip().split("\n\n")
    )
    anchor = f'<p><a href="{escape(link)}">Open it on the site</a></p>'
    return f"<!doctype html><html><body>{paragraphs}{anchor}</body></html>"


def send(message: EmailMessage) -> None:
    """Hand ``message`` to the configured SMTP server; raise :class:`MailError` on any failure."""
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    timeout = float(config["MAIL_TIMEOUT"])
    try:
        if config.get("MAIL_USE_SSL"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException, ValueError, UnicodeError) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error
