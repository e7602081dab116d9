/* psyphys — command-line entry point: dispatch to subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "output.h"

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
    {"resp", cmd_resp, "breaths: onset, peak, depth, rate; ECG-derived without a respiration channel"},
    {"eda", cmd_eda, "skin conductance: SCRs, SCL, event-related SCRs"},
    {"hrv", cmd_hrv, "heart rate variability: time, frequency (Welch, Lomb), nonlinear; windows"},
    {"report", cmd_report, "QC report pages (HTML) from the outputs of analyze"},
    {"stream", cmd_stream, "live beats, HR, HRV, resonance, EDA as JSON lines, OSC, LSL (biofeedback)"},
    {"sync", cmd_sync, "two people's synchrony: lagged correlation, concordance, surrogate p"},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *out)
{
    fprintf(out, "usage: psyphys COMMAND [OPTIONS] ...\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'psyphys help COMMAND' (or 'psyphys COMMAND --help') describes a command; "
                 "'psyphys --version' the version.\n");
}

static int find(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0) return i;
    return -1;
}

/* "unknown command", with the nearest command name when one is close (a typo, British spelling). */
static int unknown(const char *name)
{
    const char *names[N_COMMANDS];
    for (int i = 0; i < N_COMMANDS; i++) names[i] = commands[i].name;
    const char *near = cli_nearest(name, names, N_COMMANDS);
    if (near) fprintf(stderr, "psyphys: unknown command '%s'; did you mean '%s'?\n", name, near);
    else fprintf(stderr, "psyphys: unknown command '%s'\n", name);
    usage(stderr);
    return CLI_USAGE;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 && argc > 2) { /* psyphys help COMMAND: that command's help */
        int k = find(argv[2]);
        if (k < 0) return unknown(argv[2]);
        char *help_argv[] = {argv[2], "--help", NULL};
        return commands[k].run(2, help_argv);
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("psyphys %s\n", psy_version());
        return CLI_OK;
    }
    int k = find(cmd);
    return k >= 0 ? commands[k].run(argc - 1, argv + 1) : unknown(cmd);
}

int main(int argc, char **argv)
{
    return cli_stdout_close(run(argc, argv)); /* what did not reach stdout is an error, whichever command */
}
