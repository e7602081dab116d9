/* psyphys batch --slurm-script: a Slurm job-array script, one array task per shard. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"

/* Single-quoted for sh: ' becomes '\''. */
static void put_quoted(FILE *out, const char *s)
{
    fputc('\'', out);
    for (; *s; s++) {
        if (*s == '\'') fputs("'\\''", out);
        else fputc(*s, out);
    }
    fputc('\'', out);
}

int batch_slurm_script(FILE *out, const batch_slurm_options *o, char *const *self_args, int n_args)
{
    char exe[PATH_MAX], cwd[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || !getcwd(cwd, sizeof cwd)) {
        cli_error(NULL, "batch: cannot find the psyphys binary or the current directory");
        return 0;
    }
    exe[n] = '\0';
    fprintf(out, "#!/bin/sh\n");
    fprintf(out, "# psyphys batch as a Slurm job array: task K of %d runs shard K/%d of the same file list.\n",
            o->shards, o->shards);
    fprintf(out, "# Submit: sbatch THIS_FILE; when every task has ended: psyphys batch --merge OUTDIR\n");
    fprintf(out, "#SBATCH --job-name=%s\n", o->job_name ? o->job_name : "psyphys-batch");
    fprintf(out, "#SBATCH --array=1-%d\n", o->shards);
    fprintf(out, "#SBATCH --cpus-per-task=%d\n", o->cpus);
    fprintf(out, "#SBATCH --ntasks=1\n");
    if (o->partition) fprintf(out, "#SBATCH --partition=%s\n", o->partition);
    if (o->time) fprintf(out, "#SBATCH --time=%s\n", o->time);
    if (o->mem) fprintf(out, "#SBATCH --mem=%s\n", o->mem);
    if (o->account) fprintf(out, "#SBATCH --account=%s\n", o->account);
    fprintf(out, "#SBATCH --chdir=%s\n", cwd);
    fprintf(out, "set -eu\nexec ");
    put_quoted(out, exe);
    fputs(" batch", out);
    for (int i = 0; i < n_args; i++) {
        fputc(' ', out);
        put_quoted(out, self_args[i]);
    }
    fprintf(out, " -j %d --shard \"$SLURM_ARRAY_TASK_ID/%d\"\n", o->cpus, o->shards);
    return !ferror(out);
}
