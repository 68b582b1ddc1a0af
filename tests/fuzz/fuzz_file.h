/* fuzz_file.h — a fuzzer's input as a file the loaders can open by path:
 * an in-memory file, /proc/self/fd/N. */
#ifndef EBMC_FUZZ_FILE_H
#define EBMC_FUZZ_FILE_H
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* the fd (close it after), or -1; path receives its name */
static int fuzz_file(const uint8_t *data, size_t size, char path[64]) {
    int fd = memfd_create("fuzz", 0);
    if (fd < 0) return -1;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}
#endif
