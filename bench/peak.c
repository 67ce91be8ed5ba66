/* bench/peak: runs a command and prints "WALL_S CPU_S MAXRSS_KIB STATUS" for it.
 *
 *   peak [-m MB] CMD [ARG...]
 *
 * -m caps the command's address space (RLIMIT_AS) at MB megabytes, so that
 * an input that makes it allocate without bound fails alone instead of
 * pushing the machine into swap or the OOM killer.
 * The command's output goes to /dev/null. It is forked from this small
 * process, not from the Python harness, because a process's peak resident
 * set size (ru_maxrss) counts the memory of the process it was forked from:
 * measured from Python, every command would weigh at least the interpreter.
 * STATUS is the exit status, or 128+N for a command killed by signal N. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long limit_mb = 0;
    if (argc >= 3 && strcmp(argv[1], "-m") == 0) {
        limit_mb = strtol(argv[2], NULL, 10);
        argv += 2;
        argc -= 2;
    }
    if (argc < 2) {
        fputs("usage: peak [-m MB] CMD [ARG...]\n", stderr);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        if (limit_mb > 0) {
            struct rlimit rl = {(rlim_t)limit_mb << 20, (rlim_t)limit_mb << 20};
            setrlimit(RLIMIT_AS, &rl);
        }
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int status;
    struct rusage ru; /* of the one child waited for */
    if (waitpid(pid, &status, 0) < 0 || getrusage(RUSAGE_CHILDREN, &ru) != 0) {
        perror("waitpid");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("%.6f %.6f %ld %d\n", wall, cpu, ru.ru_maxrss, code);
    return 0;
}
