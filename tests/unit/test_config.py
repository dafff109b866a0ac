"""What the server prints about its configuration."""
from deliberation.config import printable_database_url


def test_the_printed_database_url_hides_the_password():
    printed = printable_database_url("postgresql+psycopg://app:s3cret-pw@db.example.org:5432/deliberation")
    assert "s3cret-pw" not in printed
    assert printed == "postgresql+psycopg://app:***@db.example.org:5432/deliberation"


def test_a_sqlite_path_is_printed_as_it_is():
    assert printable_database_url("sqlite:////srv/instance/deliberation.sqlite3") == \
        "sqlite:////srv/instance/deliberation.sqlite3"
