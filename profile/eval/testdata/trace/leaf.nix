{
  label = n:
    "pod-" + n;
}
