# Shared by scripts/up, scripts/test and .ci/run: find, install and start PostgreSQL and RabbitMQ.
# Sourced, not run. Everything here is idempotent: calling it with the services already up changes nothing.
#
# Knobs (environment):
#   JOBMONITOR_SERVICES   auto (default) | local | docker. auto = docker when a Docker engine answers.
#   JM_PG_USER / JM_PG_PASSWORD / JM_PG_DB   role and database for the service (default jobmonitor x3)
#   JM_RABBIT_USER / JM_RABBIT_PASSWORD      RabbitMQ user (default guest/guest)
#   JM_RABBIT_API         management API base (default http://localhost:15672/api)

JM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JM_PG_USER="${JM_PG_USER:-jobmonitor}"
JM_PG_PASSWORD="${JM_PG_PASSWORD:-jobmonitor}"
JM_PG_DB="${JM_PG_DB:-jobmonitor}"
JM_PG_PORT="${JM_PG_PORT:-5432}"
JM_RABBIT_USER="${JM_RABBIT_USER:-guest}"
JM_RABBIT_PASSWORD="${JM_RABBIT_PASSWORD:-guest}"
JM_RABBIT_PORT="${JM_RABBIT_PORT:-5672}"
JM_RABBIT_API="${JM_RABBIT_API:-http://localhost:15672/api}"
JM_COMPOSE_FILE="$JM_ROOT/compose/docker-compose.yml"

jm_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
jm_die() { jm_log "ERROR: $*"; exit 1; }

# Runs a command as root: directly when we are root (CI, containers), else through sudo.
jm_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Runs a command as the postgres OS user (peer authentication for the admin work).
jm_as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

jm_port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# jm_wait_port HOST PORT SECONDS WHAT
jm_wait_port() {
    local deadline=$((SECONDS + $3))
    until jm_port_open "$1" "$2"; do
        [ "$SECONDS" -lt "$deadline" ] || jm_die "$4 did not open $1:$2 within $3 s"
        sleep 1
    done
}

# Installs the Debian packages that are missing; 'apt-get update' only when a package has no candidate.
jm_apt_ensure() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    command -v apt-get >/dev/null || jm_die "missing ${missing[*]} and no apt-get: install them by hand"
    for pkg in "${missing[@]}"; do
        if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            jm_log "apt-get update (no candidate for $pkg)"
            jm_root apt-get update -qq
            break
        fi
    done
    jm_log "installing ${missing[*]}"
    local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}")
    # Old package lists name files the mirror no longer has: refresh them once and retry.
    jm_root "${install[@]}" >&2 || { jm_root apt-get update -qq && jm_root "${install[@]}" >&2; }
}

jm_docker_available() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

# 'docker compose' (v2 plugin) or 'docker-compose' (v1), whichever is present.
jm_compose() {
    if docker compose version >/dev/null 2>&1; then
        docker compose -p jobmonitor -f "$JM_COMPOSE_FILE" "$@"
    elif command -v docker-compose >/dev/null; then
        docker-compose -p jobmonitor -f "$JM_COMPOSE_FILE" "$@"
    else
        jm_die "a Docker engine answers but neither 'docker compose' nor 'docker-compose' is installed"
    fi
}

jm_services_mode() {
    case "${JOBMONITOR_SERVICES:-auto}" in
        local | docker) echo "$JOBMONITOR_SERVICES" ;;
        auto) if jm_docker_available; then echo docker; else echo local; fi ;;
        *) jm_die "JOBMONITOR_SERVICES must be auto, local or docker" ;;
    esac
}

# --- PostgreSQL on this machine (Debian's postgresql-common cluster tools, no systemd) ---

