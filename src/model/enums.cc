#include "model/enums.h"

#include <array>
#include <utility>

namespace hangscope::model {

namespace {

template <typename E, size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<TaskState, 9> kStates{{{TaskState::running, "running"},
                                       {TaskState::sleeping, "sleeping"},
                                       {TaskState::disk_sleep, "disk_sleep"},
                                       {TaskState::stopped, "stopped"},
                                       {TaskState::traced, "traced"},
                                       {TaskState::zombie, "zombie"},
                                       {TaskState::dead, "dead"},
                                       {TaskState::idle, "idle"},
                                       {TaskState::unknown, "unknown"}}};
constexpr Names<LockKind, 10> kKinds{{{LockKind::mutex, "mutex"},
                                      {LockKind::rwsem, "rwsem"},
                                      {LockKind::semaphore, "semaphore"},
                                      {LockKind::percpu_rwsem, "percpu_rwsem"},
                                      {LockKind::fuse_request, "fuse_request"},
                                      {LockKind::userfaultfd, "userfaultfd"},
                                      {LockKind::folio_lock, "folio_lock"},
                                      {LockKind::io, "io"},
                                      {LockKind::completion, "completion"},
                                      {LockKind::unknown, "unknown"}}};
constexpr Names<LockMode, 4> kModes{{{LockMode::read, "read"},
                                     {LockMode::write, "write"},
                                     {LockMode::exclusive, "exclusive"},
                                     {LockMode::unknown, "unknown"}}};
constexpr Names<Confidence, 3> kConf{{{Confidence::certain, "certain"},
                                      {Confidence::likely, "likely"},
                                      {Confidence::guess, "guess"}}};
constexpr Names<ObjectType, 8> kObjs{{{ObjectType::none, "none"},
                                      {ObjectType::super_block, "super_block"},
                                      {ObjectType::inode, "inode"},
                                      {ObjectType::mm, "mm"},
                                      {ObjectType::fuse_conn, "fuse_conn"},
                                      {ObjectType::userfaultfd, "userfaultfd"},
                                      {ObjectType::global, "global"},
                                      {ObjectType::unknown, "unknown"}}};

template <typename E, size_t N>
std::string_view name_of(const Names<E, N>& names, E v) {
  for (const auto& [e, n] : names) {
    if (e == v) return n;
  }
  return "unknown";
}

template <typename E, size_t N>
std::optional<E> parse(const Names<E, N>& names, std::string_view s) {
  for (const auto& [e, n] : names) {
    if (n == s) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(TaskState v) { return name_of(kStates, v); }
std::string_view to_string(LockKind v) { return name_of(kKinds, v); }
std::string_view to_string(LockMode v) { return name_of(kModes, v); }
std::string_view to_string(Confidence v) { return name_of(kConf, v); }
std::string_view to_string(ObjectType v) { return name_of(kObjs, v); }
std::optional<TaskState> task_state_from(std::string_view s) { return parse(kStates, s); }
std::optional<LockKind> lock_kind_from(std::string_view s) { return parse(kKinds, s); }
std::optional<LockMode> lock_mode_from(std::string_view s) { return parse(kModes, s); }
std::optional<Confidence> confidence_from(std::string_view s) { return parse(kConf, s); }
std::optional<ObjectType> object_type_from(std::string_view s) { return parse(kObjs, s); }

TaskState task_state_from_letter(char c) {
  switch (c) {
    case 'R':
      return TaskState::running;
    case 'S':
      return TaskState::sleeping;
    case 'D':
      return TaskState::disk_sleep;
    case 'T':
      return TaskState::stopped;
    case 't':
      return TaskState::traced;
    case 'Z':
      return TaskState::zombie;
    case 'X':
      return TaskState::dead;
    case 'I':
      return TaskState::idle;
    default:
      return TaskState::unknown;
  }
}

}  // namespace hangscope::model
