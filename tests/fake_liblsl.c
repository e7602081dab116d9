/* A stand-in for liblsl, built as tests/fake_liblsl/liblsl.so, so that cli_stream can check
 * psyphys stream's LSL input and output (loaded with dlopen like the real library) on machines
 * without liblsl. It implements the few C API calls psyphys uses, with liblsl's prototypes:
 *  - one stream of type FAKE_LSL_TYPE (default "ECG") resolves: FAKE_LSL_CHANNELS channels
 *    (default 1) at FAKE_LSL_RATE Hz (default 100); its inlet returns the numbers of the file
 *    FAKE_LSL_INPUT (one per line), then, the source exhausted, sends the process SIGTERM (as a
 *    person stopping it would);
 *  - an outlet appends every string sample to the file FAKE_LSL_OUTPUT, one per line. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fake {
    char name[64], type[64];
    int channels;
    double rate;
    FILE *fp;
} fake;

static fake *fake_new(const char *name, const char *type, int channels, double rate)
{
    fake *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    snprintf(s->name, sizeof s->name, "%s", name ? name : "");
    snprintf(s->type, sizeof s->type, "%s", type ? type : "");
    s->channels = channels;
    s->rate = rate;
    return s;
}

void *lsl_create_streaminfo(const char *name, const char *type, int32_t channels, double rate, int format,
                            const char *source_id);
void *lsl_create_streaminfo(const char *name, const char *type, int32_t channels, double rate, int format,
                            const char *source_id)
{
    (void)format, (void)source_id;
    return fake_new(name, type, channels, rate);
}

void lsl_destroy_streaminfo(void *info);
void lsl_destroy_streaminfo(void *info) { free(info); }

int32_t lsl_get_channel_count(void *info);
int32_t lsl_get_channel_count(void *info) { return ((fake *)info)->channels; }

double lsl_get_nominal_srate(void *info);
double lsl_get_nominal_srate(void *info) { return ((fake *)info)->rate; }

int32_t lsl_resolve_byprop(void **buffer, uint32_t n, const char *prop, const char *value, int32_t minimum,
                           double timeout);
int32_t lsl_resolve_byprop(void **buffer, uint32_t n, const char *prop, const char *value, int32_t minimum,
                           double timeout)
{
    (void)minimum, (void)timeout;
    const char *type = getenv("FAKE_LSL_TYPE"), *ch = getenv("FAKE_LSL_CHANNELS"), *rate = getenv("FAKE_LSL_RATE");
    if (n < 1 || strcmp(prop, "type") != 0 || strcmp(value, type ? type : "ECG") != 0) return 0;
    buffer[0] = fake_new("fake", value, ch ? atoi(ch) : 1, rate ? atof(rate) : 100);
    return buffer[0] ? 1 : 0;
}

void *lsl_create_inlet(void *info, int32_t max_buflen, int32_t max_chunklen, int32_t recover);
void *lsl_create_inlet(void *info, int32_t max_buflen, int32_t max_chunklen, int32_t recover)
{
    (void)max_buflen, (void)max_chunklen, (void)recover;
    fake *in = fake_new("inlet", ((fake *)info)->type, ((fake *)info)->channels, ((fake *)info)->rate);
    const char *path = getenv("FAKE_LSL_INPUT");
    if (in && path) in->fp = fopen(path, "r");
    return in;
}

void lsl_destroy_inlet(void *in);
void lsl_destroy_inlet(void *in)
{
    if (((fake *)in)->fp) fclose(((fake *)in)->fp);
    free(in);
}

unsigned long lsl_pull_chunk_d(void *in, double *data, double *stamps, unsigned long n_data, unsigned long n_stamps,
                               double timeout, int32_t *ec);
unsigned long lsl_pull_chunk_d(void *in, double *data, double *stamps, unsigned long n_data, unsigned long n_stamps,
                               double timeout, int32_t *ec)
{
    (void)stamps, (void)n_stamps, (void)timeout;
    fake *s = in;
    *ec = 0;
    unsigned long k = 0;
    while (s->fp && k < n_data && k < 64 && fscanf(s->fp, "%lf", &data[k]) == 1) k++;
    if (k == 0) kill(getpid(), SIGTERM); /* the source is exhausted: stop as a person would */
    return k;
}

void *lsl_create_outlet(void *info, int32_t chunk_size, int32_t max_buffered);
void *lsl_create_outlet(void *info, int32_t chunk_size, int32_t max_buffered)
{
    (void)chunk_size, (void)max_buffered;
    fake *out = fake_new(((fake *)info)->name, ((fake *)info)->type, 1, 0);
    const char *path = getenv("FAKE_LSL_OUTPUT");
    if (out && path) out->fp = fopen(path, "w");
    return out;
}

void lsl_destroy_outlet(void *out);
void lsl_destroy_outlet(void *out)
{
    if (((fake *)out)->fp) fclose(((fake *)out)->fp);
    free(out);
}

int32_t lsl_push_sample_str(void *out, const char **sample);
int32_t lsl_push_sample_str(void *out, const char **sample)
{
    fake *s = out;
    if (s->fp) fprintf(s->fp, "%s\n", sample[0]);
    return 0;
}
