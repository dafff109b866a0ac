"""Handing one message to SMTP (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS, MAIL_FROM),
or, with no SMTP_HOST, writing the whole message (headers, text, links) to the log."""
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger("deliberation.mail")


def build_message(row) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) with RFC 8058 one-click unsubscribe headers."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


def deliver(message: EmailMessage) -> bool:
    """Send by SMTP; False when no SMTP server is configured (the message went to the log instead).
    Raises OSError or SMTPException when the server refuses or cannot be reached."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        text = message.get_body(("plain",))
        headers = "\n".join(f"{name}: {value}" for name, value in message.items())
        log.info("mail (SMTP not configured):\n%s\n\n%s", headers, text.get_content() if text else "")
        return False
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
        if config.get("SMTP_STARTTLS", True):
            context = ssl.create_default_context(cafile=config.get("SMTP_CA_FILE"))
            smtp.starttls(context=context)
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)
    return True
