#!/usr/bin/env bash
# Makes sure of every program the test tiers need, before `npm test` runs them:
# Debian's Chromium for the console tests, Mosquitto for MQTT, socat for
# pseudo-terminals, the AVR toolchain and simavr for the firmware bridge,
# rsyslog (and its TLS driver) as a real syslog receiver, slapd and ldap-utils as a
# real directory, openssl for test certificates, pamtester, pam_exec, curl,
# libssl-dev and iproute2 for login gating, and a
# compiler for native modules. It says exactly what it installs; where it
# cannot install (not root, no apt-get) it stops at once with the one command
# to run. A broker on 127.0.0.1:1883 is started when nothing listens there.
set -euo pipefail

say() { printf 'test prerequisites: %s\n' "$*"; }

# command -> Debian package
declare -A need_cmd=(
  [chromium]=chromium
  [mosquitto]=mosquitto
  [mosquitto_pub]=mosquitto-clients
  [mosquitto_passwd]=mosquitto
  [socat]=socat
  [g++]=g++
  [make]=make
  [python3]=python3
  [openssl]=openssl
  [avr-gcc]=gcc-avr
  [simavr]=simavr
  [rsyslogd]=rsyslog
  [logger]=bsdutils
  # OpenLDAP's server and tools: the directory sync tests start their own slapd.
  [slapd]=slapd
  [ldapmodify]=ldap-utils
  # Login gating: the PAM client runs on curl, pamtester drives the real PAM stack,
  # ip makes the second host (a network namespace on a veth pair).
  [pamtester]=pamtester
  [curl]=curl
  [ip]=iproute2
)
# Headers and libraries, by a file each package installs.
declare -A need_file=(
  [/usr/lib/avr/include/avr/io.h]=avr-libc
  [/usr/include/simavr/sim_avr.h]=libsimavr-dev
  [/usr/include/libelf.h]=libelf-dev
  # rsyslog's TLS driver: the syslog-over-TLS receiver of the notification tests
  # (Debian's multiarch directory: x86_64-linux-gnu, aarch64-linux-gnu).
  [/usr/lib/$(uname -m)-linux-gnu/rsyslog/lmnsd_gtls.so]=rsyslog-gnutls
  # pam_exec runs the login gating client.
  [/usr/lib/$(uname -m)-linux-gnu/security/pam_exec.so]=libpam-modules
  # OpenSSL's headers and static libraries: the compiled login gating client is built by its tests.
  [/usr/include/openssl/ssl.h]=libssl-dev
)

missing=()
for cmd in "${!need_cmd[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("${need_cmd[$cmd]}")
done
for file in "${!need_file[@]}"; do [ -e "$file" ] || missing+=("${need_file[$file]}"); done
# One name per package, in a stable order.
if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  command="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing Debian packages: ${missing[*]}" >&2
    say "install them, then run npm test again:  sudo $command" >&2
    exit 1
  fi
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null
fi

listening() { (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; }
if ! listening; then
  say "nothing listens on 127.0.0.1:1883; starting mosquitto"
  mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  if [ -f /etc/mosquitto/mosquitto.conf ]; then "$mosquitto_bin" -d -c /etc/mosquitto/mosquitto.conf; else "$mosquitto_bin" -d -p 1883; fi
  for _ in $(seq 1 50); do listening && break; sleep 0.1; done
  listening || { say "mosquitto did not start on 127.0.0.1:1883" >&2; exit 1; }
fi

# Native modules must load under the node that runs the tests.
node -e "require('better-sqlite3')(':memory:').close(); require('argon2'); require('@serialport/bindings-cpp')" || {
  say "native modules do not load under $(node -v): run npm ci (or npm rebuild) with this node" >&2
  exit 1
}
