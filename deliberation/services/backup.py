"""Backups and restores: `flask --app app backup PATH` and `flask --app app restore PATH`.

Two formats:
- **sqlite**: a copy of a SQLite database made with SQLite's online backup API, consistent while
  the site keeps running (the default when the database is SQLite).
- **json**: a portable logical dump, JSON lines: a header, then each table (in foreign-key order)
  as a line naming its columns followed by one line per row, then an end line with the row count,
  so a truncated file is refused. It works on every database without client tools (the default
  on PostgreSQL) and restores into either kind, so it also moves a site from SQLite to PostgreSQL.
  A SQLite copy restores into SQLite only.

A restore goes into an empty database only: it creates the schema if there is none (by the
migrations, at the backup's revision), loads the rows, upgrades to the newest schema and resets
PostgreSQL's id sequences. The caller then verifies the record's hash chain. The record's Merkle
tree travels as a table like any other; the JSON header carries the public half of the checkpoint
key, and `restore` says so when the new site would sign with another key (the private key is never in
a backup: copy `record_signing_key` from the old instance folder, or set RECORD_SIGNING_KEY). Backups hold password
hashes and e-mail addresses, so files are written readable by their owner only.
"""
import base64
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.request import pathname2url

from alembic.migration import MigrationContext
from sqlalchemy import DateTime, LargeBinary, bindparam, func, inspect, select
from sqlalchemy.schema import sort_tables_and_constraints

from ..extensions import db
from .errors import Conflict, Invalid
from .search.indexing import refill_words
from .transparency.checkpoint import signing_key

MAGIC = "deliberation-backup"
VERSION = 1
SQLITE_HEADER = b"SQLite format 3\x00"
BATCH = 1000


@dataclass
class BackupResult:
    path: Path
    format: str
    tables: int
    rows: int


def backup(path: Path, fmt: str | None = None) -> BackupResult:
    """Write a backup of the app's database to `path` (sqlite or json; default: sqlite on SQLite)."""
    sqlite = db.engine.dialect.name == "sqlite"
    fmt = fmt or ("sqlite" if sqlite else "json")
    if fmt not in ("sqlite", "json"):
        raise Invalid("The format must be sqlite or json.", field="format")
    if fmt == "sqlite" and not sqlite:
        raise Invalid("A SQLite copy needs a SQLite database; use --format json.", field="format")
    path = Path(path)
    temporary = path.with_name(path.name + ".partial")
    temporary.unlink(missing_ok=True)
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        rows = _copy_sqlite(temporary) if fmt == "sqlite" else _write_json(temporary)
        temporary.replace(path)  # whole or nothing: never a half-written file under the real name
    finally:
        temporary.unlink(missing_ok=True)
    return BackupResult(path, fmt, len(db.metadata.sorted_tables), rows)


def _copy_sqlite(target: Path) -> int:
    source = db.engine.raw_connection()
    destination = sqlite3.connect(target)
    try:
        source.driver_connection.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return _count_rows(destination)
    finally:
        destination.close()
        source.close()


def _count_rows(sqlite_connection) -> int:
    return sum(sqlite_connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
               for table in db.metadata.sorted_tables)


def _write_json(target: Path) -> int:
    total = 0
    with db.engine.connect() as connection, open(target, "w", encoding="utf-8") as out:
        # One snapshot for every table (PostgreSQL); SQLite readers see one snapshot per transaction anyway.
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        header = {"format": MAGIC, "version": VERSION, "revision": _revision(connection),
                  "created_at": datetime.now(timezone.utc).isoformat(), "source": connection.dialect.name,
                  # The public half only: the private key stays in the instance folder (or environment).
                  "record_key": signing_key().verifier_key}
        out.write(json.dumps(header) + "\n")
        for table in db.metadata.sorted_tables:
            out.write(json.dumps({"table": table.name, "columns": [c.name for c in table.columns]}) + "\n")
            result = connection.execution_options(yield_per=BATCH).execute(
                select(table).order_by(*table.primary_key.columns))
            for row in result:
                out.write(json.dumps([_encode(value) for value in row], ensure_ascii=False) + "\n")
                total += 1
        out.write(json.dumps({"end": True, "rows": total}) + "\n")
    return total


