#!/usr/bin/env python3
"""Figures of bench/sip-load.sh from the engine's statistics, the script's snapshots and sipp's files.

  sip-load-report.py step RUN_DIR N      one capacity step (writes RUN_DIR/step-N.json, prints a line)
  sip-load-report.py rate RUN_DIR R      one setup-rate test (writes RUN_DIR/rate-R.json)
  sip-load-report.py summary OUT_DIR     medians over runs, per configuration, as Markdown
"""
import glob
import json
import os
import statistics
import sys

LOSS_LIMIT = 0.1       # % of packets
JITTER_LIMIT = 5.0     # ms added
CPU_LIMIT = 100.0      # % of the engine's one core
CLK_TCK = os.sysconf("SC_CLK_TCK")


def read_jsonl(path):
    with open(path, encoding="utf-8-sig") as f:
        return [json.loads(line) for line in f if line.strip()]


def snapshots(run_dir, label):
    snaps = {s["label"]: s for s in read_jsonl(os.path.join(run_dir, "snapshots.jsonl"))}
    return snaps[f"{label}-start"], snaps[f"{label}-end"]


def cpu_percent(start, end, key):
    seconds = (end["unix_ms"] - start["unix_ms"]) / 1000
    return (end[key] - start[key]) / CLK_TCK / seconds * 100


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(-(-q * len(values) // 1)) - 1))]


def sipp_stats(path):
    """Last line of sipp's -trace_stat file as a dict."""
    try:
        with open(path, encoding="latin-1") as f:
            lines = [l.rstrip("\n") for l in f if l.strip()]
        return dict(zip(lines[0].split(";"), lines[-1].split(";")))
    except (OSError, IndexError):
        return {}


def step(run_dir, n):
    start, end = snapshots(run_dir, f"step{n}")
    lines = [l for l in read_jsonl(os.path.join(run_dir, "engine-stats.jsonl")) if start["unix_ms"] <= l["unix_ms"] <= end["unix_ms"]]
    first, last = lines[0], lines[-1]
    seconds = (last["unix_ms"] - first["unix_ms"]) / 1000
    received = last["rtp_received"] - first["rtp_received"]
    sent = last["rtp_sent"] - first["rtp_sent"]
    lost = last["rtp_lost"] - first["rtp_lost"]
    engine_cpu = cpu_percent(start, end, "engine_ticks")
    calls = min(l["active_legs"] for l in lines) / 2
    jin = statistics.median(l["jitter_inbound_mean_ms"] for l in lines)
    jout = statistics.median(l["jitter_outbound_mean_ms"] for l in lines)
    jout_p99 = max(l["jitter_outbound_p99_ms"] for l in lines)
    drops = end["engine_drops"] - start["engine_drops"]
    uas_drops = end.get("uas_drops", 0) - start.get("uas_drops", 0)
    # Loss by direction, from the live legs (constant during the window). Inbound legs: caller → engine, where a gap
    # means the engine's socket overflowed (or sipp's sender skipped). Outbound legs receive the echo of what the engine
    # relayed, so their gaps include the agent sipp's own socket drops, which are subtracted.
    in_rx = last["live_inbound_received"] - first["live_inbound_received"]
    in_lost = last["live_inbound_lost"] - first["live_inbound_lost"]
    out_rx = last["live_outbound_received"] - first["live_outbound_received"]
    out_lost = last["live_outbound_lost"] - first["live_outbound_lost"]
    loss_in = in_lost / (in_rx + in_lost) * 100 if in_rx + in_lost else 0.0
    loss_echo_raw = out_lost / (out_rx + out_lost) * 100 if out_rx + out_lost else 0.0
    loss_echo = max(0, out_lost - uas_drops) / (out_rx + out_lost) * 100 if out_rx + out_lost else 0.0
    loss = max(loss_in, loss_echo)
    stats = sipp_stats(os.path.join(run_dir, f"uac-step{n}.csv"))
    result = {
        "n": n,
        "calls": calls,
        "recording_legs": min(l["recording_legs"] for l in lines),
        "engine_cpu_pct": round(engine_cpu, 1),
        "cpu_ms_per_call_s": round(engine_cpu * 10 / calls, 3) if calls else None,  # ms of CPU per call per second
        "us_per_relayed_packet": round(engine_cpu / 100 * 1e6 / (sent / seconds), 2) if sent else None,
        "rtp_in_pps": round(received / seconds),
        "rtp_out_pps": round(sent / seconds),
        "loss_pct": round(loss, 4),
        "loss_in_pct": round(loss_in, 4),
        "loss_echo_pct": round(loss_echo, 4),
        "loss_echo_raw_pct": round(loss_echo_raw, 4),
        "uas_drops": uas_drops,
        "kernel_drops": drops,
        "jitter_in_ms": jin,
        "jitter_echo_ms": jout,
        "jitter_added_ms": round(jout - jin, 3),
        "jitter_echo_p99_ms": jout_p99,
        "uac_cpu_pct": round(cpu_percent(start, end, "uac_ticks"), 1),
        "uas_cpu_pct": round(cpu_percent(start, end, "uas_ticks"), 1),
        "engine_rss_mb": round(end["engine_rss_kb"] / 1024, 1),
        "failed_calls": int(stats.get("FailedCall(C)", "0") or 0),
        "thread_pool_queue_max": max(l["thread_pool_queue"] for l in lines),
    }
    result["sipp_saturated"] = result["uac_cpu_pct"] + result["uas_cpu_pct"] > 90
    result["pass"] = (calls >= n and loss < LOSS_LIMIT and result["jitter_added_ms"] < JITTER_LIMIT
                      and engine_cpu < CPU_LIMIT and result["failed_calls"] == 0)
    with open(os.path.join(run_dir, f"step-{n}.json"), "w") as f:
        json.dump(result, f)
    print(f"   step {n}: {calls:.0f} calls up, engine CPU {engine_cpu:.0f} %, {result['cpu_ms_per_call_s']} ms CPU/call/s, "
          f"{result['us_per_relayed_packet']} µs/packet, loss caller→engine {loss_in:.3f} %, echo path {loss_echo:.3f} % "
          f"({loss_echo_raw:.3f} % before subtracting {uas_drops} sipp-UAS drops; engine socket drops {drops}), jitter in {jin} ms / echo {jout} ms, "
          f"sipp UAC {result['uac_cpu_pct']} % UAS {result['uas_cpu_pct']} %, RSS {result['engine_rss_mb']} MB → {'PASS' if result['pass'] else 'FAIL'}")


def rate(run_dir, r):
    start, end = snapshots(run_dir, f"rate{r}")
    rtts = []
    stamps = []
    rtt_file = os.path.join(run_dir, f"uac-rate{r}-rtt.csv")
    if os.path.exists(rtt_file):
        with open(rtt_file, encoding="latin-1") as f:
            for line in f.readlines()[1:]:
                parts = line.strip().split(";")
                if len(parts) >= 2:
                    stamps.append(float(parts[0]))
                    rtts.append(float(parts[1]))
    stats = sipp_stats(os.path.join(run_dir, f"uac-rate{r}.csv"))
    # The engine's own setup times (INVITE parsed → 200 OK sent) inside the window.
    lines = read_jsonl(os.path.join(run_dir, "engine-stats.jsonl"))
    offset = lines[0]["unix_ms"] - lines[0]["t"] * 1000
    setups = []
    with open(os.path.join(run_dir, "engine-setup.csv"), encoding="utf-8-sig") as f:
        for line in f.readlines()[1:]:
            t, ms = (float(x) for x in line.split(","))
            if start["unix_ms"] - 2000 <= offset + t * 1000 <= end["unix_ms"]:
                setups.append((t, ms))
    span = (setups[-1][0] - setups[0][0]) if len(setups) > 1 else 0
    result = {
        "rate": r,
        "successful": int(stats.get("SuccessfulCall(C)", "0") or 0),
        "failed": int(stats.get("FailedCall(C)", "0") or 0),
        "achieved_per_s": round((len(setups) - 1) / span, 1) if span else None,
        "sipp_p50_ms": percentile(rtts, 0.5),
        "sipp_p99_ms": percentile(rtts, 0.99),
        "sipp_max_ms": max(rtts) if rtts else None,
        "engine_p50_ms": round(percentile([m for _, m in setups], 0.5) or 0, 2),
        "engine_p99_ms": round(percentile([m for _, m in setups], 0.99) or 0, 2),
        "engine_cpu_pct": round(cpu_percent(start, end, "engine_ticks"), 1),
        "uac_cpu_pct": round(cpu_percent(start, end, "uac_ticks"), 1),
    }
    result["pass"] = bool(result["achieved_per_s"] and result["achieved_per_s"] >= 0.95 * r and result["failed"] == 0
                          and result["sipp_p99_ms"] is not None and result["sipp_p99_ms"] < 100)
    with open(os.path.join(run_dir, f"rate-{r}.json"), "w") as f:
        json.dump(result, f)
    print(f"   rate {r}/s: {result['successful']} ok, {result['failed']} failed, achieved {result['achieved_per_s']}/s, "
          f"sipp INVITE→200 p50 {result['sipp_p50_ms']} ms p99 {result['sipp_p99_ms']} ms, engine p50 {result['engine_p50_ms']} ms "
          f"p99 {result['engine_p99_ms']} ms, engine CPU {result['engine_cpu_pct']} % → {'PASS' if result['pass'] else 'FAIL'}")


def med(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def summary(out):
    configs = sorted({os.path.basename(d).split("-")[0] for d in glob.glob(os.path.join(out, "inline*-run*"))})
    print(f"# sip-load results ({out})\n")
    print(f"Pass: < {LOSS_LIMIT} % loss, < {JITTER_LIMIT} ms added jitter, engine CPU < {CPU_LIMIT:.0f} % of its core, all calls up.\n")
    for config in configs:
        runs = sorted(glob.glob(os.path.join(out, f"{config}-run*")))
        mode = "on" if config == "inline1" else "off"
        print(f"## DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS {mode} — medians of {len(runs)} run(s)\n")
        print("| calls | engine CPU % | CPU ms/call/s | µs/relayed pkt | RTP in+out pps | loss % in / echo (raw) | jitter in/echo ms | added ms | sipp UAC/UAS CPU % | RSS MB | pass (runs) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        steps = sorted({int(os.path.basename(p)[5:-5]) for r in runs for p in glob.glob(os.path.join(r, "step-*.json"))})
        best = None
        for n in steps:
            rs = [json.load(open(p)) for r in runs for p in glob.glob(os.path.join(r, f"step-{n}.json"))]
            passes = sum(1 for x in rs if x["pass"])
            m = {k: med([x[k] for x in rs]) for k in rs[0] if isinstance(rs[0][k], (int, float)) and not isinstance(rs[0][k], bool)}
            if passes * 2 > len(rs):
                best = n
            print(f"| {n} | {m['engine_cpu_pct']:.0f} | {m['cpu_ms_per_call_s']:.2f} | {m['us_per_relayed_packet']:.1f} | "
                  f"{m['rtp_in_pps'] + m['rtp_out_pps']:.0f} | {m['loss_in_pct']:.3f} / {m['loss_echo_pct']:.3f} ({m['loss_echo_raw_pct']:.3f}) | {m['jitter_in_ms']:.2f}/{m['jitter_echo_ms']:.2f} | "
                  f"{m['jitter_added_ms']:.2f} | {m['uac_cpu_pct']:.0f}/{m['uas_cpu_pct']:.0f} | {m['engine_rss_mb']:.0f} | {passes}/{len(rs)} |")
        print(f"\nMost concurrent bridged, recorded calls passing (majority of runs): **{best}**\n")
        rates = sorted({int(os.path.basename(p)[5:-5]) for r in runs for p in glob.glob(os.path.join(r, "rate-*.json"))})
        if rates:
            print("| offered calls/s | achieved/s | failed | sipp INVITE→200 p50 / p99 ms | engine INVITE→200 p50 / p99 ms | engine CPU % | pass (runs) |")
            print("|---|---|---|---|---|---|---|")
            for r in rates:
                rs = [json.load(open(p)) for run in runs for p in glob.glob(os.path.join(run, f"rate-{r}.json"))]
                m = {k: med([x[k] for x in rs]) for k in rs[0] if isinstance(rs[0][k], (int, float)) and not isinstance(rs[0][k], bool)}
                print(f"| {r} | {m['achieved_per_s']} | {m['failed']} | {m['sipp_p50_ms']} / {m['sipp_p99_ms']} | "
                      f"{m['engine_p50_ms']} / {m['engine_p99_ms']} | {m['engine_cpu_pct']} | {sum(1 for x in rs if x['pass'])}/{len(rs)} |")
            print()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "step":
        step(sys.argv[2], int(sys.argv[3]))
    elif mode == "rate":
        rate(sys.argv[2], int(sys.argv[3]))
    else:
        summary(sys.argv[2])