jm_postgres_local_start() {
    local line version port status
    # Never the fault suite's cluster: the suite stops it.
    line="$(pg_lsclusters -h 2>/dev/null | awk -v faults="$JM_FAULTS_PG_CLUSTER" '$2 != faults' | head -n 1)"
    if [ -z "$line" ]; then
        version="$(ls /usr/lib/postgresql | sort -n | tail -n 1)"
        [ -n "$version" ] || jm_die "no PostgreSQL server under /usr/lib/postgresql"
        jm_log "creating PostgreSQL $version cluster 'main'"
        jm_root pg_createcluster "$version" main >&2
        line="$(pg_lsclusters -h | awk -v faults="$JM_FAULTS_PG_CLUSTER" '$2 != faults' | head -n 1)"
    fi
    read -r version _ port status _ <<<"$line"
    # The test suite runs several service hosts side by side, each with its Npgsql pools and Hangfire workers:
    # Debian's default of 100 connections is too few.
    if [ "$(pg_conftool -s "$version" main show max_connections 2>/dev/null || echo 100)" -lt 300 ]; then
        jm_root pg_conftool "$version" main set max_connections 300
        if [ "$status" = online ]; then
            jm_log "restarting PostgreSQL $version to raise max_connections"
            jm_root pg_ctlcluster "$version" main restart
        fi
    fi
    if [ "$status" != online ]; then
        jm_log "starting PostgreSQL $version on port $port"
        jm_root pg_ctlcluster "$version" main start
    fi
    JM_PG_PORT="$port"
    local deadline=$((SECONDS + 60))
    until pg_isready -q -h localhost -p "$JM_PG_PORT"; do
        [ "$SECONDS" -lt "$deadline" ] || jm_die "PostgreSQL did not accept connections on $JM_PG_PORT within 60 s"
        sleep 1
    done
}

# Creates the service's role (superuser: the tests create a database each) and database when missing.
jm_postgres_local_ensure_role() {
    local psql=(psql -p "$JM_PG_PORT" -v ON_ERROR_STOP=1 -qtA -d postgres)
    if [ -z "$(jm_as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$JM_PG_USER'")" ]; then
        jm_log "creating PostgreSQL role $JM_PG_USER"
        jm_as_postgres "${psql[@]}" -c "CREATE ROLE \"$JM_PG_USER\" LOGIN SUPERUSER PASSWORD '$JM_PG_PASSWORD'"
    fi
    if [ -z "$(jm_as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$JM_PG_DB'")" ]; then
        jm_log "creating PostgreSQL database $JM_PG_DB"
        jm_as_postgres "${psql[@]}" -c "CREATE DATABASE \"$JM_PG_DB\" OWNER \"$JM_PG_USER\""
    fi
}

# --- RabbitMQ on this machine ---

jm_rabbitmq_local_start() {
    if ! jm_port_open 127.0.0.1 "$JM_RABBIT_PORT"; then
        # Offline enabling writes enabled_plugins, so the node starts with the management API.
        jm_root rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
        jm_log "starting RabbitMQ"
        jm_root rabbitmq-server -detached
        # await_startup fails when the node is not yet registered, so wait for the port first.
        jm_wait_port 127.0.0.1 "$JM_RABBIT_PORT" 180 RabbitMQ
        jm_root timeout 120 rabbitmqctl await_startup >/dev/null
    fi
    if ! jm_port_open 127.0.0.1 15672; then
        jm_log "enabling rabbitmq_management"
        jm_root rabbitmq-plugins enable rabbitmq_management >/dev/null
        jm_wait_port 127.0.0.1 15672 60 "RabbitMQ management"
    fi
}

# --- both, in Docker ---

jm_services_docker_start() {
    jm_log "starting postgres and rabbitmq with compose"
    jm_compose up -d postgres rabbitmq >&2
    jm_wait_port 127.0.0.1 "$JM_PG_PORT" 120 PostgreSQL
    local deadline=$((SECONDS + 120))
    until jm_compose exec -T postgres pg_isready -q -U "$JM_PG_USER" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || jm_die "PostgreSQL container not ready within 120 s"
        sleep 1
    done
    jm_wait_port 127.0.0.1 "$JM_RABBIT_PORT" 180 RabbitMQ
    jm_wait_port 127.0.0.1 15672 120 "RabbitMQ management"
}

# Ensures PostgreSQL (with the jobmonitor role/database) and RabbitMQ (with management) are up.
jm_services_up() {
    local mode
    mode="$(jm_services_mode)"
    if [ "$mode" = docker ]; then
        jm_services_docker_start
    else
        jm_apt_ensure postgresql rabbitmq-server curl
        jm_postgres_local_start
        jm_postgres_local_ensure_role
        jm_rabbitmq_local_start
    fi
    jm_rabbitmq_api GET /overview >/dev/null || jm_die "RabbitMQ management API at $JM_RABBIT_API does not answer"
    jm_log "services up ($mode): PostgreSQL localhost:$JM_PG_PORT, RabbitMQ localhost:$JM_RABBIT_PORT"
}

