/**
 * A pasted script's training code as the train statement it means: Keras's
 * `model.compile(...)` and `model.fit(...)`, or PyTorch's optimizer over
 * `model.parameters()`, its loss, its loop over epochs, its loader's batch size, its seed
 * and its learning-rate schedule. The statement is written with the script's own names
 * and values (`loss: "categorical_crossentropy"`, `optimizer: Adadelta(lr=1.0)`), which the
 * train statement's fixes then spell as dlnet: one source of truth for those spellings.
 */
import type { TextEdit } from '../diagnostics';
import type { SyntaxError } from './parser';
import { balancedCall, dottedPath, parsePython, type PyExpr } from './python-expression';
import { COMPOUND, firstLine, linesWord, wholeLines, type ScriptStatement, type ScriptValues } from './python-statements';
import { keywordNames } from './tokens';

/** The entry of `table` under `key`, where the table has one of its own (not `constructor`, which every object has). */
const entry = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined);

/** The dlnet model a script's variable holds (`model` → `Model`, `net = Net()` → `Net`). */
export type ModelOf = (variable: string) => string;

/** What a script's training code is said as: errors on lines, and the statements they take in. */
export interface Training {
  errors: { first: number; last: number; error?: SyntaxError }[];
  statements: readonly ScriptStatement[];
}

