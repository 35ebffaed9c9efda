// Lines the language client writes to the Insomnia output that only alarm:
// the server exits with code 0 only after a shutdown request (LSP: exit without
// shutdown is code 1), i.e. on a planned stop or restart such as after granting
// trust, yet the client logs it as "[Error - 6:59:09 PM] Server process exited
// with code 0.". A crash exits otherwise and is still logged.
const noise = [/^\[Error - [^\]]*\] Server process exited with code 0\.\s*$/];

export function isNoise(text: string): boolean {
  return noise.some((re) => re.test(text));
}
