"""`foi-intake serve` (the web desk, under uvicorn) and `foi-intake web add-user|remove-user|users` (its local
accounts)."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys

import uvicorn

from config.settings import ConfigError, Settings
from intake.vocabulary import DeskRole
from intake.web import create_app
from intake.web.accounts import AccountError, Accounts

__all__ = ["add_parsers", "run_serve", "run_web"]

EXIT_OK, EXIT_FAILURE = 0, 1


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="the web desk for the DSP team and Communications ([web] in the "
                                         "configuration)")
    serve.add_argument("--listen", metavar="HOST:PORT", help="instead of [web] listen (default 127.0.0.1:8080)")
    web = sub.add_parser("web", help="the web desk's local accounts")
    wsub = web.add_subparsers(dest="web_command", required=True)
    add = wsub.add_parser("add-user", help="add a person (or give them a new password or role); the password is "
                                           "asked for twice, or read from standard input when it is not a terminal")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=list(DeskRole))
    wsub.add_parser("remove-user", help="remove a person's local account").add_argument("name")
    wsub.add_parser("users", help="the local accounts and their roles")


def _listen(settings: Settings, override: str | None) -> tuple[str, int]:
    if not override:
        return settings.web.host, settings.web.port
    host, _, port = override.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError("--listen", f"expected HOST:PORT, got {override!r}")
    return host.strip("[]"), int(port)


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    host, port = _listen(settings, args.listen)
    app = create_app(settings)
    print(f"FOI desk on http://{host}:{port}/" + (f" (people reach it at {settings.web.base_url})"
                                                  if settings.web.base_url else ""), flush=True)
    try:
        # No access log: a path carries a case reference at most, but the desk logs what it does itself.
        uvicorn.run(app, host=host, port=port, access_log=False, log_level=logging.getLevelName(
            logging.getLogger().level).lower(), proxy_headers=True, server_header=False)
    finally:
        app.state.desk.app.close()
    return EXIT_OK


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def run_web(settings: Settings, args: argparse.Namespace) -> int:
    assert settings.web.accounts is not None
    accounts = Accounts(settings.web.accounts)
    if args.web_command == "add-user":
        new = accounts.add(args.name, DeskRole(args.role), _password())
        print(f"{'added' if new else 'updated'} {args.name} ({args.role}) in {accounts.path} (owner-only)")
    elif args.web_command == "remove-user":
        if not accounts.remove(args.name):
            print(f"foi-intake: no local account {args.name}", file=sys.stderr)
            return EXIT_FAILURE
        print(f"removed {args.name}")
    else:
        for name, user in sorted(accounts.users().items()):
            print(f"{name:<30} {user.get('role', '?')}")
    return EXIT_OK
