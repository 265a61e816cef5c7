"""flask krs backup | restore — a consistent copy of the whole database, and putting one back.

SQLite: the online backup API (sqlite3.Connection.backup) copies a consistent snapshot while the
app keeps serving, WAL included; the copy is checked with PRAGMA integrity_check.
PostgreSQL: pg_dump in custom format, restored with pg_restore --clean in one transaction.
Uploaded files are not in the database and not in this copy: with UPLOAD_STORAGE=local they live in
UPLOAD_DIR (back that folder up with the usual file tools), with UPLOAD_STORAGE=s3 in the bucket
(versioning plus a nightly mirror; docs/DEPLOY.md, section 8).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

from krs.extensions import db


class BackupError(Exception):
    pass


def _kind(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("Basis data SQLite di memori tidak dapat dicadangkan.")
    return path


def _libpq_url(url: str) -> str:
    """postgresql+psycopg://... -> postgresql://... for pg_dump / pg_restore."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def default_backup_path(url: str, folder: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    ext = "sqlite3" if _kind(url) == "sqlite" else "dump"
    return Path(folder) / f"krs-{stamp}.{ext}"


def backup_database(url: str, target: str | os.PathLike) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if _kind(url) == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)  # a consistent snapshot even while others write
            ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dest.close()
            source.close()
        if ok != "ok":
            raise BackupError(f"Salinan gagal diperiksa: {ok}")
        return target
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            _libpq_url(url),
        ]
    )
    return target


def restore_database(url: str, source: str | os.PathLike) -> None:
    """Replace the database's contents with the backup (the app should be stopped meanwhile)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Berkas cadangan {source} tidak ditemukan.")
    if _kind(url) == "sqlite":
        backup = sqlite3.connect(source)
        try:
            if backup.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("Berkas cadangan rusak (integrity_check gagal).")
            live = sqlite3.connect(_sqlite_path(url))
            try:
                backup.backup(live)
                live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                live.close()
        finally:
            backup.close()
        return
    _run(
        [
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
            "--single-transaction", "--dbname", _libpq_url(url), str(source),
        ]
    )  # fmt: skip


def _run(cmd: list[str]) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{cmd[0]} tidak ditemukan; pasang klien PostgreSQL.") from exc
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} gagal: {done.stderr.strip()[:500]}")


def register_commands(group: click.Group) -> None:
    @group.command("backup")
    @click.option("--output", "-o", type=click.Path(dir_okay=False), help="Berkas tujuan.")
    def backup_cmd(output: str | None):
        """Cadangkan seluruh basis data (SQLite: backup daring; PostgreSQL: pg_dump)."""
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        target = output or default_backup_path(url, os.path.join(current_app.instance_path, "backups"))
        try:
            path = backup_database(url, target)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Cadangan tersimpan: {path} ({path.stat().st_size} bita).")

    @group.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Jangan tanya konfirmasi.")
    def restore_cmd(source: str, yes: bool):
        """Pulihkan basis data dari berkas cadangan (menimpa isi sekarang; hentikan aplikasi dulu)."""
        if not yes:
            click.confirm("Isi basis data sekarang akan DITIMPA dengan cadangan ini. Lanjutkan?", abort=True)
        db.session.remove()
        db.engine.dispose()
        try:
            restore_database(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Basis data dipulihkan dari {source}.")
