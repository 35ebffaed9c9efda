#!/bin/sh
# Stand-in for the `insomnia` TUI client in the end-to-end test: the extension
# opens a terminal running `insomnia --pod NAME`; this checks that the pod the
# double started is listening and says so, then stays open like a client would.
name=""
while [ $# -gt 0 ]; do
  case $1 in
    --pod) name=$2; shift 2 ;;
    *) shift ;;
  esac
done
sock=${INSOMNIA_RUNTIME_DIR:-$INSOMNIA_HOME/run}/$name/sock
if [ -S "$sock" ]; then
  echo "insomnia-e2e-shim: attached to pod $name"
else
  echo "insomnia-e2e-shim: no socket for pod $name at $sock"
fi
exec sleep 600
