#!/usr/bin/env bash
# Runs every test of the solution, as CI does: installs the Debian packages the tests need, starts a
# throwaway PostgreSQL for the PostgreSQL cases, runs `dotnet test` with TRX results in
# artifacts/test-results, and ends with one line: "N passed, N failed" (", N skipped" when some were).
# Extra arguments go to dotnet test (e.g. --filter "FullyQualifiedName~Scoping").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$PWD

# Debian packages the tests use, one a line.
required_packages=(
    postgresql
    chromium
    fonts-wqy-microhei
    # Real SIP peers and audio tools for the telephony engine's tests.
    sip-tester
    baresip-core
    linphone-cli
    kamailio
    sox
    # Default IVR prompts are spoken with espeak-ng (Routing/Ivr tests check the speech path).
    espeak-ng
    libsox-fmt-all
    # SMS gateway (bearerbox + smsbox) for the SMS outbox's tests, which talk to a fake SMSC over SMPP.
    kannel
)

install_missing_packages() {
    local missing=() package
    for package in "${required_packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return
    fi
    echo "Installing Debian packages: ${missing[*]}"
    local sudo=()
    if ((EUID != 0)); then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    # Package scripts must not start services (a throwaway cluster is started below).
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

pg_bin=/usr/lib/postgresql/15/bin
pg_dir=""
pg_port=""

as_postgres() {
    if ((EUID == 0)); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_postgres() {
    pg_dir=$(mktemp -d /tmp/lawline-pg.XXXXXX)
    chmod 755 "$pg_dir"
    if ((EUID == 0)); then
        chown postgres:postgres "$pg_dir"
    fi
    as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
        || { cat "$pg_dir/initdb.log" >&2; return 1; }
    local attempt
    for attempt in 1 2 3 4 5; do
        pg_port=$((20000 + RANDOM % 30000))
        port_is_free "$pg_port" || continue
        # A throwaway cluster: durability off, for speed.
        if as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 start \
            -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            >/dev/null; then
            export LAWLINE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Pooling=true"
            echo "PostgreSQL 15 started on 127.0.0.1:$pg_port (data in $pg_dir)"
            return 0
        fi
    done
    cat "$pg_dir/server.log" >&2 || true
    echo "Could not start PostgreSQL." >&2
    return 1
}

stop_postgres() {
    if [[ -n "$pg_dir" && -d "$pg_dir" ]]; then
        as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$pg_dir"
    fi
}

# Sums a counter attribute (total, executed, passed, failed...) over the TRX files of this run.
trx_count() {
    local name=$1 total=0 value file
    for file in "$results_dir"/*.trx; do
        [[ -e "$file" ]] || continue
        value=$(grep -o "<Counters [^>]*" "$file" | grep -o " $name=\"[0-9]*\"" | grep -o "[0-9]*" || true)
        total=$((total + ${value:-0}))
    done
    echo "$total"
}

trap stop_postgres EXIT

install_missing_packages
start_postgres

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results_dir="$repo_root/artifacts/test-results"
rm -rf "$results_dir"
mkdir -p "$results_dir"

status=0
dotnet test "$repo_root/Lawline.slnx" \
    --logger "trx" \
    --results-directory "$results_dir" \
    --blame-hang-timeout 5m \
    "$@" </dev/null || status=$?

passed=$(trx_count passed)
failed=$(trx_count failed)
# Skipped tests are counted in total but not in executed (the notExecuted counter stays 0).
skipped=$(($(trx_count total) - $(trx_count executed)))
if ((status != 0 && failed == 0)); then
    echo "dotnet test failed (exit code $status) without a failing test: the build or the test host failed, see above." >&2
fi
if ((status == 0 && failed > 0)); then
    status=1
fi
summary="$passed passed, $failed failed"
if ((skipped > 0)); then
    summary+=", $skipped skipped"
fi
stop_postgres
echo "$summary"
exit "$status"
