/*
 * cmd: the subcommands.  Each takes argc/argv (argv[0] is the subcommand)
 * and returns the process exit status: 0 success, 1 errors in the site,
 * 2 usage errors.
 */
#ifndef HEARTH_CMD_H
#define HEARTH_CMD_H


int	cmd_build(int argc, char **argv);
int	cmd_check(int argc, char **argv);
int	cmd_verify(int argc, char **argv);
int	cmd_hooks(int argc, char **argv);
int	cmd_new(int argc, char **argv);
int	cmd_diff(int argc, char **argv);
int	cmd_serve(int argc, char **argv);

#endif
