"""Command-line tools for operators and scripts. Each prints a clear error and exits non-zero on bad input."""
import sys
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from .extensions import db
from .models import User
from .services.errors import ServiceError


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def register_commands(app) -> None:
    @app.cli.command("demo")
    def demo_command():
        """Load the demo working group, its members and draft (does nothing if already loaded)."""
        from .services.demo import load_demo

        created = load_demo()
        db.session.commit()
        click.echo("Demo loaded." if created else "The demo is already loaded.")
        for line in demo_accounts_notice():
            click.echo(line)

    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option("--name", default="Site administrator")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def create_admin_command(email, name, password_stdin):
        """Create a site administrator, or make an existing account one."""
        from .realtime import flush_events
        from .services.accounts import create_user, find_user_by_email, set_password, sign_out_everywhere

        try:
            password = _read_password(password_stdin)
            user = find_user_by_email(email)
            if user is None:
                user = create_user(email, name, password, is_admin=True)
            else:
                set_password(user, password)
                sign_out_everywhere(user)  # a reset password ends the sessions opened with the old one
                user.is_admin = True
            db.session.commit()
        except ServiceError as exc:
            _fail(exc.message)
        flush_events()
        click.echo(f"{user.email} is a site administrator.")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", required=True)
    @click.option("--group", "slug", required=True, help="Working group slug.")
    @click.option("--role", type=click.Choice(["member", "chair", "observer"]), required=True)
    @click.option("--stakeholder", default=None, help="Stakeholder group key (not for observers).")
    @click.option("--affiliation", default="")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def create_user_command(email, name, slug, role, stakeholder, affiliation, password_stdin):
        """Create the account if new (or give an existing one the new password from --password-stdin),
        and add or update its membership in a working group."""
        from .realtime import flush_events
        from .services.accounts import create_user, find_user_by_email, set_password, sign_out_everywhere
        from .services.groups import group_by_slug, set_membership

        password_changed = False
        try:
            group = group_by_slug(slug)
            password = _read_password(password_stdin) if password_stdin else None
            user = find_user_by_email(email)
            if user is None:
                user = create_user(email, name, password)
            elif password is not None:
                set_password(user, password)
                sign_out_everywhere(user)  # a reset password ends the sessions opened with the old one
                password_changed = True
            set_membership(None, group, user, role, stakeholder, affiliation=affiliation)
            db.session.commit()
        except ServiceError as exc:
            _fail(exc.message)
        flush_events()  # a new role takes the account out of live rooms it may no longer read
        if password_changed:
            click.echo(f"Set a new password for the existing account {user.email}.")
        click.echo(f"{user.email} is a {role} of {group.slug}.")

    @app.cli.command("create-token")
    @click.argument("email")
    @click.option("--name", default="Command-line token")
    def create_token_command(email, name):
        """Print a new personal API token for an account (alone on the last line)."""
        from .services.accounts import create_token, find_user_by_email

        user = find_user_by_email(email)
        if user is None:
            _fail(f"There is no account for {email}.")
        _token, plain = create_token(user, name)
        db.session.commit()
        click.echo(f"New API token for {user.email} (shown once):")
        click.echo(plain)

    @app.cli.command("import-draft")
    @click.option("--group", "slug", required=True)
    @click.option("--title", required=True)
    @click.option("--public/--private", default=False)
    @click.option("--as", "as_email", default=None, help="E-mail of the chair recorded as importer.")
    @click.option("--tracked-changes", "tracked", type=click.Choice(["accepted", "rejected"]), default=None,
                  help="For a .docx with tracked changes: import its text as if all were accepted, or rejected.")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def import_draft_command(slug, title, public, as_email, tracked, file):
        """Import a Markdown, text or .docx draft as version 1 of a new document."""
        from .importer import MAX_UPLOAD_BYTES, DraftImportError, decode_upload
        from .models import Membership
        from .services.documents import create_document
        from .services.groups import group_by_slug

        try:
            group = group_by_slug(slug)
            if not file.exists():
                _fail(f"No such file: {file}")
            with file.open("rb") as handle:  # a byte past the limit is enough for decode_upload to refuse it
                data = handle.read(MAX_UPLOAD_BYTES + 1)
            fmt, source = decode_upload(file.name, data, tracked)
            query = select(User).join(Membership).where(
                Membership.working_group_id == group.id, Membership.role == "chair")
            if as_email:
                query = query.where(User.email == as_email.lower())
            chair = db.session.scalars(query.order_by(Membership.id)).first()
            if chair is None:
                _fail(f"{as_email or 'No one'} is not a chair of {slug}.")
            document = create_document(chair, group, title=title, fmt=fmt, source=source, public=public)
            db.session.commit()
        except DraftImportError as exc:
            _fail(str(exc))
        except ServiceError as exc:
            _fail(exc.message)
        click.echo(f"Imported document {document.id} ({document.title}).")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(["sqlite", "json"]), default=None,
                  help="sqlite: a copy of a SQLite database (default there); json: portable (default on PostgreSQL).")
    def backup_command(path, fmt):
        """Write a consistent backup of the whole database to PATH, readable by its owner only."""
        from .services.backup import backup

        try:
            result = backup(path, fmt)
        except ServiceError as exc:
            _fail(exc.message)
        click.echo(f"Backed up {result.rows} rows of {result.tables} tables to {result.path} ({result.format}).")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def restore_command(path):
        """Restore a backup into an empty database, then verify the record's hash chain."""
        from .services.backup import key_notice, restore
        from .services.record import verify_chain

        try:
            rows = restore(path)
        except ServiceError as exc:
            _fail(exc.message)
        click.echo(f"Restored {rows} rows from {path}.")
        if notice := key_notice(path):
            click.echo(notice, err=True)
        _report_verification(verify_chain())

    @app.cli.command("verify-record")
    def verify_record_command():
        """Recompute the record's hash chain; exit 1 and name every bad entry if it does not verify."""
        from .services.record import verify_chain

        _report_verification(verify_chain())

    @app.cli.command("verify-export")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--checkpoint", "old", type=click.Path(exists=True, dir_okay=False),
                  help="A checkpoint kept earlier: the export must extend it.")
    @click.option("--key", help="The verifier key you trust (default: the one the export names).")
    def verify_export_command(file, old, key):
        """Check a record export offline: signature, inclusion of its events, consistency with OLD."""
        from .services.transparency.verify_record import main

        sys.exit(main([file] + (["--checkpoint", old] if old else []) + (["--key", key] if key else [])))

    @app.cli.command("witness")
    @click.argument("url")
    @click.option("--report", is_flag=True, help="Cosign a consistent checkpoint and post it back to the site.")
    @click.option("--name", help="This witness's name, given once: it is kept with the key made on first use.")
    def witness_command(url, report, name):
        """Check a site's record checkpoint extends the one kept from the last run, then keep it."""
        from .services.transparency.verify_record import VerificationError
        from .services.transparency.witness import witness

        try:
            click.echo(witness(url, Path(current_app.instance_path), report=report, name=name))
        except (OSError, ValueError, VerificationError) as exc:
            click.echo(f"INCONSISTENT or unreachable: {exc}", err=True)
            sys.exit(1)

    @app.cli.command("witness-key")
    @click.option("--name", help="This witness's name, given once: it is kept with the key made on first use.")
    def witness_key_command(name):
        """Print this witness's verifier key (made on first use), for a site's RECORD_WITNESSES."""
        from .services.transparency.cosignature import load_or_create_key

        try:
            key, _made = load_or_create_key(Path(current_app.instance_path), name)
        except ValueError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        click.echo(key.verifier_key)

    @app.cli.command("search-reindex")
    def search_reindex_command():
        """Build the full-text search index again from every clause and comment (one transaction)."""
        from .services.search import rebuild_index

        with db.engine.begin() as connection:
            written = rebuild_index(connection)
        click.echo(f"Search index rebuilt: {written} entries.")

    @app.cli.command("close-due-rounds")
    def close_due_rounds_command():
        """Close the endorsement rounds whose closing time has passed (run it from cron every minute)."""
        from .realtime import flush_events
        from .services.rounds import close_due_rounds

        from .services.mailing.queue import drain
        from .services.notifications.events import warn_rounds_closing

        closed = close_due_rounds()
        warned = warn_rounds_closing()
        db.session.commit()
        flush_events()
        for round_ in closed:
            click.echo(f"Closed round {round_.id}.")
        if not closed:
            click.echo("No round was due.")
        if warned:
            click.echo(f"Told {warned} members that a round closes within 24 hours.")
        drain()

    @app.cli.command("send-mail")
    def send_mail_command():
        """Send the e-mails waiting in the queue once (for cron where no server drains it)."""
        from .services.mailing.queue import drain

        counts = drain(limit=10_000)
        click.echo("Mail: {sent} sent, {retry} to retry, {failed} given up, {dropped} dropped.".format(**counts))

    @app.cli.command("send-digests")
    @click.option("--now", is_flag=True, help="Also send weekly digests that are not a week old yet.")
    def send_digests_command(now):
        """Queue and send the daily and weekly notification digests that are due (run it daily from cron)."""
        from .services.mailing.queue import drain
        from .services.notifications.digests import send_digests

        queued = send_digests(now=now)
        db.session.commit()
        counts = drain(limit=10_000)
        click.echo(f"Digests: {queued} queued, {counts['sent']} sent.")

    @app.cli.command("bootstrap")
    def bootstrap_command():
        """Upgrade the schema to the latest migration and load the demo into an empty database."""
        bootstrap(current_app)


