/* Lab Streaming Layer for psyphys stream, with liblsl loaded at run time (dlopen): the command
 * works without it, and says so clearly when LSL is asked for and liblsl is missing.
 * Input: the first stream of the given type (e.g. "ECG"), its channels mapped by --columns, at
 * its nominal rate. Output: an outlet named by --lsl-out, type "Markers", one string channel at
 * an irregular rate, carrying each JSON line. Prototypes as in liblsl's C API (lsl_c.h). */
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stream_cli.h"

typedef void *lsl_handle;
enum { LSL_CF_STRING = 3 };

struct stream_lsl {
    void *lib;
    lsl_handle (*create_streaminfo)(const char *, const char *, int32_t, double, int, const char *);
    void (*destroy_streaminfo)(lsl_handle);
    lsl_handle (*create_outlet)(lsl_handle, int32_t, int32_t);
    void (*destroy_outlet)(lsl_handle);
    int32_t (*push_sample_str)(lsl_handle, const char **);
    int32_t (*resolve_byprop)(lsl_handle *, uint32_t, const char *, const char *, int32_t, double);
    lsl_handle (*create_inlet)(lsl_handle, int32_t, int32_t, int32_t);
    void (*destroy_inlet)(lsl_handle);
    unsigned long (*pull_chunk_d)(lsl_handle, double *, double *, unsigned long, unsigned long, double, int32_t *);
    int32_t (*get_channel_count)(lsl_handle);
    double (*get_nominal_srate)(lsl_handle);
    lsl_handle outlet, inlet, in_info;
};

static void *open_lib(char *why, size_t why_size)
{
    static const char *const names[] = {"liblsl.so", "liblsl.so.2", "liblsl.so.1", "liblsl64.so"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        void *lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (lib) return lib;
    }
    snprintf(why, why_size, "liblsl (the Lab Streaming Layer library) is not installed: %s", dlerror());
    return NULL;
}

int stream_lsl_available(char *why, size_t why_size)
{
    void *lib = open_lib(why, why_size);
    if (lib) dlclose(lib);
    return lib != NULL;
}

/* dlsym into a function pointer of the right type (POSIX guarantees the conversion works). */
#define LOAD(l, field, name)                                        \
    do {                                                            \
        void *p_ = dlsym((l)->lib, name);                           \
        if (!p_) missing = name;                                    \
        memcpy(&(l)->field, &p_, sizeof p_);                        \
    } while (0)

stream_lsl *stream_lsl_open(const char *in_type, const char *out_name, char *why, size_t why_size)
{
    stream_lsl *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->lib = open_lib(why, why_size);
    if (!l->lib) {
        free(l);
        return NULL;
    }
    const char *missing = NULL;
    LOAD(l, create_streaminfo, "lsl_create_streaminfo");
    LOAD(l, destroy_streaminfo, "lsl_destroy_streaminfo");
    LOAD(l, create_outlet, "lsl_create_outlet");
    LOAD(l, destroy_outlet, "lsl_destroy_outlet");
    LOAD(l, push_sample_str, "lsl_push_sample_str");
    LOAD(l, resolve_byprop, "lsl_resolve_byprop");
    LOAD(l, create_inlet, "lsl_create_inlet");
    LOAD(l, destroy_inlet, "lsl_destroy_inlet");
    LOAD(l, pull_chunk_d, "lsl_pull_chunk_d");
    LOAD(l, get_channel_count, "lsl_get_channel_count");
    LOAD(l, get_nominal_srate, "lsl_get_nominal_srate");
    if (missing) {
        snprintf(why, why_size, "liblsl lacks %s (too old a version?)", missing);
        stream_lsl_close(l);
        return NULL;
    }
    if (out_name) {
        lsl_handle info = l->create_streaminfo(out_name, "Markers", 1, 0.0, LSL_CF_STRING, "psyphys-stream");
        l->outlet = info ? l->create_outlet(info, 0, 360) : NULL;
        if (info) l->destroy_streaminfo(info);
        if (!l->outlet) {
            snprintf(why, why_size, "cannot create the LSL outlet '%s'", out_name);
            stream_lsl_close(l);
            return NULL;
        }
    }
    if (in_type) {
        lsl_handle found = NULL;
        if (l->resolve_byprop(&found, 1, "type", in_type, 1, 10.0) < 1 || !found) {
            snprintf(why, why_size, "no LSL stream of type '%s' found within 10 s", in_type);
            stream_lsl_close(l);
            return NULL;
        }
        l->in_info = found;
        l->inlet = l->create_inlet(found, 360, 0, 1);
        if (!l->inlet) {
            snprintf(why, why_size, "cannot open an inlet on the LSL stream of type '%s'", in_type);
            stream_lsl_close(l);
            return NULL;
        }
    }
    return l;
}

void stream_lsl_push(stream_lsl *l, const char *json_line)
{
    if (!l || !l->outlet) return;
    char line[1024];
    snprintf(line, sizeof line, "%s", json_line);
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n') line[n - 1] = '\0';
    const char *sample[1] = {line};
    l->push_sample_str(l->outlet, sample);
}

int stream_lsl_in(stream_input *in, stream_lsl *l)
{
    int channels = l->get_channel_count(l->in_info);
    double rate = l->get_nominal_srate(l->in_info);
    if (channels != in->n_columns) {
        cli_error(NULL, "stream: the LSL stream has %d channels, --columns names %d", channels, in->n_columns);
        return CLI_FAILED;
    }
    if (!(fabs(rate - in->frame_rate_hz) < 1e-6 * rate)) {
        cli_error(NULL,
                  "stream: the LSL stream runs at %g Hz, the stream was set up for %g Hz (--ecg-rate, --ppg-rate, "
                  "--eda-rate, --resp-rate)",
                  rate, in->frame_rate_hz);
        return CLI_FAILED;
    }
    double buf[8 * 512];
    while (!*in->stop && stream_out_alive(in->out)) {
        int32_t ec = 0;
        unsigned long k = l->pull_chunk_d(l->inlet, buf, NULL, (unsigned long)(channels * 512), 0, 0.1, &ec);
        if (ec != 0) stream_out_status(in->out, NAN, "lsl_input_error", "the LSL source was lost; waiting for it");
        for (unsigned long f = 0; f + (unsigned long)channels <= k; f += (unsigned long)channels)
            {
                double v[8];
                for (int c = 0; c < channels; c++) v[c] = buf[f + (unsigned long)c] * in->gain[c];
                stream_push_frame(in, v);
            }
        stream_out_drain(in->out, in->s);
    }
    return CLI_OK;
}

void stream_lsl_close(stream_lsl *l)
{
    if (!l) return;
    if (l->inlet) l->destroy_inlet(l->inlet);
    if (l->in_info) l->destroy_streaminfo(l->in_info);
    if (l->outlet) l->destroy_outlet(l->outlet);
    if (l->lib) dlclose(l->lib);
    free(l);
}
