/* libFuzzer target for one reader, opened from memory through psy_reader_open_source.
 * Compiled once per reader with FUZZ_FORMAT (a forced format name, or "" for detection by
 * content) and FUZZ_NAME (the main file's name, which readers use for hints). */
#include "fuzz_files.h"

#ifndef FUZZ_FORMAT
#error "define FUZZ_FORMAT"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_files files;
    fuzz_split(data, size, FUZZ_NAME, &files);
    psy_open_options opt = psy_open_options_default();
    opt.format = FUZZ_FORMAT[0] ? FUZZ_FORMAT : NULL;
    opt.use_libedf = 0; /* EDFlib reads paths only; memory sources take the own parser anyway */
    fuzz_open_and_exercise(&files, &opt);
    return 0;
}
