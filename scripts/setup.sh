#!/usr/bin/env bash
# Install everything OfficeLab needs on a Debian/Ubuntu machine: Debian packages, a virtualenv, the package.
# Idempotent: a second run installs nothing. Never starts a host service (see below).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(iproute2 nftables dnsmasq-base busybox unbound nginx-light tcpdump clang llvm libc6-dev linux-libc-dev
          iputils-ping curl procps python3 python3-venv bind9-dnsutils traceroute
          samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind libnss-winbind krb5-user
          smbclient ldap-utils python3-samba cups cups-ipp-utils cups-client cups-bsd cups-filters dbus avahi-daemon
          restic openssh-server openssh-client mosquitto mosquitto-clients openssl
          python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base gstreamer1.0-plugins-good
          gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-x fonts-dejavu-core ffmpeg
          kamailio baresip-core rtpengine-daemon tini tftpd-hpa tftp-hpa
          chromium chromium-driver
          hostapd wpasupplicant freeradius freeradius-utils openvpn postfix dovecot-imapd s-nail poppler-utils
          postgresql   # PostgreSQL: the desk's and the gradebook's test against a real server (never started on the host)
          snmpd)       # an SNMP agent a device offers, which the inventory scan reads (started in a lab node by the tests)
# The workbench's front-end libraries come from the npm registry (web/package-lock.json): Node.js if it is missing.
command -v npm >/dev/null || PACKAGES+=(nodejs npm)
[ "${1:-}" = "--bench" ] && PACKAGES+=(mininet bridge-utils)

if [ "$(id -u)" != 0 ]; then echo "setup: run as root (sudo make setup): it installs Debian packages" >&2; exit 1; fi
command -v apt-get >/dev/null || { echo "setup: needs a Debian or Ubuntu machine (apt-get)" >&2; exit 1; }

missing=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  # Packages such as unbound and nginx ship host services: keep apt from starting them. A policy-rc.d
  # that refuses every start is put in place for the install only, if the machine has none.
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; guard=1
  fi
  trap 'if [ -n "$guard" ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Nor start them at the next boot: OfficeLab runs its own copies inside lab namespaces.
  if [ -d /run/systemd/system ]; then
    # Only units of packages this run installed: a service the machine already had (ssh!) is left alone.
    for pair in nginx:nginx-light unbound:unbound samba-ad-dc:samba-ad-dc smbd:samba nmbd:samba winbind:winbind \
                cups:cups cups-browsed:cups-filters avahi-daemon:avahi-daemon ssh:openssh-server mosquitto:mosquitto kamailio:kamailio \
                rtpengine-daemon:rtpengine-daemon tftpd-hpa:tftpd-hpa hostapd:hostapd freeradius:freeradius \
                openvpn:openvpn postfix:postfix dovecot:dovecot-imapd postgresql:postgresql snmpd:snmpd; do
      if printf '%s\n' "${missing[@]}" | grep -qx "${pair#*:}"; then
        systemctl disable --now "${pair%%:*}" >/dev/null 2>&1 || true
      fi
    done
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
stamp=.venv/.officelab-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e '.[dev]'
  touch "$stamp"
fi
# The web workbench's libraries, pinned by web/package-lock.json, copied next to its page: served from this
# machine, never from a CDN (classrooms are often offline).
vendor=src/officelab/api/static/vendor
if [ ! -f "$vendor/.installed" ] || [ web/package-lock.json -nt "$vendor/.installed" ]; then
  npm ci --prefix web --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
  mkdir -p "$vendor"
  cp web/node_modules/@xterm/xterm/lib/xterm.js web/node_modules/@xterm/xterm/css/xterm.css \
     web/node_modules/@xterm/addon-fit/lib/addon-fit.js web/node_modules/cytoscape/dist/cytoscape.min.js "$vendor/"
  touch "$vendor/.installed"
fi
echo "setup: ready (.venv/bin/officelab)"
