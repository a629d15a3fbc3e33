"""OAuth2 (SASL XOAUTH2) against real servers on 127.0.0.1: a token and introspection endpoint, Dovecot
with its oauth2 passdb, aiosmtpd with an XOAUTH2 authenticator; and login refusals that are not retried."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from config.settings import load
from intake.mailbox import AuthenticationFailed, ImapSource, SourceUnavailable, with_reconnect
from tests.conftest import Mailbox, write_config
from tests.integration.test_cli import run_cli
from tests.mail import request
from tests.oauth2_server import TokenServer
from tests.servers import Dovecot, SmtpServer

# aiosmtpd warns that AUTH without TLS is unsafe: true, and on 127.0.0.1 in a test it is what we want.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture
def box(dovecot_oauth2: Dovecot) -> Mailbox:
    return Mailbox(dovecot_oauth2, dovecot_oauth2.new_user())


def config(tmp: Path, box: Mailbox, smtp: SmtpServer, oauth2: str, *, imap_auth: str = "oauth2",
           smtp_auth: str = "oauth2") -> Path:
    """A configuration file for the CLI, each side logging in with OAuth2 or its password."""
    return write_config(
        tmp, box, smtp, f"[oauth2]\n{oauth2}",
        imap_login='auth = "oauth2"' if imap_auth == "oauth2" else 'password_file = "imap.secret"',
        smtp_login=f'auth = "oauth2"\nusername = "{box.user}"' if smtp_auth == "oauth2" else "")


def generic(tokens: TokenServer, tmp: Path, client_id: str, secret: str) -> str:
    (tmp / "client.secret").write_text(secret + "\n")
    return (f'provider = "generic"\ntoken_url = "{tokens.url}/token"\nclient_id = "{client_id}"\n'
            'client_secret_file = "client.secret"')


def assert_refused_in_one_line(result: object, *words: str) -> None:
    """Exit 3, one `foi-intake:` line naming the cause in words, no retries and no Python bytes."""
    assert result.returncode == 3, result.stderr  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    [line] = [x for x in stderr.splitlines() if x.startswith("foi-intake:")]
    assert line.startswith("foi-intake: authentication failed: ")
    for word in words:
        assert word in line
    assert "b'" not in stderr and "reconnecting" not in stderr and "attempts" not in stderr


def test_poll_logs_in_to_imap_and_smtp_with_one_token_from_the_generic_provider(tmp_path, box, smtp_oauth2,
                                                                                token_server):
    client_id, secret = token_server.add_client(box.user, scope="mail")
    path = config(tmp_path, box, smtp_oauth2, generic(token_server, tmp_path, client_id, secret) + '\nscope = "mail"')
    box.append(request(sender="Jo Bloggs <jo@example.org>", subject="Interpreters",
                       body="Please provide the cost of interpreters in 2025.\n\nJo Bloggs\n"))
    polled = run_cli("--config", str(path), "-v", "poll", "--once")  # debug logging: still no secret, no token
    assert polled.returncode == 0, polled.stderr
    assert "cases_opened=1" in polled.stdout and "sent=1" in polled.stdout
    assert smtp_oauth2.sink.logins == [box.user]  # type: ignore[attr-defined]
    assert len(smtp_oauth2.messages) == 1
    assert token_server.requests[client_id] == 1  # IMAP and SMTP shared one cached token
    sasl = [base64.b64encode(f"user={box.user}\x01auth=Bearer {t}\x01\x01".encode()).decode()
            for t in token_server.tokens]
    assert secret not in polled.stderr and not any(t in polled.stderr for t in [*token_server.tokens, *sasl])


@pytest.mark.parametrize(("expires_in", "requests"), [(3600, 1), (120, 2)])
def test_a_token_is_reused_until_five_minutes_before_it_expires_then_renewed_by_logging_in_again(
        tmp_path, box, smtp_oauth2, token_server, expires_in, requests):
    client_id, secret = token_server.add_client(box.user, expires_in=expires_in)
    settings = load(config(tmp_path, box, smtp_oauth2, generic(token_server, tmp_path, client_id, secret)))
    source = ImapSource(settings.mailbox)
    try:
        assert source.count() == 0
        first = source._client
        assert source.count() == 0  # the same long-lived connection, unless its token is due for renewal
        assert token_server.requests[client_id] == requests
        assert (source._client is first) == (requests == 1)
    finally:
        source.close()


@pytest.mark.parametrize("failure", ["revoked", "expired"])
def test_a_revoked_or_expired_token_fails_imap_in_one_line_with_exit_3(tmp_path, box, smtp_oauth2, token_server,
                                                                        failure):
    client_id, secret = token_server.add_client(box.user, expires_in=0 if failure == "expired" else 3600)
    path = config(tmp_path, box, smtp_oauth2, generic(token_server, tmp_path, client_id, secret))
    if failure == "revoked":
        assert run_cli("--config", str(path), "poll", "--once").returncode == 0
        token_server.revoke(client_id)
    result = run_cli("--config", str(path), "poll", "--once")
    assert_refused_in_one_line(result, "IMAP server", f"oauth2 login as {box.user}", "AUTHENTICATIONFAILED")


def test_after_a_refused_login_the_next_attempt_asks_for_a_new_token(tmp_path, box, smtp_oauth2, token_server):
    client_id, secret = token_server.add_client(box.user)
    settings = load(config(tmp_path, box, smtp_oauth2, generic(token_server, tmp_path, client_id, secret)))
    source = ImapSource(settings.mailbox)
    assert source.count() == 0
    source.close()
    token_server.revoke(client_id)  # the cached token dies before its time
    for requests in (1, 2):  # one refusal per attempt, each with a token asked for afresh after the first
        with pytest.raises(AuthenticationFailed, match="AUTHENTICATIONFAILED"):
            source.count()
        assert token_server.requests[client_id] == requests


def test_a_revoked_smtp_token_fails_in_one_line_and_the_notice_waits(tmp_path, box, smtp_oauth2, token_server):
    client_id, secret = token_server.add_client(box.user)
    token_server.revoke(client_id)
    path = config(tmp_path, box, smtp_oauth2, generic(token_server, tmp_path, client_id, secret), imap_auth="password")
    box.append(request(sender="Jo Bloggs <jo@example.org>", subject="Interpreters",
                       body="Please provide the cost of interpreters in 2025.\n\nJo Bloggs\n"))
    result = run_cli("--config", str(path), "poll", "--once")
    assert_refused_in_one_line(result, "SMTP server", f"oauth2 login as {box.user}", "535")
    assert smtp_oauth2.messages == []
    listed = run_cli("--config", str(path), "outbox", "list")
    assert listed.returncode == 0
    assert [line.split()[1] for line in listed.stdout.splitlines()] == ["pending"]  # not held, not in doubt


def test_an_unreachable_token_endpoint_is_a_network_fault_and_is_retried(tmp_path, box, smtp_oauth2,
                                                                         token_server):
    client_id, secret = token_server.add_client(box.user)
    oauth2 = generic(token_server, tmp_path, client_id, secret).replace(token_server.url, "http://127.0.0.1:1")
    settings = load(config(tmp_path, box, smtp_oauth2, oauth2))
    source, waits = ImapSource(settings.mailbox), []
    with pytest.raises(SourceUnavailable, match="after 5 attempts"):
        with_reconnect(source, settings.mailbox, source.count, sleep=waits.append)
    assert len(waits) == 4  # unlike a refusal, the next attempt may find the endpoint back


def test_a_wrong_client_secret_fails_at_the_token_endpoint_once_with_exit_3(tmp_path, box, smtp_oauth2,
                                                                             token_server):
    client_id, _secret = token_server.add_client(box.user)
    path = config(tmp_path, box, smtp_oauth2, generic(token_server, tmp_path, client_id, "not-the-secret"))
    result = run_cli("--config", str(path), "poll", "--once")
    assert_refused_in_one_line(result, "token endpoint", "invalid_client", "Client authentication failed")
    assert token_server.requests[client_id] == 1  # asked once: a refused secret is not retried
    assert "not-the-secret" not in result.stderr


def test_a_wrong_password_fails_at_once_in_one_line_without_python_bytes(tmp_path, mailbox, smtp):
    from tests.conftest import write_config

    path = write_config(tmp_path, mailbox, smtp)
    (tmp_path / "imap.secret").write_text("wrong-password")
    result = run_cli("--config", str(path), "poll", "--once")
    assert_refused_in_one_line(result, "IMAP server", f"password login as {mailbox.user}",
                               "[AUTHENTICATIONFAILED] Authentication failed.")
    assert "wrong-password" not in result.stderr


def _service_account(tmp: Path, tokens: TokenServer) -> Path:
    """A throwaway service account key whose token_uri is the local endpoint, which knows its certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "foi-intake-test")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(datetime(2020, 1, 1))
            .not_valid_after(datetime(2100, 1, 1)).sign(key, hashes.SHA256()))
    email = "foi-intake@test-project.iam.gserviceaccount.com"
    tokens.add_service_account(email, cert.public_bytes(serialization.Encoding.PEM).decode())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp / "service-account.json"
    path.write_text(json.dumps({"type": "service_account", "project_id": "test-project", "private_key_id": "k1",
                                "private_key": pem, "client_email": email, "client_id": "1",
                                "token_uri": f"{tokens.url}/token"}))
    return path


def test_the_google_provider_signs_as_the_service_account_for_the_mailbox_user(tmp_path, box, smtp_oauth2,
                                                                               token_server):
    key = _service_account(tmp_path, token_server)
    settings = load(config(tmp_path, box, smtp_oauth2, f'provider = "google"\nservice_account_file = "{key.name}"'))
    source = ImapSource(settings.mailbox)
    try:
        assert source.count() == 0  # Dovecot accepted a token the endpoint issued for sub = the mailbox user
    finally:
        source.close()


def test_a_google_key_the_endpoint_does_not_trust_is_refused_in_one_line(tmp_path, box, smtp_oauth2, token_server):
    key = _service_account(tmp_path, token_server)
    data = json.loads(key.read_text())
    data["client_email"] = "unknown@test-project.iam.gserviceaccount.com"
    key.write_text(json.dumps(data))
    settings = load(config(tmp_path, box, smtp_oauth2, f'provider = "google"\nservice_account_file = "{key.name}"'))
    with pytest.raises(AuthenticationFailed, match=r"refused service account unknown@.*invalid_client"):
        ImapSource(settings.mailbox).count()
