#!/bin/bash
# t5018-labs-debug: the lab guides that run the debug guest (KASAN,
# lockdep, DEBUG_LIST: docs/labs/NN-name.md with --flavour debug), run as
# written like t5016's; the debug guest is built on first use.
. "$(dirname "$0")/lib.sh"
need_guest
need_guest_debug

run_lab_guides $(grep -l -e '--flavour debug' "$TOP"/docs/labs/[0-9][0-9]-*.md)
done_testing
