#!/bin/sh
# Stands in for the `insomnia` TUI client in scripts/e2e-neovim.sh: the plugin
# opens a :terminal running `insomnia --pod NAME`; this says whether the pod the
# test double started is listening, then stays open like a client would.
name=""
while [ $# -gt 0 ]; do
  case $1 in
    --pod) name=$2; shift 2 ;;
    *) shift ;;
  esac
done
sock=${INSOMNIA_RUNTIME_DIR:-$INSOMNIA_HOME/run}/$name/sock
if [ -S "$sock" ]; then
  echo "insomnia shim: attached to pod $name"
else
  echo "insomnia shim: no socket for pod $name at $sock"
fi
exec sleep 300
