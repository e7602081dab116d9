/* An OSC receiver for cli_stream's checks, where oscdump made them depend on timing:
 *
 *   osc_sink PORTFILE [PORT] > MESSAGES
 *
 * listens on UDP PORT of 127.0.0.1 (default 0: a free port the kernel picks, so that tests run in
 * parallel never collide), writes the port to PORTFILE once it listens (written whole, then
 * renamed: a test waits for the file instead of sleeping), and writes each message on a line,
 * "ADDRESS TYPES ARG..." as oscdump does (floats %f, strings quoted), until /osc_sink/quit arrives
 * (a test sends it after the sender has exited: the socket queue is in order, so every message
 * sent before is written by then) or nothing arrives for 5 minutes. Its socket buffer is as large
 * as the system lets root have (64 MiB): a receiver that does not run for a while on a loaded
 * machine drops nothing (oscdump, with Linux's default 208 KiB, stopped for the last 3 s of the
 * demo's replay at 20 times real time, got 720 of its 1055 messages). Exit 0, or 1 when it cannot
 * listen. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <lo/lo.h>

#define QUIT "/osc_sink/quit"
#define IDLE_MS (300 * 1000)

/* liblo's argument pointers need not be aligned for lo_arg: each value is copied out. */
static void print_arg(char type, const void *a)
{
    float f;
    double d;
    int32_t i;
    int64_t h;
    switch (type) {
    case LO_FLOAT: memcpy(&f, a, sizeof f), printf(" %f", f); break;
    case LO_DOUBLE: memcpy(&d, a, sizeof d), printf(" %f", d); break;
    case LO_INT32: memcpy(&i, a, sizeof i), printf(" %d", i); break;
    case LO_INT64: memcpy(&h, a, sizeof h), printf(" %lld", (long long)h); break;
    case LO_STRING:
    case LO_SYMBOL: printf(" \"%s\"", (const char *)a); break;
    default: printf(" ?"); break;
    }
}

static int listen_on(int port, int *bound)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return -1;
    int size = 64 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) /* root only */
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);            /* up to rmem_max */
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

static int write_port(const char *path, int port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    int ok = fprintf(f, "%d\n", port) > 0;
    return fclose(f) == 0 && ok ? rename(tmp, path) : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: osc_sink PORTFILE [PORT] > MESSAGES\n");
        return 2;
    }
    int port = 0, fd = listen_on(argc == 3 ? atoi(argv[2]) : 0, &port);
    if (fd < 0 || write_port(argv[1], port) != 0) {
        perror("osc_sink: cannot listen");
        return 1;
    }
    static char data[65536];
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, IDLE_MS) > 0) {
        ssize_t n = recv(fd, data, sizeof data, 0);
        if (n <= 0) continue;
        const char *path = lo_get_path(data, n);
        if (path && strcmp(path, QUIT) == 0) break;
        int result = 0;
        lo_message m = lo_message_deserialise(data, (size_t)n, &result);
        if (!m || !path) {
            printf("(not an OSC message: %zd bytes)\n", n);
        } else {
            const char *types = lo_message_get_types(m);
            lo_arg **args = lo_message_get_argv(m);
            printf("%s %s", path, types);
            for (int i = 0; types[i]; i++) print_arg(types[i], args[i]);
            printf("\n");
        }
        if (m) lo_message_free(m);
        fflush(stdout);
    }
    close(fd);
    return 0;
}
