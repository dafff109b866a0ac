"""Outgoing e-mail: sent by SMTP when configured, otherwise written to the log (development, demos)."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("deliberation.mail")


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message. Returns False (and logs) when no SMTP server is configured or it failed."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        log.info("mail to %s (SMTP not configured): %s\n%s", to, subject, body)
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], to, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
        return True
    except (OSError, smtplib.SMTPException):
        log.warning("mail to %s failed", to, exc_info=True)
        return False
