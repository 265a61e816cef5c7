"""flask krs seed-demo | create-admin"""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from krs.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from krs.extensions import db


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

    @group.command("create-admin")
    @click.option("--username", prompt=True)
    @click.option("--full-name", prompt="Nama lengkap")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_admin_cmd(username: str, full_name: str, password: str):
        """Buat akun admin Direktorat untuk instalasi nyata."""
        from krs.auth.service import password_problem
        from krs.models import Role, Unit, UnitKind, User

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

    # Feature modules add their commands here: each has register_commands(group).
    for module in CLI_MODULES:
        __import__(module, fromlist=["register_commands"]).register_commands(group)

    app.cli.add_command(group)


CLI_MODULES: list[str] = ["krs.demo.synthetic", "krs.backup", "krs.reports.stats"]
