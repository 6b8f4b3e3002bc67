"""A throwaway certificate authority (trustme) so the mock can serve HTTPS on 127.0.0.1."""

from __future__ import annotations

import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TLSFiles:
    """PEM files of one throwaway CA and the server certificate it signed."""

    ca_path: Path
    cert_path: Path
    key_path: Path


def make_tls_files(directory: Path | None = None) -> TLSFiles:
    """Create a CA and a certificate for 127.0.0.1 and localhost, written as PEM files."""
    import trustme

    folder = Path(directory or tempfile.mkdtemp(prefix="clientlab-tls-"))
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    files = TLSFiles(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    ca.cert_pem.write_to_path(str(files.ca_path))
    cert.cert_chain_pems[0].write_to_path(str(files.cert_path))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(files.cert_path), append=True)
    cert.private_key_pem.write_to_path(str(files.key_path))
    return files


def client_ssl_context(ca_path: str | Path) -> ssl.SSLContext:
    """An SSL context that trusts the mock's throwaway CA (pass it as `verify=` to an http client)."""
    return ssl.create_default_context(cafile=str(ca_path))
