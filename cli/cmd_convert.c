/* psyphys convert — write a recording as EDF+, BDF+ or BIDS physio TSV. */
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys convert IN OUT [--overwrite] [input options]\n\n"
            "Writes the recording IN as OUT, in the format its name says:\n"
            "  OUT.edf     EDF+C (16-bit), every channel at its own rate, events as annotations\n"
            "  OUT.bdf     BDF+C (24-bit), likewise\n"
            "  OUT.tsv.gz  BIDS physio: OUT.tsv.gz + OUT.json, events in *_physioevents.tsv.gz\n"
            "Irregular channels (RR lists) are left out; gaps and missing samples are filled with\n"
            "the lowest digital value and marked by 'psyphys: gap' annotations. OUT is written\n"
            "under a temporary name and renamed when complete; an existing OUT is kept unless\n"
            "--overwrite.\n\n");
    cli_print_input_options_help(out);
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cmd_convert(int argc, char **argv)
{
    cli_input_options in;
    cli_input_options_init(&in);
    const char *paths[2] = {NULL, NULL};
    int n_paths = 0;
    psy_write_options wo = {0};
    for (int i = 1; i < argc; i++) {
        int used = cli_parse_input_option(&in, argc, argv, &i);
        if (used < 0) return CLI_USAGE;
        if (used) continue;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (strcmp(argv[i], "--overwrite") == 0) {
            wo.overwrite = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_refuse_option("convert", argv[i], NULL);
        } else if (n_paths < 2) {
            paths[n_paths++] = argv[i];
        } else {
            cli_error(NULL, "convert: wants IN and OUT ('%s' is extra)", argv[i]);
            return CLI_USAGE;
        }
    }
    if (n_paths != 2) {
        help(stderr);
        return CLI_USAGE;
    }
    psy_write_format format;
    if (psy_write_format_from_path(paths[1], &format) != PSY_OK) {
        cli_error(paths[1], "cannot tell the output format: name it .edf, .bdf or .tsv.gz");
        return CLI_USAGE;
    }
    if (same_file(paths[0], paths[1])) {
        cli_error(paths[1], "is the input file; psyphys never writes over its input");
        return CLI_FAILED;
    }
    psy_reader *r = cli_open_recording(paths[0], &in);
    if (!r) return CLI_FAILED;
    cli_warn_reader(paths[0], r); /* what the reader left out (a cut last line ...) is not in the copy */
    psy_message why = {{0}};
    psy_status st = psy_write_recording(r, paths[1], format, &wo, &why);
    psy_reader_close(r);
    if (st == PSY_E_EXISTS) {
        cli_error(paths[1], "exists; give --overwrite to replace it");
        return CLI_FAILED;
    }
    if (st != PSY_OK) {
        cli_error(paths[1], "%s", why.text[0] ? why.text : psy_strerror(st));
        return CLI_FAILED;
    }
    if (why.text[0]) fprintf(stderr, "psyphys: %s: warning: %s\n", paths[1], why.text);
    return CLI_OK;
}
