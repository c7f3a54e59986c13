// An anonymous in-memory file (memfd) as a stdio stream: for libotr's FILE* key and instance-tag
// calls, which need a real file (fstat), without putting a private key on any file system.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

namespace otrbot::otr {

struct file_closer {
  void operator()(FILE* f) const noexcept {
    if (f)
      std::fclose(f);
  }
};
using file_ptr = std::unique_ptr<FILE, file_closer>;

/// A fresh, empty read-write stream with no name anywhere; null when the
/// kernel refuses one. Unbuffered: what goes through it (a private key) is never copied into a
/// stdio buffer in the heap.
inline file_ptr memory_file() {
  int fd = memfd_create("otrbot-otr", MFD_CLOEXEC);
  if (fd < 0)
    return nullptr;
  FILE* f = fdopen(fd, "w+");
  if (!f) {
    close(fd);
    return nullptr;
  }
  std::setvbuf(f, nullptr, _IONBF, 0);
  return file_ptr{f};
}

} // namespace otrbot::otr