/** A dataset dlnet has that a script loads (Keras's `keras.datasets.mnist`, torchvision's `datasets.MNIST`, pandas's `read_csv`): dlnet's declaration. */
export interface Dataset {
  name: string;
  source: string;
  /** Its source giving each example as one vector, where the script flattens them. */
  flat?: string;
  said: string;
  /** What dlnet's source gives, said where the script's loading goes. */
  gives: string;
  /** Its test split, as a dataset of its own (Fashion-MNIST's t10k files): what a fit validated on `validation_data=(x_test, y_test)` validates on. */
  test?: { name: string; source: string };
}
const MNIST = { pattern: /\bdatasets\.(?:mnist\b|MNIST\s*\()|\bdatasets\s+import\s+(?:[\w\s,]*,\s*)?mnist\b/, dataset: { name: 'mnist', source: 'mnist()', flat: 'mnist(flat: true)', said: 'MNIST', gives: 'gives its examples ready to train' } };
const FLATTENED = /\.(?:reshape|view)\s*\([^)]*\b(?:784|28\s*\*\s*28)\b|\.reshape\s*\(.*\bprod\s*\(\s*[\w.]+\.shape\s*\[\s*1\s*:\s*\]\s*\)/;

/**
 * Fashion-MNIST (Keras's `keras.datasets.fashion_mnist`, torchvision's `datasets.FashionMNIST`),
 * which comes in MNIST's IDX files: dlnet's idx source, reading the files as they are
 * distributed, which the user downloads beside the .dlnet file.
 */
const FASHION_MNIST = {
  pattern: /\bdatasets\.(?:fashion_mnist\b|FashionMNIST\s*\()|\bdatasets\s+import\s+(?:[\w\s,]*,\s*)?fashion_mnist\b/,
  dataset: {
    name: 'fashion_mnist',
    source: 'idx(images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz")',
    said: 'Fashion-MNIST',
    gives: 'reads its IDX files as they are distributed (github.com/zalandoresearch/fashion-mnist): download train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz (and t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz, its test split) beside the .dlnet file, dlnet downloads nothing',
    test: { name: 'fashion_mnistTest', source: 'idx(images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz")' },
  },
};

/** The tutorials' `class_names = ['T-shirt/top', ...]`, ten of them: the idx source's names (`, names: [...]`), else nothing. */
function classNames(code: string): string {
  const listed = /\bclass_names\s*=\s*\[([^\]]*)\]/.exec(code);
  const names = quotedNames(listed?.[1]);
  return names.length === 10 ? `, names: [${names.map((c) => JSON.stringify(c)).join(', ')}]` : '';
}

/** The dataset dlnet has that the script's `code` loads, as the script uses it: images it flattens (`x.reshape(-1, 28*28)`) are dlnet's flat MNIST. */
export function datasetUsed(code: string): Dataset | undefined {
  if (MNIST.pattern.test(code)) return FLATTENED.test(code) ? { ...MNIST.dataset, source: MNIST.dataset.flat } : MNIST.dataset;
  if (FASHION_MNIST.pattern.test(code)) {
    const named = (source: string) => source.replace(/\)$/, `${classNames(code)})`);
    const { dataset } = FASHION_MNIST;
    return { ...dataset, source: named(dataset.source), test: { ...dataset.test, source: named(dataset.test.source) } };
  }
  return csvRead(code);
}

/** The statement that loads the data (`load_data()`, `read_csv(...)`): what it binds, and what is made of that, prepares the data. */
export const LOADS_DATA = /\.load_data\s*\(|\bread_csv\s*\(/;

/** pandas's `read_csv("heart.csv")` (also of a URL: dlnet reads the file, downloaded, by its name). */
const READ_CSV = /\bread_csv\s*\(\s*(?:filepath_or_buffer\s*=\s*)?(['"])([^'"]+)\1/;
/** Where the script takes its labels from the table: `df.pop("target")`, `y = df["target"]`. */
const LABEL_TAKEN = [
  /\.pop\s*\(\s*(['"])([^'"]+)\1\s*\)/,
  // `model.fit(df["review"], df["sentiment"], ...)`: the table's columns given to fit.
  /\.fit\s*\([^,()]*,\s*[A-Za-z_]\w*\s*\[\s*(['"])([^'"]+)\1\s*\]/,
  /^\s*(?:y|Y|y_\w+|labels?|targets?)\s*=\s*[A-Za-z_]\w*\s*\[\s*(['"])([^'"]+)\1\s*\]/m,
];
/** The columns the script selects as its features: `X = df[["Pclass", "Sex", "Fare"]]`. */
const SELECTED = /^\s*(?:X|x|X_\w+|x_\w+|features?|inputs?)\s*=\s*[A-Za-z_]\w*\s*\[\s*\[([^\]]*)\]\s*\]/m;
/** The columns the script drops to keep the features: `df.drop("target", axis=1)`, `df.drop(columns=["id", "target"])`. */
const DROPPED = /\.drop\s*\(\s*(?:columns\s*=\s*)?(\[[^\]]*\]|(['"])[^'"]+\2)\s*(?:,\s*axis\s*=\s*(?:1|['"]columns['"])\s*)?\)/;

/** Keras's TextVectorization, its vocabulary and length, and the column it adapts to or reads: `vectorize.adapt(df["review"])`, `vectorize(df.review)`. */
const VECTORIZATION = /\bTextVectorization\s*\(([^)]*)\)/;
const VECTORIZED_COLUMN = /\b(?:adapt\s*\(|[A-Za-z_]\w*\s*\()\s*[A-Za-z_]\w*(?:\s*\[\s*(['"])([^'"]+)\1\s*\]|\.([A-Za-z_]\w*)\s*\))/g;

/** A csv source's arguments that read a column as token ids, as the script's TextVectorization reads it (`, text: "review", vocabulary: 10000, length: 100`). */
function vectorized(code: string, label: string): string | undefined {
  const made = VECTORIZATION.exec(code);
  if (!made) return undefined;
  const column = [...code.matchAll(VECTORIZED_COLUMN)].map((m) => m[2] ?? m[3]).find((c) => c !== label && c !== 'values');
  if (column === undefined) return undefined;
  const tokens = /\bmax_tokens\s*=\s*(\d+)/.exec(made[1])?.[1];
  const length = /\boutput_sequence_length\s*=\s*(\d+)/.exec(made[1])?.[1];
  return `, text: ${JSON.stringify(column)}${tokens ? `, vocabulary: ${tokens}` : ''}${length ? `, length: ${length}` : ''}`;
}

/** The quoted names a piece of Python lists (`"id", 'Name'`). */
const quotedNames = (listed: string | undefined): string[] => [...(listed?.matchAll(/(['"])([^'"]+)\1/g) ?? [])].map((m) => m[2]);

/**
 * A CSV file the script reads with pandas, with the column its labels come from (the one it
 * takes as its labels, or else the one column it drops) and the columns it selects as its
 * features, or else the other columns it drops, which dlnet's csv ignores: dlnet's csv
 * source, named after the file.
 */
function csvRead(code: string): Dataset | undefined {
  const read = READ_CSV.exec(code);
  const dropped = quotedNames(DROPPED.exec(code)?.[1]);
  const label = LABEL_TAKEN.map((pattern) => pattern.exec(code)?.[2]).find((column) => column !== undefined) ?? (dropped.length === 1 ? dropped[0] : undefined);
  if (!read) return undefined;
  const selected = quotedNames(SELECTED.exec(code)?.[1]).filter((column) => column !== label);
  const ignore = selected.length ? [] : dropped.filter((column) => column !== label);
  const url = /^[a-z]+:\/\//i.test(read[2]);
  const file = url ? read[2].replace(/[?#].*$/, '').split('/').pop()! : read[2];
  const stem = file.replace(/^.*[\\/]/, '').replace(/\.\w+$/, '').replace(/\W+/g, '_').replace(/^_+|_+$/g, '');
  const name = !stem ? 'table' : /^\d/.test(stem) || keywordNames.includes(stem) ? `data_${stem}` : stem;
  // Gaps filled as dlnet's csv fills them: with the columns' means, or 0.
  const filled = /\.fillna\s*\(\s*(?:value\s*=\s*)?(?:[A-Za-z_]\w*\.(mean)\s*\(|(0)(?:\.0*)?\s*[,)])/.exec(code);
  const gaps = filled ? `, gaps: ${filled[1] ? 'mean' : 'zero'}` : '';
  const list = (columns: string[]) => `[${columns.map((c) => JSON.stringify(c)).join(', ')}]`;
  const text = label === undefined ? undefined : vectorized(code, label);
  const left = text ?? `${selected.length ? `, features: ${list(selected)}` : ignore.length ? `, ignore: ${list(ignore)}` : ''}${gaps}`;
  const reads = text ? "reads a column's words as token ids, as TextVectorization does" : `reads ${selected.length ? 'the columns it names' : `its other columns${ignore.length ? ' but those it ignores' : ''}`} as the features (a column of texts one-hot)`;
  return {
    name,
    // No label column taken out: every column a feature, as an autoencoder's fit(x, x) reads the table.
    source: `csv(${JSON.stringify(file)}${label === undefined ? '' : `, label: ${JSON.stringify(label)}`}${left})`,
    said: `the CSV file ${read[2]}`,
    gives: `${reads}${url ? `, from ${file} beside the .dlnet file: download it there, dlnet downloads nothing` : ''}`,
  };
}

/** Where the script loads no dataset dlnet has. */
const UNKNOWN_DATA = ', whose data is a dataset to declare (a CSV or IDX file, or one dlnet generates)';

/** `model.fit(...)`, `history = model.fit(...)`, `model.compile(...)`: the model's variable, the method, and where the call starts. */
const KERAS_TRAINS = /^(?:[A-Za-z_]\w*\s*=\s*)?([A-Za-z_]\w*)\.(compile|fit)\s*\(/;
/** Keras's argument names of compile and fit that a train statement has, by its names. */
const KERAS_SETTINGS: Readonly<Record<string, string>> = { loss: 'loss', optimizer: 'optimizer', metrics: 'metrics', epochs: 'epochs', batch_size: 'batchSize', validation_split: 'validationSplit', shuffle: 'shuffle' };
/**
 * The arguments compile and fit take by position, as far as Keras 2 and 3 agree:
 * `compile("adam", "binary_crossentropy")`, `fit(x, y, 32, 10)`.
 */
const KERAS_POSITIONS: Readonly<Record<'compile' | 'fit', readonly string[]>> = { compile: ['optimizer', 'loss'], fit: ['x', 'y', 'batch_size', 'epochs'] };

/**
 * Keras's `model.compile(...)` and `model.fit(...)` at the top of the script: the fit's
 * error, whose fix writes the train statement where the fit was (the dataset dlnet has
 * that the script loads declared above it) and removes the compile; and the compile's
 * error, which points there.
 */
export function kerasTraining(lines: readonly string[], statements: readonly ScriptStatement[], values: ScriptValues, modelOf: ModelOf): Training | undefined {
  const fit = statements.find((s) => KERAS_TRAINS.exec(s.code)?.[2] === 'fit');
  if (!fit) return undefined;
  const variable = KERAS_TRAINS.exec(fit.code)![1];
  const compile = statements.find((s) => KERAS_TRAINS.exec(s.code)?.[2] === 'compile' && KERAS_TRAINS.exec(s.code)![1] === variable);
  // The statement from `model.` on: what the calls' positions count in.
  const callCode = (s: ScriptStatement) => s.code.slice(s.code.indexOf(`${variable}.`));
  const call = (s: ScriptStatement) => parsePython(callCode(s));
  const fitCall = call(fit);
  const compileCall = compile && call(compile);
  if (fitCall?.kind !== 'call' || (compile && compileCall?.kind !== 'call')) return undefined;
  const settings: string[] = [];
  for (const [made, statement, method] of [[compileCall, compile, 'compile'], [fitCall, fit, 'fit']] as const) {
    if (made?.kind !== 'call' || statement === undefined) continue;
    const code = callCode(statement);
    for (const [i, arg] of made.args.entries()) {
      const name = arg.name ?? (made.args.slice(0, i).every((a) => !a.name) ? KERAS_POSITIONS[method][i] : undefined);
      const setting = name ? entry(KERAS_SETTINGS, name) : undefined;
      // As written: a loss as an object (`SparseCategoricalCrossentropy(from_logits=True)`) keeps what it says, which the train statement's check reads.
      const written = code.slice(arg.value.start, arg.value.end);
      if (setting) settings.push(`${setting}: ${values.resolve(written) ?? values.objects.get(written) ?? written}`);
    }
  }
  const fitCode = callCode(fit);
  const callbacks = kerasCallbacks(fitCall.args.find((a) => a.name === 'callbacks'), fitCode, statements);
  settings.push(...callbacks.settings);
  // `fit(x_train, x_train)`: the model learns to give back its input, an autoencoder.
  const argText = (a: (typeof fitCall.args)[number] | undefined) => a && fitCode.slice(a.value.start, a.value.end).trim();
  const x = argText(fitCall.args.find((a) => !a.name || a.name === 'x'));
  const y = argText(fitCall.args.filter((a) => !a.name)[1] ?? fitCall.args.find((a) => a.name === 'y'));
  if (x !== undefined && x === y) settings.unshift('target: features');
  const validated = fitCall.args.some((a) => a.name === 'validation_data');
  const split = validated ? heldOutBySplit(statements, values) : undefined;
  if (split && !settings.some((s) => s.startsWith('validationSplit:'))) settings.push(`validationSplit: ${split}`);
  // Validated on the loaded data's own test split (`validation_data=(x_test, y_test)`, no train_test_split).
  const dataset = withTestSplit(datasetUsed(statements.map((s) => s.code).join('\n')), validated && !split, settings);
  const data = dataset?.name ?? (fitCall.args[0] && !fitCall.args[0].name ? dottedPath(fitCall.args[0].value) : undefined) ?? 'data';
  const model = modelOf(variable);
  const edits: TextEdit[] = [
    // Written right below the model (the compile between them goes), the statement keeps a blank line from it.
    { range: { start: { line: fit.first, character: 0 }, end: { line: fit.last, character: lines[fit.last].length } }, newText: `${lines[(compile && compile.first < fit.first ? compile : fit).first - 1]?.trim() ? '\n' : ''}${trainText(model, data, dataset, settings)}` },
    ...[compile, ...callbacks.statements].filter((s) => s !== undefined).map((s) => ({ range: wholeLines(lines, s.first, s.last), newText: '' })),
  ];
  const said = compile ? `\`${variable}.compile(...)\` and \`${variable}.fit(...)\` are` : `\`${variable}.fit(...)\` is`;
  const errors: Training['errors'] = [{
    first: fit.first,
    last: fit.last,
    error: {
      message: `${said} how Keras trains a model; dlnet writes a train statement: train ${model} on ${data} { ... }${dataset ? '' : UNKNOWN_DATA}${callbacks.otherwise.length ? `; ${callbacks.otherwise.join('; ')}` : ''}`,
      range: firstLine(lines, fit.first),
      fixes: [{ title: `Write train ${model} on ${data}`, edits, preferred: true }],
    },
  }];
  if (compile) errors.push({ first: compile.first, last: compile.last, error: { message: `\`${variable}.compile(...)\` says how Keras trains a model, with \`${variable}.fit(...)\` on line ${fit.first + 1}, whose fix writes them as dlnet's train statement`, range: firstLine(lines, compile.first) } });
  return { errors, statements: [fit, ...(compile ? [compile] : []), ...callbacks.statements] };
}

/** Keras's callbacks that are train settings (as the script writes them, which the statement's fixes spell as dlnet), by class. */
const CALLBACK_SETTINGS: Readonly<Record<string, string>> = { EarlyStopping: 'earlyStopping', ReduceLROnPlateau: 'schedule' };
/** Keras's callbacks that dlnet does otherwise, and how. */
const CALLBACKS_DONE_OTHERWISE: Readonly<Record<string, string>> = {
  ModelCheckpoint: 'each run saves its model (earlyStopping(restoreBest: true) keeps the best epoch\'s)',
  TensorBoard: 'the training panel draws every epoch',
  CSVLogger: 'each run writes its metrics.jsonl',
  ProgbarLogger: 'the panel and the command line show the progress',
  TerminateOnNaN: 'a run stops with an error when the loss is no number',
  History: 'each run writes its metrics.jsonl',
};
/** A statement that makes a callback: `early = keras.callbacks.EarlyStopping(...)`. */
const MADE_CALLBACK = /^([A-Za-z_]\w*)\s*=\s*((?:[A-Za-z_]\w*\.)*([A-Z]\w*)\s*\(.*\))$/s;

/**
 * fit's `callbacks=[...]`: EarlyStopping and ReduceLROnPlateau as the settings they are, the
 * statements that made them (taken into the train statement, which removes them), and what
 * dlnet does instead of the others it knows (a ModelCheckpoint: each run saves its model).
 */
function kerasCallbacks(arg: { value: PyExpr } | undefined, code: string, statements: readonly ScriptStatement[]): { settings: string[]; statements: ScriptStatement[]; otherwise: string[] } {
  const out = { settings: [] as string[], statements: [] as ScriptStatement[], otherwise: [] as string[] };
  const items = arg?.value.kind === 'sequence' ? arg.value.items : arg ? [arg.value] : [];
  for (const item of items) {
    let made = code.slice(item.start, item.end).trim();
    if (item.kind === 'name') {
      const statement = statements.find((s) => MADE_CALLBACK.exec(s.code)?.[1] === made);
      if (!statement) continue;
      out.statements.push(statement);
      made = MADE_CALLBACK.exec(statement.code)![2];
    }
    const call = parsePython(made);
    if (call?.kind !== 'call') continue;
    const name = made.slice(call.callee.start, call.callee.end).split('.').pop()!;
    const setting = entry(CALLBACK_SETTINGS, name);
    // Written on one line without the module's path: `keras.callbacks.EarlyStopping(...)` as `EarlyStopping(...)`, a trailing comma left out.
    if (setting) out.settings.push(`${setting}: ${name}(${call.args.map((a) => made.slice(a.start, a.end).replace(/\s*\n\s*/g, ' ')).join(', ')})`);
    const otherwise = entry(CALLBACKS_DONE_OTHERWISE, name);
    if (otherwise) out.otherwise.push(`${name}: ${otherwise}`);
  }
  return out;
}

/**
 * The fraction scikit-learn's `train_test_split(X, y, test_size=0.2)` holds out, which the
 * script validates on (`validation_data=(X_test, y_test)`): dlnet's validationSplit, which
 * also shuffles (seeded) and holds out the last part.
 */
function heldOutBySplit(statements: readonly ScriptStatement[], values: ScriptValues): string | undefined {
  const made = statements.find((s) => /\btrain_test_split\s*\(/.test(s.code));
  const code = made?.code.slice(made.code.search(/\btrain_test_split\s*\(/));
  const call = code === undefined ? undefined : parsePython(code);
  if (call?.kind !== 'call') return undefined;
  const given = (name: string) => {
    const arg = call.args.find((a) => a.name === name);
    const written = arg && code!.slice(arg.value.start, arg.value.end);
    return written === undefined ? undefined : Number(values.resolve(written) ?? written);
  };
  // scikit-learn's default holds out a quarter; a train_size leaves the rest.
  const train = given('train_size');
  const fraction = given('test_size') ?? (train === undefined ? 0.25 : Math.round((1 - train) * 1e6) / 1e6);
  return fraction > 0 && fraction < 1 ? String(fraction) : undefined;
}

/**
 * The dataset loaded, with its test split where the script validates on it (the setting
 * `validation:` added to `settings`, the split declared by trainText), else without.
 */
function withTestSplit(loaded: Dataset | undefined, validated: boolean, settings: string[]): Dataset | undefined {
  if (!loaded?.test) return loaded;
  if (!validated) return { ...loaded, test: undefined };
  settings.push(`validation: ${loaded.test.name}`);
  return loaded;
}

/** `dataset mnist = mnist()` where the script loads one dlnet has, and the train statement. */
function trainText(model: string, data: string, dataset: Dataset | undefined, settings: readonly string[]): string {
  const declared = dataset ? `dataset ${dataset.name} = ${dataset.source}\n${dataset.test ? `dataset ${dataset.test.name} = ${dataset.test.source}\n` : ''}\n` : '';
  return `${declared}train ${model} on ${data} {\n${settings.map((s) => `  ${s}\n`).join('')}}`;
}

/** PyTorch's losses, as its code calls them: `nn.CrossEntropyLoss()` or `F.nll_loss(output, target)`. */
const TORCH_LOSS = /\bnn\.(\w+Loss)\s*\(|\bF\.(nll_loss|cross_entropy|binary_cross_entropy(?:_with_logits)?|mse_loss|l1_loss|smooth_l1_loss|huber_loss)\s*\(/;
const OPTIMIZER = /\b((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)\.parameters\s*\(\s*\)/;
/**
 * PyTorch's optimizer arguments whose defaults differ from dlnet's where it matters:
 * Adadelta's decay (0.9 against 0.95) and epsilon (1e-6 against 1e-7, whose square root
 * sizes its first steps: three times smaller), RMSprop's decay (0.99 against 0.9), which
 * PyTorch calls `alpha`: the names of its arguments dlnet names otherwise are written as dlnet's.
 */
const TORCH_OPTIMIZERS: Readonly<Record<string, { defaults: Readonly<Record<string, string>>; names?: Readonly<Record<string, string>> }>> = {
  Adadelta: { defaults: { rho: '0.9', eps: '1e-6' } },
  RMSprop: { defaults: { decay: '0.99' }, names: { alpha: 'decay' } },
};
/** The loop over epochs: one whose variable says so (`for epoch in range(...)`), else the first over a range. */
const EPOCHS = [/\bfor\s+(?:epoch\w*|ep|e)\s+in\s+range\s*\(/, /\bfor\s+\w+\s+in\s+range\s*\(/];

/**
 * PyTorch's training code: the statements (functions, the script's entry, loose lines)
 * around an optimizer made over a model's `parameters()`. One error, at the first, whose fix
 * writes the train statement where the optimizer was made and removes the rest: what it
 * could not read (a setting it found no value for) is left out, and the message names what
 * it read. Undefined where no optimizer is made over a model of the script.
 */
export function pytorchTraining(lines: readonly string[], statements: readonly ScriptStatement[], values: ScriptValues, modelOf: ModelOf): Training | undefined {
  const texts = statements.map((s) => lines.slice(s.first, s.last + 1).join('\n'));
  const code = texts.join('\n');
  const made = OPTIMIZER.exec(code);
  const call = made && balancedCall(code, made.index);
  const optimizer = call ? parsePython(call) : undefined;
  if (!made || !call || optimizer?.kind !== 'call') return undefined;
  const at = statements[texts.findIndex((text) => text.includes(made[0]))];
  const model = modelOf(made[2]);
  const settings: string[] = [];
  const loss = TORCH_LOSS.exec(code);
  if (loss) settings.push(`loss: ${loss[1] ?? loss[2]}`);
  // The optimizer as PyTorch names it and its arguments but the parameters, their values worked out (`lr=args.lr` → `lr=1.0`).
  const name = made[1].split('.').pop()!;
  const known = entry(TORCH_OPTIMIZERS, name);
  // PyTorch's optimizers all take the learning rate second, after the parameters.
  const given = optimizer.args.slice(1).map((a, i) => (a.name ? known?.names?.[a.name] ?? a.name : i === 0 ? 'lr' : undefined));
  const args = optimizer.args.slice(1).map((a, i) => {
    const written = call.slice(a.value.start, a.value.end);
    return given[i] && `${given[i]}=${values.resolve(written) ?? written}`;
  });
  // PyTorch's defaults where dlnet's differ, written so that the model trains as the script's did.
  for (const [param, value] of Object.entries(known?.defaults ?? {})) if (!given.includes(param)) args.push(`${param}=${value}`);
  if (args.every((a) => a !== undefined)) settings.push(`optimizer: ${name}(${args.join(', ')})`);
  const epochs = rangeCount(code, values);
  if (epochs !== undefined) settings.push(`epochs: ${epochs}`);
  const batch = /\bbatch_size['"]?\s*[=:]\s*([^,)}\n]+)/.exec(code);
  const batchSize = batch && values.resolve(batch[1].trim());
  if (batchSize) settings.push(`batchSize: ${batchSize}`);
  const seed = /\bmanual_seed\s*\(([^)]+)\)/.exec(code);
  const seedValue = seed && values.resolve(seed[1].trim());
  if (seedValue) settings.push(`seed: ${seedValue}`);
  const schedule = scheduleOf(code, values);
  if (schedule) settings.push(`schedule: ${schedule}`);
  // A test loader over the dataset's test split (torchvision's `train=False`): validated on it.
  const dataset = withTestSplit(datasetUsed(code), /\btrain\s*=\s*False\b/.test(code), settings);
  const data = dataset?.name ?? 'data';
  const first = statements[0].first;
  const last = statements[statements.length - 1].last;
  const edits: TextEdit[] = statements.map((s) => (s === at
    ? { range: { start: { line: s.first, character: 0 }, end: { line: s.last, character: lines[s.last].length } }, newText: trainText(model, data, dataset, settings) }
    : { range: wholeLines(lines, s.first, s.last), newText: '' }));
  // Its functions and entry by name (`def train`, `if __name__ == '__main__'`); loose statements as what they are.
  const named = statements.map((s) => `\`${s.code.replace(/\s*:$/, '').replace(/^(def \w+)\(.*$/, '$1')}\``);
  const [what, are] = named.length <= 4 && statements.every((s) => COMPOUND.test(s.code)) ? [named.join(', ').replace(/, ([^,]*)$/, ' and $1'), 'are'] : [`The script's Python around ${model}`, 'is'];
  return {
    errors: statements.map((s, i) => ({
      first: s.first,
      last: s.last,
      error: i > 0 ? undefined : {
        message: `${what} (${linesWord(first, last)}) ${are} how PyTorch trains ${model}; dlnet writes a train statement: train ${model} on ${data} { ${settings.map((x) => x.replace(/:.*/, '')).join(', ')} }${dataset ? '' : UNKNOWN_DATA}`,
        range: firstLine(lines, s.first),
        fixes: [{ title: `Write train ${model} on ${data}`, edits, preferred: true }],
      },
    })),
    statements,
  };
}

/** How many times `for epoch in range(...)` goes round, where its bounds are known. */
function rangeCount(code: string, values: ScriptValues): number | undefined {
  const loop = EPOCHS.map((pattern) => pattern.exec(code)).find((found) => found);
  const call = loop && balancedCall(code, loop.index + loop[0].indexOf('range'));
  const range = call ? parsePython(call) : undefined;
  if (range?.kind !== 'call' || range.args.some((a) => a.name)) return undefined;
  const bounds = range.args.map((a) => Number(values.resolve(call!.slice(a.value.start, a.value.end))));
  const count = bounds.length === 1 ? bounds[0] : bounds.length === 2 ? bounds[1] - bounds[0] : NaN;
  return Number.isInteger(count) && count > 0 ? count : undefined;
}

/** PyTorch's ReduceLROnPlateau's arguments that dlnet's reduceOnPlateau takes, by its names (the train statement's fixes spell them). */
const PLATEAU_ARGUMENTS = new Set(['factor', 'patience', 'cooldown', 'min_lr']);

/**
 * `StepLR(optimizer, step_size=1, gamma=0.7)` and `ExponentialLR(optimizer, gamma=0.9)` as
 * dlnet's exponentialDecay; `ReduceLROnPlateau(optimizer, 'min', factor=0.5, patience=2)`
 * as its reduceOnPlateau (the mode, which dlnet reads from the value watched, and the
 * relative threshold left out: dlnet's minDelta is Keras's, an absolute one).
 */
function scheduleOf(code: string, values: ScriptValues): string | undefined {
  const made = /\b(StepLR|ExponentialLR|ReduceLROnPlateau)\s*\(/.exec(code);
  const call = made && balancedCall(code, made.index);
  const scheduler = call ? parsePython(call) : undefined;
  if (scheduler?.kind !== 'call') return undefined;
  const arg = (name: string) => {
    const a = scheduler.args.find((x) => x.name === name);
    return a && values.resolve(call!.slice(a.value.start, a.value.end));
  };
  if (made![1] === 'ReduceLROnPlateau') {
    const given = scheduler.args.filter((a) => a.name && PLATEAU_ARGUMENTS.has(a.name)).map((a) => `${a.name}=${arg(a.name!) ?? call!.slice(a.value.start, a.value.end)}`);
    return `ReduceLROnPlateau(${given.join(', ')})`;
  }
  const gamma = arg('gamma');
  const every = made![1] === 'StepLR' ? arg('step_size') : '1';
  return gamma && every ? `exponentialDecay(${gamma}${every === '1' ? '' : `, every: ${every}`})` : undefined;
}
