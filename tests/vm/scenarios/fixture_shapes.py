"""The shape of each fixture's hang as /proc shows it (state, wchan, kernel stack), on 6.18 (the
development host, tests/live) and 6.1 (the VM guest), and the stacked devices in /sys.

fixtures.check.py --shape checks every task of tasks.txt whose fixture has an entry here against
it: the state letter must be one of STATES, the wchan one of WCHANS (compiler-clone suffixes such
as ".part.0" dropped), and each entry of FRAMES must be on the stack (an entry "a|b" accepts
either function: the kernels name some steps differently).
"""
import re

from checklib import check, read

# The write chain (writer1 -> FUSE_WRITE -> daemon; writer2, trunc3 -> i_rwsem) of every halt.
_WRITE_CHAIN = {
    "writer1": ("S", ("request_wait_answer",), ("fuse_perform_write",)),
    "writer2": ("D", ("fuse_file_write_iter",), ("vfs_write",)),
    "trunc3": ("D", ("do_truncate",), ()),
}


def _chain(daemon, **more):
    shapes = dict(_WRITE_CHAIN)
    shapes["daemon"] = daemon
    shapes.update(more)
    return shapes


SHAPES = {
    "loopfuse": {
        "reader": ("D", ("__ext4_find_entry",), ("ext4_lookup", "__lookup_slow")),
        "creator": ("D", ("path_openat",), ("do_filp_open",)),
        # 6.18 reads the backing file in lo_rw_aio; 6.1 in do_iter_read (lo_read_simple inlined).
        "worker": ("S", ("request_wait_answer",),
                   ("fuse_file_read_iter", "lo_rw_aio|do_iter_read", "loop_process_work")),
        "daemon": ("T", ("do_signal_stop",), ()),
    },
    "wbremount": {
        "sync": ("D", ("super_lock", "iterate_supers"), ("ksys_sync",)),
        "remount": ("D", ("wb_wait_for_completion",),
                    ("sync_filesystem", "fuse_reconfigure", "reconfigure_super")),
        "flusher": ("S", ("request_wait_answer",),
                    ("fuse_flush_times", "fuse_write_inode", "writeback_sb_inodes", "wb_workfn")),
        "daemon": ("T", ("do_signal_stop",), ()),
    },
    "loopfrozen": {
        "fsyncer": ("D", ("folio_wait_bit", "folio_wait_bit_common"),
                    ("folio_wait_writeback", "file_write_and_wait_range", "ext4_sync_file")),
        "worker": ("D", ("percpu_rwsem_wait",), ("loop_process_work",)),
    },
    "looptags": {
        "inflight": ("D", ("submit_bio_wait",), ("__blkdev_direct_IO_simple",)),
        "tag_waiter": ("D", ("blk_mq_get_tag",), ("blk_mq_submit_bio", "submit_bio_wait")),
        "worker": ("D", ("folio_wait_bit_common",), ("filemap_read", "loop_process_work")),
    },
    "freeze_v1": _chain(("D", ("__refrigerator",), ("get_signal",))),
    # cgroup v2 freezes in do_freezer_trap (inlined in get_signal): S, not D.
    "freeze_v2": _chain(("S", ("get_signal",), ("arch_do_signal_or_restart",))),
    "ptrace": _chain(("t", ("ptrace_stop",), ("get_signal",)),
                     tracer=("S", ("do_wait",), ("kernel_wait4",))),
    "selfwrite": _chain(("D", ("fuse_file_write_iter",), ("vfs_write",))),
    "spin_quota": _chain(("R", None, ())),
    "spin": _chain(("R", None, ())),
}

# What /sys shows for the stacked devices: fixture -> (loops.txt line pattern, ...).
LOOPS = {
    "loopfuse": (r"backing=\S+/mnt/disk\.img inflight=[1-9]\d* 0 ",),
    "loopfrozen": (r"backing=\S+/lower/upper\.img inflight=0 [1-9]",),
    "looptags": (r"backing=\S+/mnt/disk\.img inflight=4 0 nr_requests=4",),
}


def _base(fn):
    return fn.split(".")[0]


def _stack(out, role):
    """Function names of OUT/task-ROLE.stack, offsets and clone suffixes dropped."""
    names = []
    for line in read(out, f"task-{role}.stack").splitlines():
        m = re.match(r"\[<[0-9a-f]+>\] ([^+ ]+)", line)
        if m:
            names.append(_base(m.group(1)))
    return names


def check_shapes(out, tasks, names):
    """Checks every task of TASKS ((role, pid) pairs) of the fixtures NAMES that SHAPES knows,
    and the /sys lines of LOOPS. Returns how many tasks were checked."""
    checked = 0
    for role, pid in tasks:
        fixture, task = role.split(".", 1)
        spec = SHAPES.get(fixture, {}).get(task)
        if fixture not in names or spec is None:
            continue
        states, wchans, frames = spec
        state = read(out, f"task-{role}.state").strip()
        wchan = _base(read(out, f"task-{role}.wchan").strip())
        stack = _stack(out, role)
        print(f"info {role} pid {pid}: {state} in {wchan or '-'}; stack {' <- '.join(stack[:8])}")
        check(state and state in states, f"{role}: state {states} (saw {state!r})")
        if wchans:
            check(wchan in wchans, f"{role}: wchan {'|'.join(wchans)} (saw {wchan!r})")
        for frame in frames:
            check(any(f in stack for f in frame.split("|")), f"{role}: {frame} on its stack")
        checked += 1
    loops = read(out, "loops.txt")
    for fixture, patterns in LOOPS.items():
        if fixture in names:
            for p in patterns:
                check(re.search(p, loops) is not None, f"{fixture}: loops.txt has /{p}/ (saw {loops!r})")
    return checked
