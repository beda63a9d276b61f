# Shared by scripts/test and scripts/demo (sourced, not run).

OAUTH2_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian 12 packages that building, testing and the demo need.
OAUTH2_PACKAGES=(
    apache2 apache2-dev libaprutil1-dbd-pgsql libjansson-dev libpq-dev
    libssl-dev postgresql check python3-pytest python3-requests
    python3-jwt python3-jwcrypto autoconf automake libtool pkg-config wrk
    gcc make openssl redis-server memcached
)

# What the libFuzzer build (build/fuzz: scripts/fuzz, the fuzz smoke of
# scripts/test) needs besides: clang, its libFuzzer and sanitizer runtimes,
# and llvm-symbolizer for readable reports.
OAUTH2_FUZZ_PACKAGES=(clang libclang-rt-14-dev llvm)

# How build/fuzz is configured.
OAUTH2_FUZZ_CONFIGURE=(CC=clang --enable-fuzzing)

say() { printf '\n==> %s\n' "$*"; }
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "needs root to run: $* (install sudo, or run as root)"
    fi
}

# Installs the packages that are missing (OAUTH2_PACKAGES and the ones
# named as arguments); does nothing (and needs no root) when all are there.
ensure_packages() {
    local p missing=() policy=/usr/sbin/policy-rc.d made_policy=
    for p in "${OAUTH2_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
            grep -q '^install ok installed$' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null ||
        die "missing packages (${missing[*]}) and no apt-get: this script expects Debian 12"
    say "installing ${missing[*]}"
    # Installing apache2 and postgresql would start their system services
    # (port 80, 5432); the tests and the demo start their own, so forbid
    # service starts during the install unless a policy is already set.
    if [ ! -e "$policy" ]; then
        as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
        made_policy=1
    fi
    local rc=0
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends "${missing[@]}" || rc=$?
    [ -n "$made_policy" ] && as_root rm -f "$policy"
    [ $rc -eq 0 ] || die "apt-get failed ($rc)"
}

# autoreconf when configure is missing or older than its inputs
# (OAUTH2_AUTORECONF=1 forces it); make's rebuild rules do the rest.
ensure_configure() {
    local f
    if [ "${OAUTH2_AUTORECONF:-}" != 1 ] && [ -x "$OAUTH2_REPO/configure" ]; then
        for f in configure.ac Makefile.am; do
            [ "$OAUTH2_REPO/$f" -nt "$OAUTH2_REPO/configure" ] && break
            f=
        done
        [ -z "$f" ] && return 0
    fi
    say "autoreconf -fi"
    (cd "$OAUTH2_REPO" && autoreconf -fi)
}

# configure_build DIR [configure options...]: configures out of tree in
# DIR unless it is already configured with exactly these options.
configure_build() {
    local dir=$1 want=
    shift
    [ $# -gt 0 ] && want=$(printf "'%s' " "$@") && want=${want% }
    mkdir -p "$dir"
    if [ -f "$dir/Makefile" ] && [ -x "$dir/config.status" ] &&
        [ "$(cd "$dir" && ./config.status --config)" = "$want" ] &&
        [ "$dir/config.status" -nt "$OAUTH2_REPO/configure" ]; then
        return 0
    fi
    say "configure $* (in ${dir#"$OAUTH2_REPO"/})"
    (cd "$dir" && "$OAUTH2_REPO/configure" -q "$@")
}