PROBLEMS = {
    "altered": "altered: its content no longer matches its hash",
    "out_of_place": "out of place: it does not link to the entry before it",
    "missing": "missing: deleted from the chain",
    "unreadable": "unreadable: a value in the row cannot be read (edited by hand?)",
}


def _report_verification(result) -> None:
    """Say whether the record verifies; if not, name each bad entry and exit 1."""
    if result.ok:
        click.echo(f"The record verifies: {result.length} entries, head {result.head}.")
        return
    click.echo(f"The record does NOT verify: entry {result.first_bad} does not match.", err=True)
    for problem in result.problems:
        click.echo(f"  entry {problem['seq']}: {PROBLEMS[problem['problem']]}", err=True)
    if result.problem_count > len(result.problems):
        click.echo(f"  ... and {result.problem_count - len(result.problems)} more.", err=True)
    sys.exit(1)


def demo_accounts_notice() -> list[str]:
    """The demo accounts and their shared password, if this database holds the demo group; else nothing
    (a production database started with LOAD_DEMO on must not advertise a password it does not use)."""
    from .models import WorkingGroup
    from .services.demo import DEMO_PASSWORD, DEMO_SLUG, demo_accounts

    if db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.slug == DEMO_SLUG)) is None:
        return []
    return [f"Demo accounts (password: {DEMO_PASSWORD}):"] + [f"  {email:28} {role}" for email, role in demo_accounts()]


def bootstrap(app) -> bool:
    """Run the migrations, then load the demo if the database has no working group. Returns True if loaded."""
    from flask_migrate import upgrade

    from .models import WorkingGroup
    from .services.demo import load_demo

    upgrade()
    if app.config["LOAD_DEMO"] and db.session.scalar(select(WorkingGroup.id).limit(1)) is None:
        load_demo()
        db.session.commit()
        return True
    return False
