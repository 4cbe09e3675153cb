#!/bin/sh
# Diagnostic scenario (not in ctest): loads hangscope's BPF object with bpftool's verbose log.
# Run: HANGSCOPE_VM_EXTRA="build/bpf/scan.bpf.o /usr/sbin/bpftool" tests/vm/run-scenario.sh \
#        build/hangscope /tmp/vmw bpf_diag   (bpftool's libcap must then be added too; see README)
mount -t bpf bpf /sys/fs/bpf
/bpftool -d prog loadall /scan.bpf.o /sys/fs/bpf/hs >/out/bpftool.log 2>&1
echo $? >/out/bpftool.rc
/bin/hangscope scan --json >/out/scan.json 2>/out/scan.err
exit 0
