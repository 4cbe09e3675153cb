#!/usr/bin/env python3
"""Checks the fleet files in packaging/ against the source tree and the built binary.

  fleet_check.py manifest SRC_DIR HANGSCOPE  the DaemonSet YAML parses; the pod has hostPID, is
                                              not privileged, drops every capability and adds
                                              only BPF, PERFMON and SYSLOG; it mounts the BTF;
                                              it runs `hangscope watch` with options that
                                              `hangscope watch --help` lists
  fleet_check.py metrics SRC_DIR              every hangscope_* metric the alert rules use is
                                              one src/watch/metrics.cc writes

Exit 0 when all checks pass, 1 with one line per failure.
"""
import os
import re
import subprocess
import sys

import yaml

MANIFEST = "packaging/kubernetes/hangscope-daemonset.yaml"
RULES = "packaging/prometheus/hangscope-alerts.yml"


def check_manifest(src, hangscope):
    failures = []
    docs = list(yaml.safe_load_all(open(os.path.join(src, MANIFEST))))
    ds = [d for d in docs if d and d.get("kind") == "DaemonSet"]
    if len(ds) != 1:
        return ["%s: expected one DaemonSet, found %d" % (MANIFEST, len(ds))]
    pod = ds[0]["spec"]["template"]["spec"]
    if pod.get("hostPID") is not True:
        failures.append("the pod must set hostPID: true (it traces the node's tasks)")
    if pod.get("automountServiceAccountToken") is not False:
        failures.append("the pod must not mount a service account token")
    labels = ds[0]["spec"]["template"]["metadata"]["labels"]
    if ds[0]["spec"]["selector"]["matchLabels"].items() - labels.items():
        failures.append("the selector does not match the pod template's labels")
    containers = pod.get("containers", [])
    if len(containers) != 1:
        return failures + ["expected one container, found %d" % len(containers)]
    c = containers[0]
    sc = c.get("securityContext", {})
    if sc.get("privileged", False):
        failures.append("the container must not be privileged")
    if sc.get("allowPrivilegeEscalation") is not False:
        failures.append("allowPrivilegeEscalation must be false")
    caps = sc.get("capabilities", {})
    if caps.get("drop") != ["ALL"]:
        failures.append("capabilities must drop ALL, found %r" % caps.get("drop"))
    if sorted(caps.get("add", [])) != ["BPF", "PERFMON", "SYSLOG"]:
        failures.append("capabilities must add exactly BPF, PERFMON, SYSLOG, found %r"
                        % caps.get("add"))
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
    btf = mounts.get("/sys/kernel/btf")
    if not btf or not btf.get("readOnly"):
        failures.append("/sys/kernel/btf must be mounted read-only")
    elif volumes.get(btf["name"], {}).get("hostPath", {}).get("path") != "/sys/kernel/btf":
        failures.append("the BTF mount must come from the node's /sys/kernel/btf")
    for m in mounts.values():
        if m["name"] not in volumes:
            failures.append("mount %s names no volume" % m["mountPath"])
    args = c.get("args", [])
    if not args or args[0] != "watch":
        return failures + ["the container must run `hangscope watch`, args are %r" % args]
    help_text = subprocess.run([hangscope, "watch", "--help"], capture_output=True, text=True,
                               timeout=30).stdout
    known = set(re.findall(r"(--[a-z][a-z0-9-]*)", help_text))
    for a in args[1:]:
        flag = a.split("=", 1)[0]
        if flag.startswith("--") and flag not in known:
            failures.append("the container passes %s, which `hangscope watch --help` does not "
                            "list" % flag)
    for a in args[1:]:  # paths the pod writes must be mounted
        if a.startswith(("--record=", "--prometheus=")):
            path = a.split("=", 1)[1]
            if not any(path == p or path.startswith(p.rstrip("/") + "/") for p in mounts):
                failures.append("%s is not on a mounted volume" % a)
    return failures


def check_metrics(src):
    rules = open(os.path.join(src, RULES)).read()
    code = open(os.path.join(src, "src/watch/metrics.cc")).read()
    written = set(re.findall(r"\b(hangscope_watch_[a-z_]+)", code))
    used = set(re.findall(r"\b(hangscope_watch_[a-z_]+)", rules))
    if not used:
        return ["%s uses no hangscope metric" % RULES]
    return ["%s uses %s, which src/watch/metrics.cc does not write" % (RULES, m)
            for m in sorted(used - written)]


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("manifest", "metrics"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if sys.argv[1] == "manifest":
        if len(sys.argv) != 4:
            print("fleet_check.py manifest SRC_DIR HANGSCOPE", file=sys.stderr)
            return 2
        failures = check_manifest(sys.argv[2], sys.argv[3])
    else:
        failures = check_metrics(sys.argv[2])
    for f in failures:
        print("FAIL: " + f)
    print("fleet_check %s: %d failure(s)" % (sys.argv[1], len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
