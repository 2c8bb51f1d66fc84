#!/bin/bash
# The layering of generator/: the Makefile lists the modules in pipeline
# order (support, read, model, render, write, serve, commands), and a
# module may include the headers of its own and earlier modules only.  A
# later stage's header in an earlier module (the model reaching into the
# renderer, the dataset stage into the catalog) fails here, naming the
# line.  Header-only interfaces sit with the first module that needs them:
# out.h with the outputs (write), cmd.h with the commands (pipeline),
# view_int.h and plugin_int.h (what the parts of the view and of the
# plugin host share) with view and plugin.
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

mods=$(make -s print-modules)
declare -A pos
i=0
for m in $mods; do pos[$m]=$i; i=$((i + 1)); done
pos[out]=${pos[write]}
pos[cmd]=${pos[pipeline]}
pos[view_int]=${pos[view]}
pos[plugin_int]=${pos[plugin]}

bad=()
for m in $mods; do
	for f in generator/$m.c generator/$m.h; do
		[ -f "$f" ] || continue
		while IFS=: read -r line h; do
			h=${h#*\"}; h=${h%%.h\"*}
			if [ -z "${pos[$h]+x}" ]; then
				bad+=("$f:$line: includes \"$h.h\", which is no module of the Makefile")
			elif [ "${pos[$h]}" -gt "${pos[$m]}" ]; then
				bad+=("$f:$line: $m includes \"$h.h\" of a later stage")
			fi
		done < <(grep -n '^#include "' "$f" | sed 's/^\([0-9]*\):/\1:/')
	done
done
# Every .c file of generator/ is a module the Makefile builds.
for f in generator/*.c; do
	m=$(basename "$f" .c)
	[ -n "${pos[$m]+x}" ] || bad+=("$f: not in the Makefile's MODULES")
done
if [ ${#bad[@]} -eq 0 ]; then
	ok "layering: $(echo $mods | wc -w) modules include only their own and earlier stages"
else
	notok "layering: modules include only their own and earlier stages" "${bad[@]}"
fi
