# shellcheck shell=bash
# The fault suite's own servers (JOBMONITOR_FAULT_SUITE=1), sourced by services.sh.
# The fault suite stops and starts its broker and database: never the shared ones of services.sh, which other tests use.
# It gets a second RabbitMQ node and a second PostgreSQL cluster on this machine, local only (no Docker).
#   JM_FAULTS_RABBIT_NODE / JM_FAULTS_RABBIT_PORT / JM_FAULTS_RABBIT_API_PORT / JM_FAULTS_RABBIT_DIST_PORT
#   JM_FAULTS_PG_CLUSTER / JM_FAULTS_PG_PORT
JM_FAULTS_RABBIT_NODE="${JM_FAULTS_RABBIT_NODE:-jmfaults@localhost}"
JM_FAULTS_RABBIT_PORT="${JM_FAULTS_RABBIT_PORT:-5673}"
JM_FAULTS_RABBIT_API_PORT="${JM_FAULTS_RABBIT_API_PORT:-15673}"
JM_FAULTS_RABBIT_DIST_PORT="${JM_FAULTS_RABBIT_DIST_PORT:-25673}"
# Named to sort after "main": a copy of jm_postgres_local_start older than its filter still takes "main".
JM_FAULTS_PG_CLUSTER="${JM_FAULTS_PG_CLUSTER:-main-faults}"
JM_FAULTS_PG_PORT="${JM_FAULTS_PG_PORT:-5434}"

# A RabbitMQ node of its own: its own name, ports, data, logs, plugins (management, shovel) and configuration.
jm_faults_rabbitmq_start() {
    local base="/var/lib/rabbitmq/${JM_FAULTS_RABBIT_NODE%@*}"
    if ! jm_port_open 127.0.0.1 "$JM_FAULTS_RABBIT_PORT"; then
        jm_root install -d -o rabbitmq -g rabbitmq "$base" "$base/log"
        printf '[rabbitmq_management,rabbitmq_shovel,rabbitmq_shovel_management].\n' | jm_root tee "$base/enabled_plugins" >/dev/null
        printf 'listeners.tcp.default = %s\nmanagement.tcp.port = %s\n' \
            "$JM_FAULTS_RABBIT_PORT" "$JM_FAULTS_RABBIT_API_PORT" | jm_root tee "$base/rabbitmq.conf" >/dev/null
        jm_root chown rabbitmq:rabbitmq "$base/enabled_plugins" "$base/rabbitmq.conf"
        if jm_root timeout 30 rabbitmqctl -n "$JM_FAULTS_RABBIT_NODE" ping >/dev/null 2>&1; then
            # The node runs with its RabbitMQ application stopped: a fault row was interrupted during its outage.
            jm_log "starting the RabbitMQ application of node $JM_FAULTS_RABBIT_NODE (stopped by an interrupted fault row)"
            jm_root timeout 120 rabbitmqctl -n "$JM_FAULTS_RABBIT_NODE" start_app >/dev/null
        else
            jm_log "starting RabbitMQ node $JM_FAULTS_RABBIT_NODE on port $JM_FAULTS_RABBIT_PORT (fault suite)"
            jm_faults_rabbitmq_env rabbitmq-server -detached
        fi
        jm_wait_port 127.0.0.1 "$JM_FAULTS_RABBIT_PORT" 180 "RabbitMQ node $JM_FAULTS_RABBIT_NODE"
        jm_root timeout 120 rabbitmqctl -n "$JM_FAULTS_RABBIT_NODE" await_startup >/dev/null
    fi
    jm_wait_port 127.0.0.1 "$JM_FAULTS_RABBIT_API_PORT" 60 "RabbitMQ management of $JM_FAULTS_RABBIT_NODE"
}

