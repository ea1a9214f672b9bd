# bash completion for iovsim: the commands, each command's options (read
# from its own --help), parameter keys and enum values after --set, --vary,
# --x, --by, --where, --baseline (from `iovsim params`), the bundled
# scenarios (from `iovsim list`) and files. Installed by `make install`
# into share/bash-completion/completions/iovsim.

# Parameter keys, from `iovsim params` (its lines that start with a key).
_iovsim_keys()
{
    "$1" params 2>/dev/null | sed -n 's/^\([a-z][a-z0-9_.]*\)  .*/\1/p'
}

# An enum key's values: "range a|b|c" in its `iovsim params KEY` line.
_iovsim_values()
{
    "$1" params "$2" 2>/dev/null | sed -n "s/^$2  (enum, .*range \\([^)]*\\))\$/\\1/p" | tr '|' ' '
}

# The bundled scenarios by name, from `iovsim list`.
_iovsim_scenarios()
{
    "$1" list 2>/dev/null | sed -n 's/^  \([A-Za-z0-9_.-]*\)\.ini .*/\1/p'
}

_iovsim()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog=${COMP_WORDS[0]} cmd="" i key
    COMPREPLY=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [[ -z $cmd ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$("$prog" --help 2>/dev/null |
            sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p') --help --version" -- "$cur")
        return
    fi
    # "--set key=va": bash splits at '=', so the value is a word of its own.
    if [[ $prev == = ]] && ((COMP_CWORD >= 3)); then
        key=${COMP_WORDS[COMP_CWORD - 2]}
        case ${COMP_WORDS[COMP_CWORD - 3]} in
        --set | -s | --where | -w | --baseline | -b | --vary | -V | --exclude)
            mapfile -t COMPREPLY < <(compgen -W "$(_iovsim_values "$prog" "$key")" -- "$cur")
            return
            ;;
        esac
    fi
    case $prev in
    --set | -s | --vary | -V | --where | -w | --baseline | --exclude)
        compopt -o nospace 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -W "$(_iovsim_keys "$prog")" -S = -- "$cur")
        return
        ;;
    --x | -x | --by | --lockstep)
        mapfile -t COMPREPLY < <(compgen -W "$(_iovsim_keys "$prog")" -- "$cur")
        return
        ;;
    --kind | -k)
        mapfile -t COMPREPLY < <(compgen -W "lines bars cdf stack" -- "$cur")
        return
        ;;
    --theme)
        mapfile -t COMPREPLY < <(compgen -W "default paper slides" -- "$cur")
        return
        ;;
    --format | -f)
        [[ $cmd == export ]] && i="csv json" || i="text csv markdown latex"
        mapfile -t COMPREPLY < <(compgen -W "$i" -- "$cur")
        return
        ;;
    --output | -o | --outdir | --plan-dir | --scenario)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$("$prog" "$cmd" --help 2>/dev/null |
            grep -o -- '--[a-z][a-z-]*' | sort -u)" -- "$cur")
        return
    fi
    case $cmd in
    run | sweep | check)
        mapfile -t COMPREPLY < <(compgen -W "$(_iovsim_scenarios "$prog")" -- "$cur"
            compgen -f -X '!*.ini' -- "$cur"; compgen -d -- "$cur")
        ;;
    params)
        mapfile -t COMPREPLY < <(compgen -W "$(_iovsim_keys "$prog")" -- "$cur")
        ;;
    table | compare | plot | export | merge)
        mapfile -t COMPREPLY < <(compgen -f -X '!*.db' -- "$cur"; compgen -d -- "$cur")
        ;;
    esac
}
complete -F _iovsim iovsim
