#!/bin/bash
# t5016-labs: every lab guide for the default guest (docs/labs/NN-name.md
# without --flavour debug) is run as written, and every output line it
# shows must appear, in its order (run_lab_guides in lib.sh).  A guide
# whose commands or claims drift from what umdbg prints fails here.
# t5018 does the same for the debug guest's labs.
. "$(dirname "$0")/lib.sh"
need_guest

run_lab_guides $(grep -L -e '--flavour debug' "$TOP"/docs/labs/[0-9][0-9]-*.md)
done_testing