# Runs a command as root with the fault node's RabbitMQ environment (the Debian wrapper keeps it through su).
jm_faults_rabbitmq_env() {
    local base="/var/lib/rabbitmq/${JM_FAULTS_RABBIT_NODE%@*}"
    jm_root env RABBITMQ_NODENAME="$JM_FAULTS_RABBIT_NODE" RABBITMQ_NODE_PORT="$JM_FAULTS_RABBIT_PORT" \
        RABBITMQ_DIST_PORT="$JM_FAULTS_RABBIT_DIST_PORT" RABBITMQ_MNESIA_BASE="$base/mnesia" \
        RABBITMQ_LOG_BASE="$base/log" RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins" \
        RABBITMQ_CONFIG_FILE="$base/rabbitmq.conf" RABBITMQ_PID_FILE="$base/pid" "$@"
}

# The newest installed PostgreSQL: the version the fault suite's cluster runs.
jm_faults_postgres_version() {
    ls /usr/lib/postgresql | sort -n | tail -n 1
}

# A PostgreSQL cluster of its own, with the same role as the shared one. Prints nothing on stdout: pg_ctlcluster's
# own chatter ("Removed stale pid file.") once ended up in the cluster name the fault suite stops and starts.
jm_faults_postgres_start() {
    local version status
    version="$(jm_faults_postgres_version)"
    if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$JM_FAULTS_PG_CLUSTER"; then
        jm_log "creating PostgreSQL $version cluster '$JM_FAULTS_PG_CLUSTER' on port $JM_FAULTS_PG_PORT (fault suite)"
        jm_root pg_createcluster "$version" "$JM_FAULTS_PG_CLUSTER" --port "$JM_FAULTS_PG_PORT" >&2
        # Two or three service instances, each with its Npgsql pool and Hangfire workers.
        jm_root pg_conftool "$version" "$JM_FAULTS_PG_CLUSTER" set max_connections 300
    fi
    status="$(pg_lsclusters -h | awk -v c="$JM_FAULTS_PG_CLUSTER" '$2 == c {print $4}')"
    [ "$status" = online ] || jm_root pg_ctlcluster "$version" "$JM_FAULTS_PG_CLUSTER" start >&2
    local deadline=$((SECONDS + 60))
    until pg_isready -q -h localhost -p "$JM_FAULTS_PG_PORT"; do
        [ "$SECONDS" -lt "$deadline" ] || jm_die "PostgreSQL '$JM_FAULTS_PG_CLUSTER' did not accept connections within 60 s"
        sleep 1
    done
    JM_PG_PORT="$JM_FAULTS_PG_PORT" jm_postgres_local_ensure_role >&2
}

# Starts both and exports what the fault suite (tests/JobMonitor.FaultTests) and 'bench --faults' read.
jm_faults_services_up() {
    local cluster
    jm_apt_ensure postgresql rabbitmq-server curl
    jm_faults_postgres_start
    cluster="$(jm_faults_postgres_version) $JM_FAULTS_PG_CLUSTER"
    jm_faults_rabbitmq_start
    export JOBMONITOR_FAULT_POSTGRES="${JOBMONITOR_FAULT_POSTGRES:-Host=localhost;Port=$JM_FAULTS_PG_PORT;Username=$JM_PG_USER;Password=$JM_PG_PASSWORD;Database=postgres}"
    export JOBMONITOR_FAULT_POSTGRES_CLUSTER="${JOBMONITOR_FAULT_POSTGRES_CLUSTER:-$cluster}"
    export JOBMONITOR_FAULT_RABBITMQ="${JOBMONITOR_FAULT_RABBITMQ:-amqp://$JM_RABBIT_USER:$JM_RABBIT_PASSWORD@localhost:$JM_FAULTS_RABBIT_PORT/}"
    export JOBMONITOR_FAULT_RABBITMQ_MANAGEMENT="${JOBMONITOR_FAULT_RABBITMQ_MANAGEMENT:-http://localhost:$JM_FAULTS_RABBIT_API_PORT/}"
    export JOBMONITOR_FAULT_RABBITMQ_NODE="${JOBMONITOR_FAULT_RABBITMQ_NODE:-$JM_FAULTS_RABBIT_NODE}"
    jm_log "fault suite servers up: PostgreSQL localhost:$JM_FAULTS_PG_PORT ($cluster), RabbitMQ $JM_FAULTS_RABBIT_NODE localhost:$JM_FAULTS_RABBIT_PORT"
}
