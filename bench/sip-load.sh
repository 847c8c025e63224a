#!/usr/bin/env bash
# Load test of the telephony engine with bridged, recorded calls (see README, Performance → Telephony engine).
#
#   bench/sip-load.sh [--steps "200 400 500 600 700 800"] [--hold 20] [--runs 1] [--inline "1 0"]
#                     [--rates "50 100"] [--rate-seconds 20] [--no-record] [--out DIR] [--quick]
#
# The engine (bench/Lawline.SipBench `engine` mode) runs pinned to core 0; a sipp UAS that echoes RTP (the agent)
# and a sipp UAC that streams a looped A-law WAV at 50 pps (the caller) run pinned to core 1. Every call:
# caller → engine (inbound leg) → engine originates to the UAS (outbound leg) → bridged, recorded to a stereo WAV.
# RTP flows caller → engine → UAS → (echo) → engine → caller for the whole call.
#
# Capacity: for each step N the UAC sets up N calls (100/s), all are held for --hold seconds of measurement, then
# hung up. Setup rate: --rates calls/s of 3 s calls for --rate-seconds. Each configuration (--inline: value of
# DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS) is run --runs times; the report gives medians.
set -euo pipefail

steps="200 400 500 600 700 800"
hold=20
runs=1
inline_modes="1 0"
rates="50 100"
rate_seconds=20
record=1
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --hold) hold="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --inline) inline_modes="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --rate-seconds) rate_seconds="$2"; shift 2 ;;
    --no-record) record=0; shift ;;
    --out) out="$2"; shift 2 ;;
    --quick) steps="100 300"; hold=8; rates="50"; rate_seconds=8; inline_modes="1"; shift ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${out:-$here/results/sip-load-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
for tool in sipp taskset sox python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "needs $tool (sipp: apt-get install sip-tester; sox: apt-get install sox)" >&2; exit 2; }
done
[[ $(nproc) -ge 2 ]] || { echo "needs 2 cores (engine on core 0, sipp on core 1)" >&2; exit 2; }

echo "== building Release"
dotnet build -c Release "$root/bench/Lawline.SipBench" -v q -nologo 2>&1 | grep -E "error|Warn|Elapsed" || true
engine_exe="$root/bench/Lawline.SipBench/bin/Release/net10.0/Lawline.SipBench"
[[ -x "$engine_exe" ]] || { echo "build failed" >&2; exit 1; }

sip_port=5080; uas_port=5090; uac_port=5061
# Engine RTP 20000-39999; sipp UAS echo on 44000; UAC per-call rtp_stream sockets from 46002 up.
sox -n -r 8000 -c 1 -e a-law "$out/stream.wav" synth 10 sine 300-900 gain -6
sed "s|@STREAM_FILE@|$out/stream.wav|" "$here/sipp/uac-stream.xml" > "$out/uac-stream.xml"
cp "$here/sipp/uas-echo.xml" "$out/uas-echo.xml"

pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# CPU ticks (utime+stime, 1/100 s) of a process.
ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# Datagrams dropped by the kernel on the engine's sockets (receive buffer full): the "drops" column of /proc/net/udp
# for local ports 5080 and 20000-39999.
engine_drops() {
  udp_drops '$1 == sip || ($1 >= 20000 && $1 < 40000)'
}
# The sipp agent's echo socket: datagrams it dropped are lost by the load generator, not by the engine.
uas_drops() { udp_drops '$1 == 44000 || $1 == 44002'; }
udp_drops() { # awk condition on port ($1)
  awk -v sip="$sip_port" 'function hex(s,  i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1; return n }
       NR>1 { split($2, a, ":"); print hex(a[2]), $13 }' /proc/net/udp | awk -v sip="$sip_port" "$1 { d += \$2 } END { print d+0 }"
}
now_ms() { date +%s%3N; }
snapshot() { # label engine_pid uac_pid uas_pid
  echo "{\"label\":\"$1\",\"unix_ms\":$(now_ms),\"engine_ticks\":$(ticks "$2"),\"uac_ticks\":$(ticks "$3"),\"uas_ticks\":$(ticks "$4"),\"engine_rss_kb\":$(rss_kb "$2"),\"uac_rss_kb\":$(rss_kb "$3"),\"engine_drops\":$(engine_drops),\"uas_drops\":$(uas_drops),\"udp_rcvbuf_errors\":$(awk '/^Udp: [0-9]/{print $6}' /proc/net/snmp)}"
}
last_active_legs() { tail -n 1 "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.read() or "{}").get("active_legs", -1))' 2>/dev/null || echo -1; }

uac() { # calls rate hold_ms limit tag  → runs sipp UAC in background on core 1; its pid in $uac_pid
  local calls=$1 rate=$2 hold_ms=$3 limit=$4 tag=$5
  (cd "$run_dir" && exec taskset -c 1 sipp -sf "$out/uac-stream.xml" -i 127.0.0.1 -mi 127.0.0.1 -p $uac_port -mp 46000 -cp 8891 \
    -s 12348 -m "$calls" -l "$limit" -r "$rate" -d "$hold_ms" -nostdin -max_socket 4000 \
    -recv_timeout 20000 -trace_stat -stf "$run_dir/uac-$tag.csv" -fd 1 -trace_rtt -rtt_freq 1 \
    -trace_err -error_file "$run_dir/uac-$tag-errors.log" \
    127.0.0.1:$sip_port > "$run_dir/uac-$tag.out" 2>&1) &
  uac_pid=$!
}
wait_idle() { # wait until the engine reports no legs (up to 20 s)
  for _ in $(seq 1 40); do
    [[ "$(last_active_legs "$run_dir/engine-stats.jsonl")" == "0" ]] && return 0
    sleep 0.5
  done
  echo "   (engine still has legs after 20 s)"
}

for inline in $inline_modes; do
  for run in $(seq 1 "$runs"); do
    run_dir="$out/inline$inline-run$run"
    mkdir -p "$run_dir"
    echo "== configuration INLINE_COMPLETIONS=$inline, run $run → $run_dir"
    record_flag=(); [[ $record == 1 ]] || record_flag=(--no-record)
    DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=$inline DOTNET_gcServer=0 taskset -c 0 "$engine_exe" engine \
      --port $sip_port --target "sip:agent@127.0.0.1:$uas_port" --rtp-min 20000 --rtp-max 39999 \
      --stats "$run_dir/engine-stats.jsonl" --setup-times "$run_dir/engine-setup.csv" "${record_flag[@]}" \
      > "$run_dir/engine.out" 2>&1 &
    engine_pid=$!; pids+=("$engine_pid")
    taskset -c 1 sipp -sf "$out/uas-echo.xml" -i 127.0.0.1 -mi 127.0.0.1 -p $uas_port -mp 44000 -rtp_echo -rtp_buffsize 4194304 -cp 8890 \
      -nostdin -m 10000000 -max_socket 4000 -trace_err -error_file "$run_dir/uas-errors.log" > "$run_dir/uas.out" 2>&1 &
    uas_pid=$!; pids+=("$uas_pid")
    sleep 2
    : > "$run_dir/snapshots.jsonl"

    # Warm-up (JIT, thread pool, port allocator): 50 calls of 5 s.
    uac 50 50 5000 50 warmup; wait "$uac_pid" || true; wait_idle

    for n in $steps; do
      ramp=$(( (n + 99) / 100 ))
      settle=4
      hold_ms=$(( (ramp + settle + hold + 2) * 1000 ))
      uac "$n" 100 "$hold_ms" "$n" "step$n"; p=$uac_pid
      sleep $(( ramp + settle ))
      snapshot "step$n-start" "$engine_pid" "$p" "$uas_pid" >> "$run_dir/snapshots.jsonl"
      sleep "$hold"
      snapshot "step$n-end" "$engine_pid" "$p" "$uas_pid" >> "$run_dir/snapshots.jsonl"
      wait "$p" || true
      wait_idle
      python3 "$here/sip-load-report.py" step "$run_dir" "$n" || true
    done

    for r in $rates; do
      calls=$(( r * rate_seconds ))
      uac "$calls" "$r" 3000 100000 "rate$r"; p=$uac_pid
      sleep 1
      snapshot "rate$r-start" "$engine_pid" "$p" "$uas_pid" >> "$run_dir/snapshots.jsonl"
      # The end snapshot just before the UAC exits (its /proc entry is gone afterwards).
      sleep $(( rate_seconds + 2 ))
      snapshot "rate$r-end" "$engine_pid" "$p" "$uas_pid" >> "$run_dir/snapshots.jsonl"
      wait "$p" || true
      mv "$run_dir"/uac-stream_"$p"_rtt.csv "$run_dir/uac-rate$r-rtt.csv" 2>/dev/null || true
      wait_idle
      python3 "$here/sip-load-report.py" rate "$run_dir" "$r" || true
    done

    kill -TERM "$engine_pid" "$uas_pid" 2>/dev/null || true
    wait "$engine_pid" 2>/dev/null || true
    wait "$uas_pid" 2>/dev/null || true
    tail -n 2 "$run_dir/engine.out"
  done
done

python3 "$here/sip-load-report.py" summary "$out" | tee "$out/summary.md"
