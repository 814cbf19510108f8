/**
 * Runs a training process that prints dlnet's JSON-lines events (`dlnet train --json`,
 * or an exported project's `python train.py --json`) and turns its stdout into events.
 * Training never runs in the extension host: a crash or an out-of-memory in training
 * ends as an `error` event here, and the editor keeps working. No vscode import, so
 * it is tested with a real child process.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import type { Prediction } from '../../runtime/cli/predict';
import type { TrainEvent } from '../../runtime/train/events';

export interface TrainRequest {
  /** The CLI bundle (dist/cli.js) to run. */
  cli: string;
  file: string;
  model?: string;
  backend?: string;
  /** Part of the GPU adapter's name, for the webgpu backend (`--gpu`). */
  gpu?: string;
  out?: string;
  epochs?: number;
  /** Replicas sharing every batch, one per core (`--workers`; auto measures). */
  workers?: number | 'auto';
  /** Node to run it with; VS Code's own binary works with ELECTRON_RUN_AS_NODE. */
  node?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** A program to start, with its arguments. */
export interface Command {
  program: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The command line (dist/cli.js) run with `node` (VS Code's own binary, as Node, where given). */
function dlnetCommand(cli: string, args: string[], node: string | undefined, extra: Partial<Command> = {}): Command {
  return { ...extra, program: node ?? process.execPath, args: [cli, ...args], env: { ELECTRON_RUN_AS_NODE: '1', ...extra.env } };
}

export function dlnetTrainCommand(request: TrainRequest): Command {
  const args = ['train', request.file, '--json'];
  if (request.model) args.push('--model', request.model);
  if (request.backend) args.push('--backend', request.backend);
  if (request.gpu) args.push('--gpu', request.gpu);
  if (request.out) args.push('--out', request.out);
  if (request.epochs) args.push('--epochs', String(request.epochs));
  if (request.workers) args.push('--workers', String(request.workers));
  return dlnetCommand(request.cli, args, request.node, { cwd: request.cwd, env: request.env });
}

/** `python train.py --json` in a project written by `dlnet export --to pytorch`. */
export function pytorchTrainCommand(request: { python: string; project: string; epochs?: number; out?: string }): Command {
  const args = ['train.py', '--json'];
  if (request.epochs) args.push('--epochs', String(request.epochs));
  if (request.out) args.push('--out', request.out);
  return { program: request.python, args, cwd: request.project, env: { PYTHONUNBUFFERED: '1' } };
}

/** `dlnet predict <run> --json ...`: what a saved model says of texts, of image files, or of a table's rows. */
export function dlnetPredictCommand(request: { cli: string; run: string; texts?: string[]; images?: string[]; table?: string; node?: string }): Command {
  const asked = request.table !== undefined ? ['--table', request.table] : request.images ? ['--image', ...request.images] : request.texts ?? [];
  return dlnetCommand(request.cli, ['predict', request.run, '--json', ...asked], request.node);
}

/** A row asked about, as a CSV file of its columns: a header and the one row, every field quoted. */
export function csvRow(values: Record<string, string>): string {
  const quoted = (field: string) => `"${field.replace(/"/g, '""')}"`;
  return `${Object.keys(values).map(quoted).join(',')}\n${Object.values(values).map(quoted).join(',')}\n`;
}

/** Runs a predict command: its predictions, or why there are none (the command's own words). */
export function predictionsOf(command: Command): Promise<{ predictions: Prediction[] } | { error: string }> {
  return new Promise((resolve) => {
    execFile(command.program, command.args, { cwd: command.cwd, env: { ...process.env, ...command.env }, timeout: 60_000, maxBuffer: 16 << 20 }, (e, stdout, stderr) => {
      if (e) return resolve({ error: stderr.trim().replace(/^dlnet: /, '').split('\n')[0] || e.message });
      try {
        resolve({ predictions: (JSON.parse(stdout) as { predictions: Prediction[] }).predictions });
      } catch {
        resolve({ error: `dlnet predict gave no answer: ${stdout.slice(0, 200)}` });
      }
    });
  });
}

export class TrainingProcess {
  private readonly child: ChildProcess;
  private buffer = '';
  private stderr = '';
  private ended = false;
  readonly done: Promise<number | null>;

  constructor(command: Command, private readonly onEvent: (e: TrainEvent) => void) {
    this.child = spawn(command.program, command.args, { cwd: command.cwd, env: { ...process.env, ...command.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.read(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-4000)));
    this.child.stdin!.on('error', () => {}); // a dead child must not take the host down
    this.done = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.fail(`could not start training: ${e.message}`);
        resolve(null);
      });
      this.child.on('exit', (code, signal) => {
        if (this.buffer.trim()) this.read('\n');
        if (!this.ended) {
          const why = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}` : `exited with code ${code}`;
          this.fail(`the training process ${why} before it finished${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`);
        }
        resolve(code);
      });
    });
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      try {
        const event = JSON.parse(line) as TrainEvent;
        if (event.type === 'end') this.ended = true;
        this.onEvent(event);
      } catch {
        /* a partial or foreign line: ignore */
      }
    }
  }

  private fail(message: string): void {
    this.ended = true;
    this.onEvent({ type: 'error', message });
    this.onEvent({ type: 'end', status: 'failed', logs: {}, epochs: 0, elapsedMs: 0 });
  }

  private send(type: 'stop' | 'pause' | 'resume'): void {
    if (this.child.exitCode === null && this.child.stdin?.writable) this.child.stdin.write(JSON.stringify({ type }) + '\n');
  }

  stop(): void {
    this.send('stop');
  }

  pause(): void {
    this.send('pause');
  }

  resume(): void {
    this.send('resume');
  }

  /** Ends the process at once (when the editor closes). */
  kill(): void {
    this.child.kill();
  }

  get running(): boolean {
    return this.child.exitCode === null && !this.ended;
  }
}
