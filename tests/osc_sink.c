/* An OSC receiver for cli_stream's checks, where oscdump made them depend on timing:
 *
 *   osc_sink [--refuse] PORTFILE > MESSAGES
 *
 * listens on a free UDP port of 127.0.0.1 that the kernel picks (tests run in parallel never
 * collide), writes the port to PORTFILE once it listens (written whole, then renamed: a test waits
 * for the file instead of sleeping), and writes each message on a line, "ADDRESS TYPES ARG..." as
 * oscdump does (floats %f, strings quoted), until /osc_sink/quit arrives (a test sends it after the
 * sender has exited: the socket queue is in order, so every message sent before is written by then).
 * SIGTERM says the sender has exited: should the quit message be lost, the sink ends once nothing
 * has arrived for 1 s (otherwise after 5 minutes without a message).
 *
 * --refuse: the port is held but refuses every datagram (the socket is connected to itself, and a
 * connected UDP socket takes only its peer's: the kernel answers others "port unreachable", as for
 * a closed port, and no program can bind the port meanwhile but with SO_REUSEADDR) until SIGUSR1: a peer that comes
 * back on the same port, with no port given up and picked again.
 *
 * Its socket buffer asks for 64 MiB, which only root (CAP_NET_ADMIN: SO_RCVBUFFORCE) gets; others
 * get net.core.rmem_max, doubled by the kernel (416 KiB with stock sysctls). A sink stopped (SIGSTOP)
 * through a replay of the demo at --speed max kept 831 of its 1055 messages with 208 KiB: a burst
 * can overflow a buffer that is not root's, a paced replay (--speed 20) only when the sink gets no
 * CPU for seconds (none lost with 208 KiB stopped 1.5 s, with 416 KiB stopped 3 s). On stderr it
 * says the buffer it got and, at the end, how many messages it wrote and how many the kernel
 * dropped for lack of buffer space (SO_RXQ_OVFL), so that a message lost on the way is told apart
 * from one never sent. Exit 0; 1 when it cannot listen; 2 on a usage error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <lo/lo.h>

#define QUIT "/osc_sink/quit"
#define TICK_MS 100
#define IDLE_MS (300 * 1000)
#define QUIET_MS 1000 /* once the sender has exited */
#ifndef SINK_RCVBUF
#define SINK_RCVBUF (64 << 20)
#endif

static int sock = -1;
static volatile sig_atomic_t sender_done;

static void on_term(int sig)
{
    (void)sig;
    sender_done = 1;
}

/* Dissolves the socket's association with itself (connect is async-signal-safe). */
static void on_usr1(int sig)
{
    (void)sig;
    struct sockaddr a;
    memset(&a, 0, sizeof a);
    a.sa_family = AF_UNSPEC;
    connect(sock, &a, sizeof a);
}

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

static void print_message(char *data, ssize_t n)
{
    const char *path = lo_get_path(data, n);
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

/* A UDP socket bound to PORT of 127.0.0.1 (0: one the kernel picks), with SO_REUSEADDR when
 * shared; *port: its port. -1 on failure. */
static int bound_socket(int *port, int shared)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)*port);
    socklen_t len = sizeof a;
    if (fd < 0 || (shared && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &shared, sizeof shared) != 0) ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* The sink's socket on a port the kernel picks (*port), its receive buffer in *rcvbuf. Refusing:
 * connected to itself, and bound to the port by number, so that it keeps the port when SIGUSR1
 * dissolves the association (Linux unbinds a disconnected socket whose port it picked itself);
 * a first socket, shared, holds the port meanwhile. -1 on failure. */
static int listen_on(int refusing, int *port, int *rcvbuf)
{
    int probe = -1, fd = -1, size = SINK_RCVBUF, one = 1;
    *port = 0;
    if (refusing) {
        probe = bound_socket(port, 1);
        if (probe < 0) return -1;
    }
    fd = bound_socket(port, refusing);
    if (probe >= 0) close(probe);
    if (fd < 0) return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) /* root only */
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);            /* up to rmem_max */
    struct sockaddr_in self;
    socklen_t len = sizeof self, size_len = sizeof *rcvbuf;
    if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0 ||
        getsockopt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, &size_len) != 0 ||
        (refusing && (getsockname(fd, (struct sockaddr *)&self, &len) != 0 || connect(fd, (struct sockaddr *)&self, len) != 0))) {
        close(fd);
        return -1;
    }
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

/* One datagram into data (its size, or -1); *dropped: the kernel's count of datagrams dropped
 * before it on this socket, when it says. */
static ssize_t receive(char *data, size_t size, uint32_t *dropped)
{
    union {
        char buf[CMSG_SPACE(sizeof(uint32_t))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {data, size};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov, msg.msg_iovlen = 1;
    msg.msg_control = control.buf, msg.msg_controllen = sizeof control.buf;
    ssize_t n = recvmsg(sock, &msg, 0);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n >= 0 && c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) memcpy(dropped, CMSG_DATA(c), sizeof *dropped);
    return n;
}

int main(int argc, char **argv)
{
    int refusing = argc == 3 && strcmp(argv[1], "--refuse") == 0;
    if (argc != 2 + refusing) {
        fprintf(stderr, "usage: osc_sink [--refuse] PORTFILE > MESSAGES\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    int port = 0, rcvbuf = 0;
    sock = listen_on(refusing, &port, &rcvbuf);
    if (sock < 0 || write_port(argv[1 + refusing], port) != 0) {
        perror("osc_sink: cannot listen");
        return 1;
    }
    fprintf(stderr, "osc_sink: UDP port %d, receive buffer %d bytes%s\n", port, rcvbuf, refusing ? ", refusing" : "");
    static char data[65536];
    struct pollfd p = {sock, POLLIN, 0};
    long idle_ms = 0, written = 0;
    uint32_t dropped = 0;
    while (idle_ms < (sender_done ? QUIET_MS : IDLE_MS)) {
        int ready = poll(&p, 1, TICK_MS);
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) {
            idle_ms += ready == 0 ? TICK_MS : 0;
            continue;
        }
        idle_ms = 0;
        ssize_t n = receive(data, sizeof data, &dropped);
        if (n <= 0) continue;
        const char *path = lo_get_path(data, n);
        if (path && strcmp(path, QUIT) == 0) break;
        print_message(data, n);
        written++;
    }
    fprintf(stderr, "osc_sink: %ld messages written, %lu dropped by the kernel (buffer full)\n", written,
            (unsigned long)dropped);
    close(sock);
    return 0;
}
