"""Sending mail through the server OKR_SMTP_URL names: smtps:// speaks TLS from the start,
smtp:// upgrades with STARTTLS when the server offers it, and never sends a password over a
connection that was not upgraded. One connection serves a whole run. No Flask.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import Message
from email.policy import compat32
from email.utils import parseaddr

from okr.notify.rules import SmtpTarget, smtp_target

TIMEOUT = 20
_WIRE = compat32.clone(linesep="\r\n")  # sendmail() sends bytes as they are: CRLF lines


class MailError(Exception):
    """The server could not be reached, refused us, or refused a message (the text says which)."""


class Mailer:
    def __init__(self, url: str, *, tls_context: ssl.SSLContext | None = None):
        self.target: SmtpTarget = smtp_target(url)
        self.context = tls_context or ssl.create_default_context()
        self.conn: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _open(self) -> smtplib.SMTP:
        t = self.target
        conn = None
        try:
            if t.tls == "ssl":
                conn = smtplib.SMTP_SSL(t.host, t.port, timeout=TIMEOUT, context=self.context)
            else:
                conn = smtplib.SMTP(t.host, t.port, timeout=TIMEOUT)
            conn.ehlo()
            if t.tls == "starttls" and conn.has_extn("starttls"):
                conn.starttls(context=self.context)
                conn.ehlo()
            elif t.tls == "starttls" and t.user:
                conn.close()
                raise MailError(f"{t.host}:{t.port} offers no STARTTLS; the password is not sent in clear")
            if t.user:
                conn.login(t.user, t.password)
        except (OSError, smtplib.SMTPException, MailError) as error:
            if conn is not None:
                conn.close()
            if isinstance(error, MailError):
                raise
            raise MailError(f"cannot use the mail server {t.host}:{t.port}: {error}") from error
        return conn

    def send(self, message: Message) -> None:
        if self.conn is None:
            self.conn = self._open()
        sender = parseaddr(str(message["From"]))[1]
        recipient = parseaddr(str(message["To"]))[1]
        try:
            self.conn.sendmail(sender, [recipient], message.as_bytes(policy=_WIRE))
        except smtplib.SMTPServerDisconnected as error:
            self.conn.close()
            self.conn = None
            raise MailError(f"the mail server closed the connection: {error}") from error
        except (OSError, smtplib.SMTPException) as error:
            if isinstance(error, OSError):
                self.conn.close()
                self.conn = None
            raise MailError(f"the mail server refused the message: {error}") from error

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (OSError, smtplib.SMTPException):
                self.conn.close()
            self.conn = None
