"""OpenVPN's ``auth-user-pass-verify`` on the VPN server: the password a client sends is checked by a real LDAP
bind as that user to the domain controller. The login must be the certificate's (``common_name``): a user cannot
log in with someone else's certificate. Exit 0 accepts the client, anything else refuses it.

Usage (OpenVPN appends the via-file path): ``python -m officelab.devices.vpn_ad_login DC_ADDRESS AD_DOMAIN FILE``.
"""

from __future__ import annotations

import os
import re
import sys


def main() -> int:
    dc, domain, path = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    login, password = [*lines, "", ""][:2]
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", login) or not password:  # an empty password is an anonymous bind
        return 1
    certificate = os.environ.get("common_name", "")  # noqa: SIM112 (OpenVPN's name for it)
    if certificate != login:
        print(f"vpn login {login!r} does not match the certificate {certificate!r}", file=sys.stderr)
        return 1
    import ldap3

    server = ldap3.Server(dc, port=389, connect_timeout=3)
    connection = ldap3.Connection(server, user=f"{login}@{domain}", password=password, receive_timeout=3)
    try:
        accepted = bool(connection.bind())
    except ldap3.core.exceptions.LDAPException as exc:
        print(f"vpn login {login}: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.unbind()
    print(f"vpn login {login}: {'accepted' if accepted else 'refused'} by the directory ({dc})", file=sys.stderr)
    return 0 if accepted else 1


if __name__ == "__main__":
    sys.exit(main())
