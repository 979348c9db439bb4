"""``duocode team add|list`` and ``duocode migrate``: the team of a PostgreSQL project and moving between backends."""
from __future__ import annotations

import os

import click

from duocode.cli._base import emit, format_option, group, main, project_option

team = group("team", "Database roles of a PostgreSQL project: each coder connects as themselves.")


@team.command("add")
@click.argument("role")
@click.option("--coder", default=None, help="The coder whose codes this role writes (and alone reads).")
@click.option("--lead", is_flag=True, help="A lead's role: reads every coder's codes and writes the consensus.")
@click.option("--password-env", "password_env", default=None, metavar="VAR",
              help="Set the role's password on the server from this environment variable (never stored).")
@project_option
@format_option(["table", "json"])
def team_add(role, coder, lead, password_env, project, fmt):
    """Give database ROLE (created if the server has none) a coder's or a lead's rights in the project.

    \b
    Example:
      DUOCODE_PW=... duocode team add ines --coder ines --password-env DUOCODE_PW --project study
      duocode team add maria --lead --project study
    """
    from duocode.project import add_team_member

    password = None
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise click.UsageError(f"--password-env {password_env}: that environment variable is not set")
    emit(add_team_member(project, role, coder=coder, lead=lead, password=password), fmt)


@team.command("list")
@project_option
@format_option(["table", "json"])
def team_list(project, fmt):
    """List the project's roles: which coder each writes, and the leads.

    \b
    Example:
      duocode team list --project study
    """
    from duocode.project import list_team

    emit(list_team(project), fmt)


@main.command()
@click.option("--to", "to", required=True, metavar="URL|sqlite",
              help="postgresql://USER@HOST/DATABASE (an empty database) to move a SQLite project there, or "
                   "sqlite to move a PostgreSQL project back into DIR/duocode.db.")
@project_option
@format_option(["table", "json"])
def migrate(to, project, fmt):
    """Move the project to PostgreSQL or back to SQLite, losslessly (every row is compared before the switch).

    \b
    Example:
      duocode migrate --to postgresql://lead@db.example.org/study --project study
      duocode migrate --to sqlite --project study
    """
    from duocode.project import migrate_project

    emit(migrate_project(project, to), fmt)