def _encode(value):
    if isinstance(value, bytes):  # the record tree's hashes
        return base64.b64encode(value).decode()
    return value.isoformat() if isinstance(value, datetime) else value


def _decoders(table) -> dict:
    """How a column's JSON value becomes a row value again: dates from ISO text, bytes from base64."""
    found = {}
    for c in table.columns:
        if isinstance(c.type, DateTime) or isinstance(getattr(c.type, "impl", None), DateTime):
            found[c.name] = datetime.fromisoformat
        elif isinstance(c.type, LargeBinary):
            found[c.name] = base64.b64decode
    return found


def _revision(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


# Restoring


def restore(path: Path) -> int:
    """Load a backup into the app's (empty) database. Returns the number of rows restored."""
    path = Path(path)
    with open(path, "rb") as handle:
        start = handle.read(len(SQLITE_HEADER))
    if start == SQLITE_HEADER:
        if db.engine.dialect.name != "sqlite":
            raise Invalid("A SQLite copy restores into SQLite only. To move to PostgreSQL, make a JSON "
                          "backup (backup --format json) and restore that.", field="path")
        return _restore_sqlite_copy(path)
    with open(path, encoding="utf-8") as lines:
        try:
            header = json.loads(lines.readline() or "null")
        except json.JSONDecodeError:
            header = None
        if not isinstance(header, dict) or header.get("format") != MAGIC:
            raise Invalid("%(path)s is not a backup made by this platform.", field="path", path=str(path))
        if header.get("version") != VERSION:
            raise Invalid("Backup format version %(version)s is not supported.", field="path",
                          version=str(header.get("version")))
        return _load(header.get("revision"), _tables_from_json(lines))


def backup_record_key(path: Path) -> str | None:
    """The record's checkpoint verifier key a JSON backup was made with (None for a SQLite copy)."""
    with open(path, "rb") as handle:
        first = handle.readline()
    try:
        return json.loads(first).get("record_key")
    except (ValueError, AttributeError):
        return None


def key_notice(path: Path) -> str | None:
    """What to do when the restored site would sign checkpoints with another key than the backup's."""
    kept = backup_record_key(path)
    if kept is None or kept == signing_key().verifier_key:
        return None
    return ("This site signs the record's checkpoints with another key than the backed-up site did "
            f"({kept}). Witnesses and readers will refuse the new checkpoints: copy the file "
            "record_signing_key from the old instance folder (or set RECORD_SIGNING_KEY as before) "
            "and restart.")


def _tables_from_json(lines):
    """Yields (table name, columns, rows iterator) and checks the end line."""
    pending = None
    for line in lines:
        item = json.loads(line)
        if isinstance(item, list):
            pending.append(item)
            continue
        if pending is not None:
            yield current, columns, pending
        if item.get("end"):
            return
        current, columns, pending = item["table"], item["columns"], []
    raise Invalid("The backup file is truncated: it has no end line.", field="path")


def _ensure_empty_target() -> str | None:
    """The target's tables, checked empty; returns None if there are no tables at all."""
    db.session.remove()
    with db.engine.connect() as connection:
        existing = set(inspect(connection).get_table_names())
        if not existing & set(db.metadata.tables):
            return None
        for table in db.metadata.sorted_tables:
            if table.name in existing and connection.scalar(select(func.count()).select_from(table)):
                raise Conflict("The database is not empty (table %(table)s has rows). Restore into an empty database.",
                               table=table.name)
        return _revision(connection) or "none"


def _create_schema(revision: str | None) -> None:
    if revision:
        _upgrade(revision)
    else:  # a database made without migrations (tests, scripts): the models describe it
        db.create_all()


def _load(revision: str | None, tables) -> int:
    existing = _ensure_empty_target()
    if existing is None:
        _create_schema(revision)
    elif existing != (revision or "none"):
        raise Conflict("The database's schema is at revision %(existing)s, the backup's at %(revision)s. "
                       "Restore into an empty database.", existing=existing, revision=revision)
    deferred, held = _deferred_columns(), {}
    total = 0
    with db.engine.begin() as connection:
        for name, columns, rows in tables:
            table = db.metadata.tables.get(name)
            if table is None or set(columns) - set(table.columns.keys()):
                raise Invalid("The backup's table %(table)s does not match this version of the platform.", table=name)
            total += _insert(connection, table, columns, rows, deferred.get(name, []), held.setdefault(name, []))
        for name, late in deferred.items():
            _fill_deferred(connection, db.metadata.tables[name], late, held.get(name, []))
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    if revision:
        _upgrade()
    with db.engine.begin() as connection:
        # The backup holds the search entries; the engine's own tables are derived from them.
        refill_words(connection)
    return total


def _upgrade(revision: str = "head") -> None:
    from alembic.util import CommandError
    from flask_migrate import upgrade

    try:
        upgrade(revision=revision)
    except CommandError as exc:
        raise Invalid("The backup's schema revision is unknown to this version of the platform (%(reason)s).",
                      reason=str(exc)) from None


def _deferred_columns() -> dict[str, list[str]]:
    """Foreign-key columns filled after every row is in: self-references and the links that close a
    cycle between tables (a document's current version), which cannot be inserted in one order."""
    leftover = {fk for _table, fks in sort_tables_and_constraints(db.metadata.sorted_tables) if _table is None
                for fk in fks}
    deferred: dict[str, list[str]] = {}
    for table in db.metadata.sorted_tables:
        for constraint in table.foreign_key_constraints:
            if constraint in leftover or constraint.use_alter or constraint.referred_table is table:
                deferred.setdefault(table.name, []).extend(c.name for c in constraint.columns)
    return deferred


def _insert(connection, table, columns, rows, late: list[str], held: list[dict]) -> int:
    """Insert rows in batches; deferred columns go in as NULL and their values are kept in `held`."""
    decoders = _decoders(table)
    batch, count = [], 0
    for row in rows:
        record = {column: (decoders[column](value) if column in decoders and isinstance(value, str) else value)
                  for column, value in zip(columns, row)}
        if late:
            record["_late"] = {column: record[column] for column in late}
            record.update({column: None for column in late})
        batch.append(record)
        if len(batch) >= BATCH:
            count += _flush(connection, table, batch, held)
            batch = []
    return count + _flush(connection, table, batch, held)


def _flush(connection, table, batch, held) -> int:
    if not batch:
        return 0
    late_values = [record.pop("_late", None) for record in batch]
    connection.execute(table.insert(), batch)
    pk = next(iter(table.primary_key.columns)).name
    held.extend({"_pk": record[pk], **{f"_{c}": v for c, v in values.items()}}
                for record, values in zip(batch, late_values) if values and any(v is not None for v in values.values()))
    return len(batch)


def _fill_deferred(connection, table, late: list[str], rows: list[dict]) -> None:
    if rows:
        (pk,) = table.primary_key.columns
        statement = table.update().where(pk == bindparam("_pk")).values(
            {column: bindparam(f"_{column}") for column in late})
        connection.execute(statement, rows)


def _reset_sequences(connection) -> None:
    """Rows came with their ids; the next id PostgreSQL hands out must come after them."""
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        sequence = connection.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(table)s, %(column)s)", {"table": table.name, "column": pk[0].name}).scalar()
        if sequence:
            highest = connection.scalar(select(func.max(pk[0])))
            connection.exec_driver_sql("SELECT setval(%(seq)s, %(value)s, %(called)s)",
                                       {"seq": sequence, "value": highest or 1, "called": highest is not None})


def _restore_sqlite_copy(path: Path) -> int:
    _ensure_empty_target()
    db.session.remove()
    db.engine.dispose()
    source = sqlite3.connect(f"file:{pathname2url(str(path.resolve()))}?mode=ro", uri=True)
    target = db.engine.raw_connection()
    try:
        source.backup(target.driver_connection)
        rows = _count_rows(target.driver_connection)
    finally:
        target.close()
        source.close()
    db.engine.dispose()
    with db.engine.connect() as connection:
        revision = _revision(connection)
    if revision:  # a copy from an older release: bring its schema up to date
        _upgrade()
    return rows
