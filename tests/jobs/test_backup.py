"""make backup / make restore: a populated site (what the other suites
left) round-trips into a new database and media directory with the same
rows in every table and the same bytes in every file."""

import os
import subprocess
import tempfile

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def run(*args):
    r = subprocess.run(list(args), cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_backup_and_restore_round_trip():
    db = "agora_restore_check"
    subprocess.run(["psql", "-X", "-q", "-U", "postgres", "-d", "postgres",
                    "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db],
                   cwd=ROOT, capture_output=True)
    # Something in the content tables, whatever earlier suites left.
    run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
        "INSERT INTO posts (author_id, title, slug, body, status) "
        "SELECT id, 'Kept', 'kept', 'In the backup.', 'approved' "
        "FROM users WHERE username = 'admin'")
    with tempfile.TemporaryDirectory() as tmp:
        backup = os.path.join(tmp, "backup")
        media = os.path.join(tmp, "media")
        run("scripts/backup.sh", "test", backup)
        rows = open(os.path.join(backup, "rows.txt")).read().split("\n")
        counts = dict(line.split() for line in rows if line)
        assert int(counts["users"]) > 0 and int(counts["posts"]) > 0
        assert "photos" in counts and "chat_messages" in counts
        out = run("scripts/restore.sh", "test", backup, db, media)
        assert "match the backup" in out
        # The copy is a working database: its newest migration is there.
        got = subprocess.run(["psql", "-X", "-At", "-d", db, "-c",
                              "SELECT max(version) FROM schema_migrations"],
                             cwd=ROOT, capture_output=True, text=True)
        assert got.stdout.strip() == open(os.path.join(
            backup, "manifest.json")).read().split('"schema": "')[1] \
            .split('"')[0]
        # A damaged backup is refused, and nothing is restored from it.
        with open(os.path.join(backup, "media.tar"), "r+b") as f:
            f.seek(100)
            f.write(b"\xff\xff")
        r = subprocess.run(["scripts/restore.sh", "test", backup,
                            db + "_2", os.path.join(tmp, "media2")],
                           cwd=ROOT, capture_output=True, text=True)
        assert r.returncode != 0 and "damaged" in r.stderr
    subprocess.run(["psql", "-X", "-q", "-U", "postgres", "-d", "postgres",
                    "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db],
                   cwd=ROOT, capture_output=True)
