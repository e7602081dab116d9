/* libsndfile over a psy_source via sf_open_virtual. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "reader_impl.h"
#include "sndfile_io.h"

static sf_count_t vio_get_filelen(void *user) { return psy_source_size(((psy_sndfile *)user)->src); }

static sf_count_t vio_seek(sf_count_t offset, int whence, void *user)
{
    psy_sndfile *f = user;
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : psy_source_size(f->src);
    int64_t pos;
    if (base < 0 || !psy_add_i64(base, offset, &pos) || pos < 0) return -1;
    f->pos = pos;
    return pos;
}

static sf_count_t vio_read(void *ptr, sf_count_t count, void *user)
{
    psy_sndfile *f = user;
    if (count <= 0) return 0;
    int64_t got = psy_source_read(f->src, f->pos, ptr, (size_t)count);
    if (got < 0) return 0;
    f->pos += got;
    return got;
}

static sf_count_t vio_write(const void *ptr, sf_count_t count, void *user)
{
    (void)ptr;
    (void)count;
    (void)user;
    return 0;
}

static sf_count_t vio_tell(void *user) { return ((psy_sndfile *)user)->pos; }

/* libsndfile reports a failed open in process-wide variables (sf_strerror(NULL)): opens are
 * serialised so that each reads its own reason. Reads through an open handle share nothing. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

psy_status psy_sndfile_open(psy_source *src, psy_sndfile **out, psy_message *why)
{
    SF_VIRTUAL_IO vio = {vio_get_filelen, vio_seek, vio_read, vio_write, vio_tell}; /* copied by libsndfile */
    *out = NULL;
    psy_sndfile *f = calloc(1, sizeof *f);
    if (!f) return PSY_E_NOMEM;
    f->src = src;
    pthread_mutex_lock(&open_lock);
    f->sf = sf_open_virtual(&vio, SFM_READ, &f->info, f);
    if (!f->sf) psy_fail(why, PSY_E_FORMAT, "libsndfile cannot decode it: %s", sf_strerror(NULL));
    pthread_mutex_unlock(&open_lock);
    if (!f->sf) {
        free(f);
        return PSY_E_FORMAT;
    }
    if (f->info.channels <= 0 || f->info.frames < 0) {
        psy_fail(why, PSY_E_FORMAT, "audio header has %d channels and %lld frames", f->info.channels,
                 (long long)f->info.frames);
        psy_sndfile_close(f);
        return PSY_E_FORMAT;
    }
    sf_command(f->sf, SFC_SET_SCALE_FLOAT_INT_READ, NULL, SF_FALSE);
    sf_command(f->sf, SFC_SET_NORM_DOUBLE, NULL, SF_FALSE);
    f->next_frame = 0;
    *out = f;
    return PSY_OK;
}

static psy_status seek_to(psy_sndfile *f, int64_t start)
{
    if (start == f->next_frame) return PSY_OK;
    f->next_frame = -1;
    return sf_seek(f->sf, start, SEEK_SET) == start ? PSY_OK : PSY_E_IO;
}

static psy_status after_read(psy_sndfile *f, int64_t start, int64_t n, sf_count_t got)
{
    if (got < 0) return PSY_E_IO;
    f->next_frame = start + got;
    return got == n ? PSY_OK : PSY_E_TRUNCATED;
}

psy_status psy_sndfile_read_frames(psy_sndfile *f, int64_t start, int64_t n, double *buf)
{
    psy_status st = seek_to(f, start);
    return st != PSY_OK ? st : after_read(f, start, n, sf_readf_double(f->sf, buf, n));
}

psy_status psy_sndfile_read_frames_short(psy_sndfile *f, int64_t start, int64_t n, short *buf)
{
    psy_status st = seek_to(f, start);
    return st != PSY_OK ? st : after_read(f, start, n, sf_readf_short(f->sf, buf, n));
}

void psy_sndfile_close(psy_sndfile *f)
{
    if (!f) return;
    if (f->sf) sf_close(f->sf);
    free(f);
}
