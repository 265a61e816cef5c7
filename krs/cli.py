"""flask krs seed-demo | create-admin | stats-rebuild | stats-check | send-digests (+ CLI_MODULES)"""

from __future__ import annotations

from datetime import UTC, date, datetime

import click
from flask import Flask
from sqlalchemy import select

from krs import case_lists
from krs.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from krs.extensions import db
from krs.models import Role, Unit, UnitKind, User
from krs.notifications.digest import send_digests
from krs.passwords import password_problem
from krs.reports import service as reports
from krs.reports import stats


def register(app: Flask) -> None:
    group = click.Group("krs", help="Perintah pengelolaan KRS.")

    @group.command("seed-demo")
    @click.option("--cases", default=300, show_default=True)
    def seed_demo_cmd(cases: int):
        """Isi data demo (hanya bila basis data masih kosong)."""
        result = seed_demo(cases)
        if result.get("skipped"):
            click.echo("Basis data sudah berisi data; data demo tidak ditambahkan.")
        else:
            click.echo(f"Data demo dibuat: {result['units']} unit, {result['cases']} kasus.")
        click.echo(f"Akun demo (kata sandi '{DEMO_PASSWORD}', hanya untuk demo):")
        click.echo("  " + ", ".join(DEMO_LOGINS))

    @group.command("load-work-items")
    def load_work_items_cmd():
        """Muat set awal analisa pekerjaan (AHSP) yang belum ada menurut kodenya."""
        from krs.rab.starter import load_starter_set

        added = load_starter_set()
        db.session.commit()
        click.echo(f"{added} pekerjaan ditambahkan.")

    @group.command("create-admin")
    @click.option("--username", prompt=True)
    @click.option("--full-name", prompt="Nama lengkap")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_admin_cmd(username: str, full_name: str, password: str):
        """Buat akun admin Direktorat untuk instalasi nyata."""
        unit = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.DIREKTORAT))
        if unit is None:
            unit = Unit(
                code="DITRS", slug="direktorat", name="Direktorat Rumah Swadaya", kind=UnitKind.DIREKTORAT
            )
            db.session.add(unit)
        if db.session.scalar(select(User).where(User.username == username)):
            raise click.ClickException(f"Pengguna {username} sudah ada.")
        user = User(username=username, full_name=full_name, role=Role.ADMIN, unit=unit)
        problem = password_problem(user, password)
        if problem:
            raise click.ClickException(problem)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        click.echo(f"Admin {username} dibuat.")

    @group.command("stats-rebuild")
    def stats_rebuild_cmd():
        """Hitung ulang rekap dasbor dari data kasus dan survei."""
        stats.rebuild(db.session.connection())
        case_lists.rebuild_next_actions(db.session.connection())  # the cases' next actions (issue 17)
        db.session.commit()
        click.echo("Rekap dasbor dihitung ulang.")

    @group.command("stats-check")
    @click.option(
        "--year", "years", multiple=True, type=int, help="Tahun (boleh berulang); bawaan: tahun ini."
    )
    def stats_check_cmd(years):
        """Bandingkan rekap dasbor dengan hitungan langsung dari data kasus."""
        chosen = list(years) or [datetime.now(UTC).year]
        problems = reports.check_totals(chosen)
        problems += case_lists.next_action_differences(db.session.connection())  # issue 17
        for line in problems[:50]:
            click.echo(line)
        if problems:
            raise click.ClickException(
                f"{len(problems)} angka berbeda; jalankan `flask krs stats-rebuild` lalu periksa lagi."
            )
        click.echo(f"Rekap dasbor sama dengan hitungan langsung ({', '.join(map(str, chosen))}).")

    @group.command("send-digests")
    @click.option(
        "--date", "day", default=None, help="Tanggal (YYYY-MM-DD); bawaan: hari ini di zona tiap unit."
    )
    def send_digests_cmd(day: str | None):
        """Kirim pengingat harian lewat email (sekali per petugas per hari)."""
        try:
            chosen = date.fromisoformat(day) if day else None
        except ValueError as exc:
            raise click.BadParameter("format tanggal YYYY-MM-DD") from exc
        run = send_digests(chosen)
        click.echo(
            f"Pengingat terkirim: {len(run.sent)}; sudah terkirim sebelumnya: {run.already_sent}; "
            f"tanpa hal menunggu: {run.nothing_waiting}; tanpa email: {len(run.without_email)}."
        )
        for username, error in run.failed:
            click.echo(f"Gagal ke {username}: {error}", err=True)
        if run.failed:
            raise click.ClickException(
                f"{len(run.failed)} pengingat gagal dikirim; dicoba lagi pada perintah berikutnya."
            )

    # Feature modules add their commands here: each has register_commands(group).
    for module in CLI_MODULES:
        __import__(module, fromlist=["register_commands"]).register_commands(group)

    app.cli.add_command(group)


CLI_MODULES: list[str] = ["krs.demo.synthetic", "krs.backup"]
