/** Where a command writes: stdout for results, stderr for people. Swappable in tests. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  colour: boolean;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  colour: !!process.stderr.isTTY && !process.env.NO_COLOR,
};