# jm_rabbitmq_api METHOD PATH [JSON]: prints the response body, fails on an HTTP error.
jm_rabbitmq_api() {
    local args=(-fsS --max-time 20 -u "$JM_RABBIT_USER:$JM_RABBIT_PASSWORD" -X "$1" "$JM_RABBIT_API$2")
    [ $# -ge 3 ] && args+=(-H 'content-type: application/json' -d "$3")
    curl "${args[@]}"
}

# jm_rabbitmq_fresh_vhost VHOST: an empty vhost, so queues declared by an older build (other arguments) never clash.
jm_rabbitmq_fresh_vhost() {
    jm_rabbitmq_api DELETE "/vhosts/$1" >/dev/null 2>&1 || true
    jm_rabbitmq_ensure_vhost "$1"
}

# jm_rabbitmq_ensure_vhost NAME: creates the vhost (PUT is idempotent) and grants the user everything on it.
jm_rabbitmq_ensure_vhost() {
    jm_rabbitmq_api PUT "/vhosts/$1" '{}' >/dev/null
    jm_rabbitmq_api PUT "/permissions/$1/$JM_RABBIT_USER" '{"configure":".*","write":".*","read":".*"}' >/dev/null
}

# jm_publish_json VHOST EXCHANGE FILE: publishes FILE as a plain JSON message through the management API.
jm_publish_json() {
    local vhost exchange payload response
    vhost="$(jm_urlencode "$1")"
    exchange="$(jm_urlencode "$2")"
    # The management API takes the body as a JSON string: escape backslashes and quotes, join the lines.
    payload="$(sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' "$3" | tr -d '\r' | tr '\n' ' ')"
    response="$(jm_rabbitmq_api POST "/exchanges/$vhost/$exchange/publish" \
        "{\"properties\":{\"content_type\":\"application/json\",\"delivery_mode\":2},\"routing_key\":\"\",\"payload\":\"$payload\",\"payload_encoding\":\"string\"}")" ||
        return 1
    case "$response" in
        *'"routed":true'*) return 0 ;;
        *) jm_log "published to $2 but nothing is bound to it: $response"; return 1 ;;
    esac
}

jm_urlencode() {
    local s="$1" out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c="${s:i:1}"
        case "$c" in
            [A-Za-z0-9._~-]) out+="$c" ;;
            *) out+="$(printf '%%%02X' "'$c")" ;;
        esac
    done
    printf '%s' "$out"
}

jm_uuid() {
    if [ -r /proc/sys/kernel/random/uuid ]; then cat /proc/sys/kernel/random/uuid; else uuidgen | tr 'A-Z' 'a-z'; fi
}

# jm_utc_in SECONDS: an ISO 8601 UTC instant that many seconds from now (GNU or BSD date).
jm_utc_in() {
    date -u -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null ||
        date -u -r "$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ
}

# Debian's chromium for the browser tests: Playwright drives it by path (its own browser download cannot work here).
# Without it the browser tests skip (fail with JOBMONITOR_REQUIRE_SERVICES=1).
jm_chromium_ensure() {
    [ -x /usr/bin/chromium ] && return 0
    if ! command -v apt-get >/dev/null; then
        jm_log "no chromium and no apt-get: the browser tests will skip"
        return 0
    fi
    jm_apt_ensure chromium || jm_log "chromium could not be installed: the browser tests will skip"
}

# Finds dotnet when PATH lacks it (a CI shell without the login profile).
jm_ensure_dotnet() {
    command -v dotnet >/dev/null && return 0
    local dir
    for dir in "$HOME/.dotnet" /usr/share/dotnet /usr/lib/dotnet; do
        if [ -x "$dir/dotnet" ]; then
            export PATH="$dir:$PATH"
            return 0
        fi
    done
    jm_die "dotnet (the .NET 10 SDK) is not installed"
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The fault suite's own servers (JOBMONITOR_FAULT_SUITE=1).
# shellcheck source=scripts/lib/fault-servers.sh
source "$(dirname "${BASH_SOURCE[0]}")/fault-servers.sh"
