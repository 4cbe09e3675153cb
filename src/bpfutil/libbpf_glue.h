// libbpf glue shared by the scan (collect/bpf_scan.cc) and watch (watch/lock_tracer.cc): libbpf's
// messages, ownership of skeletons and links, reading an iterator, and map calls whose every
// return is checked. Knows nothing about the programs themselves, so collect and watch can both use
// it without depending on each other.
#pragma once

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hangscope::bpfutil {

/// Routes libbpf's output to last_libbpf_message(): warnings and errors are kept, debug output is
/// dropped, nothing is printed. Idempotent; call before opening a BPF object.
void capture_libbpf_messages();

/// The last warning or error libbpf printed (trailing newlines removed); "" when none.
const std::string& last_libbpf_message();

/// A deleter calling `Destroy`: a skeleton's NAME__destroy or bpf_link__destroy.
template <auto Destroy>
struct Destroyer {
  template <typename T>
  void operator()(T* p) const {
    Destroy(p);
  }
};

/// Owns a libbpf object (a skeleton, a link) and destroys it with `Destroy`.
template <typename T, auto Destroy>
using Owned = std::unique_ptr<T, Destroyer<Destroy>>;

/// An attached program's link; destroying it detaches the program.
using Link = Owned<bpf_link, bpf_link__destroy>;

/// Attaches the iterator program `prog` (iter/task, iter/task_file, ...). Fails with
/// "attaching WHAT: <errno text>". Every error here keeps the call's errno in Error::sys_errno.
Result<Link> attach_iter(const bpf_program* prog, std::string_view what);

/// Runs the iterator behind `link` once and returns all it wrote. Fails (with errno's text) when
/// the iterator cannot be created or a read fails; reads interrupted by a signal are retried.
Result<std::string> read_iter(const bpf_link* link);

/// Stores `value` at `key` in `map` with `flags` (BPF_ANY, BPF_NOEXIST, ...). Fails with
/// "updating BPF map NAME: <errno text>" (E2BIG when the map is full).
Status update_elem(const bpf_map* map, const void* key, std::size_t key_size, const void* value,
                   std::size_t value_size, std::uint64_t flags);

/// update_elem for typed keys and values.
template <typename K, typename V>
Status update_elem(const bpf_map* map, const K& key, const V& value, std::uint64_t flags) {
  return update_elem(map, &key, sizeof key, &value, sizeof value, flags);
}

/// Deletes `key` from the map behind `fd`. A key that is already gone counts as deleted. Fails
/// with "deleting from a BPF map: <errno text>".
Status delete_elem(int fd, const void* key);

/// Calls fn(key, value) for the entries of the BPF hash map behind `fd`, at most 2 * max_entries
/// steps (entries that change meanwhile may be skipped or seen twice: callers tolerate both; an
/// entry deleted between finding its key and reading it is skipped).
template <typename Key, typename Value, typename Fn>
void for_each_entry(int fd, int max_entries, Fn&& fn) {
  Key key{}, next{};
  Key* cur = nullptr;
  Value v{};
  for (int steps = 0; steps < 2 * max_entries && bpf_map_get_next_key(fd, cur, &next) == 0;
       steps++) {
    key = next;
    cur = &key;
    if (bpf_map_lookup_elem(fd, &key, &v) == 0) fn(key, v);
  }
}

}  // namespace hangscope::bpfutil
