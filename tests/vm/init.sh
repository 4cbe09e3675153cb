#!/bin/sh
# /init of the hangscope VM test guest (busybox, PID 1).
# Loads the virtio modules, runs /scenario.sh with a hard time limit (hs.limit=SECONDS on the
# kernel command line), writes a tar of /out onto the raw virtio disk /dev/vda and powers off
# WITHOUT sync (-n): a scenario may have leaked s_umount, and sync(2) would then hang forever.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mkdir -p /out /tmp
echo "hs-vm: init up after $(cut -d' ' -f1 /proc/uptime) s"

for m in $(cat /lib/modules/load-order); do
  insmod "/lib/modules/$m" || echo "hs-vm: insmod $m failed"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if [ -b /dev/vda ]; then
  echo "hs-vm: /dev/vda ready after $(cut -d' ' -f1 /proc/uptime) s"
else
  echo "hs-vm: no /dev/vda after 30 s: results cannot be returned"
  cat /proc/partitions; ls /sys/bus/virtio/devices /sys/bus/pci/devices; lsmod
fi

limit=120
for arg in $(cat /proc/cmdline); do
  case "$arg" in hs.limit=*) limit="${arg#hs.limit=}" ;; esac
done

# The scenario runs in the background; init keeps control even if the scenario blocks in D.
(sh /scenario.sh >/out/scenario.log 2>&1; echo $? >/out/scenario.rc.tmp; mv /out/scenario.rc.tmp /out/scenario.rc) &
start=$(cut -d. -f1 /proc/uptime)
while [ ! -e /out/scenario.rc ]; do
  now=$(cut -d. -f1 /proc/uptime)
  if [ $((now - start)) -ge "$limit" ]; then
    echo "scenario exceeded ${limit}s" >/out/guest-timeout
    echo "hs-vm: scenario exceeded ${limit}s, collecting what exists"
    break
  fi
  sleep 0.5
done
echo "hs-vm: scenario finished (rc $(cat /out/scenario.rc 2>/dev/null || echo none)) at $(cut -d' ' -f1 /proc/uptime) s"
dmesg >/out/dmesg.txt 2>&1
cut -d' ' -f1 /proc/uptime >/out/uptime
[ -b /dev/vda ] || for i in $(seq 1 50); do [ -b /dev/vda ] && break; sleep 0.2; done
if [ -b /dev/vda ]; then
  (cd /out && tar -cf - .) | dd of=/dev/vda bs=65536 conv=notrunc,fsync 2>/dev/null
else
  echo "hs-vm: no /dev/vda: no results"
fi
echo "hs-vm: results written, powering off"
poweroff -n -f
