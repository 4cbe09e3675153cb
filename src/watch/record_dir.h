// The flight recorder's directory: one sub-directory per recorded incident, named so that name
// order is time order ("hang-20261125T163001Z-000001-pid1234"). Each is written under a
// temporary name (".tmp-NAME"), fsync'ed and renamed into place, so a crash leaves either a
// whole record or a temporary that the next start removes. Only the recorder thread calls this
// (any call may block on a stuck filesystem).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace hangscope::watch {

/// A record in the directory and the bytes of its files' contents.
struct StoredRecord {
  std::string name;
  std::uint64_t bytes = 0;
};

/// Caps on what the directory holds (records written by hangscope only; nothing else there is
/// counted or touched).
struct RecordCaps {
  std::uint64_t max_bytes = 100ull << 20;  ///< file contents of all records, bytes
  std::size_t max_records = 100;
};

/// Names, oldest first, of the records to delete so that the others plus a new record of
/// `incoming_bytes` fit within both caps. Pure.
std::vector<std::string> rotation_victims(std::vector<StoredRecord> existing,
                                          std::uint64_t incoming_bytes, const RecordCaps& caps);

/// True for the names this recorder gives its records ("hang-..."): the only entries it lists,
/// counts or deletes.
bool is_record_name(const std::string& name);

/// One file of a record.
struct RecordFile {
  std::string name;  ///< plain file name, no '/'
  std::string content;
};

class RecordDir {
 public:
  /// Opens `path` (created, mode 0750, when missing; its parent must exist), removes leftover
  /// ".tmp-hang-*" directories and lists the records there. Errors name the path.
  static Result<RecordDir> open(const std::string& path, const RecordCaps& caps);
  RecordDir(RecordDir&& o) noexcept;
  RecordDir(const RecordDir&) = delete;
  RecordDir& operator=(const RecordDir&) = delete;
  ~RecordDir();

  struct Written {
    std::string path;                  ///< DIR/NAME
    std::uint64_t bytes = 0;           ///< of this record
    std::vector<std::string> rotated;  ///< records deleted to make room, oldest first
  };
  /// Deletes the oldest records the caps require, then writes `files` as record `name`. Fails
  /// (writing nothing) when the record alone exceeds max_bytes; errors name the path.
  Result<Written> write(const std::string& name, const std::vector<RecordFile>& files);

  /// Bytes and number of the records now in the directory.
  std::uint64_t total_bytes() const;
  std::size_t count() const { return records_.size(); }

 private:
  RecordDir(int fd, std::string path, RecordCaps caps)
      : fd_(fd), path_(std::move(path)), caps_(caps) {}
  Status remove_record(const std::string& name);
  int fd_ = -1;
  std::string path_;
  RecordCaps caps_;
  std::vector<StoredRecord> records_;
};

}  // namespace hangscope::watch
