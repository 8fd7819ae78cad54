# bash completion for umdbg(1): options, subcommands, scenario names,
# catchpoint kinds, flavours, trace files (*.trace) and directories.
# Installed as PREFIX/share/bash-completion/completions/umdbg;
# tests/t0005-install checks it offers every option of 'umdbg --help'.

_umdbg()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=
	local opts="--break --catch --watch --scenario --run --share
		--real-time --flavour --log-lines --timeout --gdb --wait
		--listen-any --no-confine --record --checkpoints
		--checkpoint-mem --checkpoint-every --tui --batch --ex --json
		--format --help --version -b -w -s -n -g -r -t -ex -F -h -V"

	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	case $prev in
	-s|--scenario)
		COMPREPLY=($(compgen -W "halt panic oops inspect many work shell" -- "$cur"))
		return ;;
	--catch)
		COMPREPLY=($(compgen -W "warn bug oops panic kasan lockdep hung" -- "$cur"))
		return ;;
	--flavour)	# and the guests built with --name
		COMPREPLY=($(compgen -W "default debug $(ls "${UMDBG_CACHE:-$HOME/.cache/umdbg}/guest" 2>/dev/null)" -- "$cur"))
		return ;;
	-r|--record|info|dump|replay)
		if [ "$prev" = replay ] || [ "$prev" = -r ] ||
		   [ "$prev" = --record ] || [ "${COMP_WORDS[1]-}" = trace ]; then
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -X '!*.trace' -- "$cur")
				   $(compgen -d -- "$cur"))
			return
		fi ;;
	--share|module)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	trace)
		[ "$COMP_CWORD" -eq 2 ] &&
			COMPREPLY=($(compgen -W "info dump" -- "$cur"))
		return ;;
	guest)
		[ "$COMP_CWORD" -eq 2 ] &&
			COMPREPLY=($(compgen -W "build" -- "$cur"))
		return ;;
	--src|--config)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--name)
		return ;;
	-b|--break|-w|--watch|--run|-ex|--ex|-F|--format|-n|--log-lines|\
	--timeout|-g|--gdb|--checkpoints|--checkpoint-mem|--checkpoint-every)
		return ;;	# an expression, a command, a number
	esac
	if [[ $cur == -* ]]; then
		if [ "${COMP_WORDS[1]-}" = guest ]; then
			COMPREPLY=($(compgen -W "--flavour --src --config --name" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		fi
		return
	fi
	compopt -o filenames 2>/dev/null
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "replay trace module guest" -- "$cur")
			   $(compgen -f -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _umdbg umdbg
