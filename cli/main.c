/* psyphys — command-line entry point: dispatch to subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"analyze", cmd_analyze, "a session: beats, HRV, SCRs, breathing per phase and per event"},
    {"batch", cmd_batch, "a whole archive through analyze: parallel, resumable; Slurm job arrays"},
    {"info", cmd_info, "describe a recording: format, start, channels, events"},
    {"convert", cmd_convert, "write a recording as EDF+, BDF+ or BIDS physio TSV"},
    {"beats", cmd_beats, "R-peaks, RR intervals, artefact classes and the NN series"},
    {"score-beats", cmd_score_beats, "compare beats with reference beats (ANSI/AAMI EC57)"},
    {"eda", cmd_eda, "skin conductance: SCRs, SCL, event-related SCRs"},
    {"hrv", cmd_hrv, "heart rate variability: time, frequency (Welch, Lomb), nonlinear; windows"},
    {"report", cmd_report, "QC report pages (HTML) from the outputs of analyze"},
    {"stream", cmd_stream, "live beats, HR, HRV, resonance, EDA as JSON lines, OSC, LSL (biofeedback)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: psyphys COMMAND [OPTIONS] ...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'psyphys COMMAND --help' describes a command; 'psyphys --version' the version.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("psyphys %s\n", psy_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "psyphys: unknown command '%s'\n", cmd);
    usage(stderr);
    return CLI_USAGE;
}
