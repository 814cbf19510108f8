/**
 * A Python script pasted whole, as Keras's and PyTorch's examples are written: imports,
 * constants, data loading, the model, `model.compile(...)` and `model.fit(...)` or a
 * training loop, prints. What python-models.ts reads as a model is its; the rest, outside
 * dlnet's declarations, is read here a statement at a time and said by region, not a line
 * at a time: each line's own errors ("'np.' is a module path", whose fix would turn
 * `np.expand_dims(x, -1)` into `expand_dims(x, -1)`) would only mislead. Each region's
 * error says what dlnet does instead, with a fix that removes it (applied unasked where
 * nothing is lost: imports, constants, prints, the loading of a dataset dlnet has); the
 * training code becomes a train statement (python-training.ts).
 */
import type { Fix } from '../diagnostics';
import type { SyntaxError } from './parser';
import { parsePython } from './python-expression';
import { COMPOUND, IMPORT, firstLine, linesWord, ScriptValues, wholeLines, type ScriptStatement } from './python-statements';
import { datasetUsed, kerasTraining, LOADS_DATA, pytorchTraining, type Dataset, type ModelOf, type Training } from './python-training';

/** What the script's statements are said as: an error a region (undefined for a region the training's error speaks for). */
export function scriptErrors(lines: readonly string[], statements: readonly ScriptStatement[], modelOf: ModelOf): Training['errors'] {
  const values = new ScriptValues(lines, statements);
  const keras = kerasTraining(lines, statements, values, modelOf);
  // `model.add(...)` (the layers of a Sequential above) and a compile with no fit keep what the lexer says of Keras's model methods.
  const own = statements.filter((s) => !keras?.statements.includes(s) && !KERAS_KEPT.test(s.code));
  const regions = regionsOf(lines, own);
  // PyTorch trains in functions of its own: all the script's Python but its imports is the training, one error.
  const torch = keras ? undefined : pytorchTraining(lines, regions.filter((r) => kindOf(r[0]) !== 'import').flat(), values, modelOf);
  const dataset = keras ? datasetUsed(statements.map((s) => s.code).join('\n')) : undefined;
  const found = [...(keras?.errors ?? []), ...(torch?.errors ?? [])];
  const data = dataset ? preparedData(statements) : new Set<string>();
  for (const region of regions) if (!torch?.statements.includes(region[0])) found.push(regionError(lines, region, values, dataset, data));
  return found;
}

/**
 * The names the loading binds (`(x_train, y_train), (x_test, y_test) = ...load_data()`, `df =
 * pd.read_csv(...)`) and those made from them after (`X = df.drop(...)`, `X_train, X_test,
 * ... = train_test_split(X, y)`): the lines that bind them prepare the dataset.
 */
function preparedData(statements: readonly ScriptStatement[]): Set<string> {
  const data = new Set<string>();
  const load = statements.findIndex((s) => LOADS_DATA.test(s.code));
  for (const s of load < 0 ? [] : statements.slice(load)) {
    const assigned = /^([A-Za-z_([][\w\s,()[\]]*?)\s*=(?!=)(.*)$/s.exec(s.code);
    // What a model makes of the data (its history, its score, its predictions) is no preparing of it.
    if (!assigned || MODEL_USE.test(assigned[2])) continue;
    const read = s === statements[load] || PREPROCESSOR.test(assigned[2]) || (assigned[2].match(/[A-Za-z_]\w*/g) ?? []).some((name) => data.has(name));
    if (read) for (const name of assigned[1].match(/[A-Za-z_]\w*/g) ?? []) data.add(name);
  }
  return data;
}

const MODEL_USE = /\.(?:fit|evaluate|predict|compile)\s*\(/;
/** scikit-learn's preprocessing objects (`scaler = StandardScaler()`): made to prepare the data. */
const PREPROCESSOR = /^\s*(?:[A-Za-z_]\w*\.)*(?:StandardScaler|MinMaxScaler|RobustScaler|MaxAbsScaler|Normalizer|LabelEncoder|OneHotEncoder|SimpleImputer)\s*\(/;
/** Scaling the features, which dlnet does with a layer. */
const SCALES = /\b(?:StandardScaler|MinMaxScaler|RobustScaler|MaxAbsScaler|Normalizer)\b|\bnormali[sz]e\s*\(/;
const KERAS_KEPT = /^[A-Za-z_]\w*\.(?:add|compile)\s*\(/;

type Kind = 'import' | 'compound' | 'statement';
const kindOf = (s: ScriptStatement): Kind => (IMPORT.test(s.code) ? 'import' : COMPOUND.test(s.code) ? 'compound' : 'statement');

/** Imports are one region (blank lines between them too); other statements a paragraph (comment lines in it too); a compound statement one of its own. */
function regionsOf(lines: readonly string[], statements: readonly ScriptStatement[]): ScriptStatement[][] {
  const regions: ScriptStatement[][] = [];
  for (const statement of statements) {
    const region = regions[regions.length - 1];
    const previous = region?.[region.length - 1];
    const kind = kindOf(statement);
    const together = previous && kind === kindOf(previous) && kind !== 'compound' && (kind === 'import' || lines.slice(previous.last + 1, statement.first).every((l) => l.startsWith('#')));
    if (together) region.push(statement);
    else regions.push([statement]);
  }
  return regions;
}

/** A region's error: what dlnet does instead, and the fix that removes it (applied unasked where nothing is lost). */
function regionError(lines: readonly string[], region: ScriptStatement[], values: ScriptValues, dataset: Dataset | undefined, data: ReadonlySet<string>): { first: number; last: number; error: SyntaxError } {
  const first = region[0].first;
  const last = region[region.length - 1].last;
  const where = linesWord(first, last);
  const head = region[0].code;
  let message: string;
  let removes = where;
  let lossless = false;
  if (kindOf(region[0]) === 'import') {
    message = `Python's imports (${where}): dlnet needs none, its layers, losses, optimizers and datasets are its own`;
    removes = 'the imports';
    lossless = true;
  } else if (kindOf(region[0]) === 'compound') {
    const body = lines.slice(first, last + 1).join('\n');
    const trains = /\.backward\s*\(|\.step\s*\(|\.fit\s*\(/.test(body) ? ': a model trains with a train statement, train M on data { loss: ..., optimizer: ..., epochs: ... }' : '';
    const def = /^(?:async\s+)?def\s+(\w+)/.exec(head)?.[1];
    if (/^if\s+__name__\s*==/.test(head)) message = `\`${head.replace(/\s*:$/, '')}\` runs a Python script (${where}); dlnet runs a file's train statements itself, with \`dlnet train <file>\` or the training panel`;
    else if (def) message = `\`def ${def}(...)\` is a Python function (${where}); dlnet has none${trains || ': write what it does as a dataset, model, block or train statement'}`;
    else message = `a Python \`${/^@|^\w+/.exec(head)![0]}\` statement (${where}); dlnet has none${trains || ' outside its declarations: a dataset, model, block or train statement'}`;
    if (def) removes = `the function ${def}`;
  } else {
    const each = region.map((s) => statementKind(s, values));
    const loads = dataset !== undefined && region.some((s) => LOADS_DATA.test(s.code) || /\bdatasets\.\w/.test(s.code) || data.has(/^([A-Za-z_]\w*)[\w\s,]*=(?!=)/.exec(s.code)?.[1] ?? ''));
    lossless = loads || each.every((k) => k !== 'other');
    const scaling = region.some((s) => SCALES.test(s.code)) ? "; its scaling of the features is a batchNorm first in dlnet's model (the train statement's check offers it where the columns' scales differ)" : '';
    if (loads) message = `Python that loads and prepares ${dataset!.said} (${where}); the train statement's fix declares dlnet's dataset ${dataset!.source}, which ${dataset!.gives}${scaling}`;
    else if (each.every((k) => k === 'constant')) message = `Python's constants (${where}); dlnet writes a value where it is used (the fixes that write the model and the train statement put them there)`;
    else if (lossless) message = `Python that reports results (${where}); a dlnet training run reports the loss and metrics every epoch, with the validation figures`;
    else message = `Python statements (${where}); dlnet has none outside its declarations: a dataset, model, block or train statement`;
  }
  const fix: Fix = { title: `Remove ${removes}`, edits: [{ range: wholeLines(lines, first, last), newText: '' }], ...(lossless ? { preferred: true } : {}) };
  return { first, last, error: { message, range: firstLine(lines, first), fixes: [fix] } };
}

/**
 * A constant (or a loss, optimizer or metric object, which the train statement's fix writes
 * where it is used), a report (a print, a model's summary or evaluation, a plot, a look at
 * its predictions, a value shown as a notebook shows it), or other.
 */
function statementKind(s: ScriptStatement, values: ScriptValues): 'constant' | 'report' | 'other' {
  const assigned = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.*)$/.exec(s.code);
  if (assigned && (values.constants.get(assigned[1]) === assigned[2].trim() || values.objects.get(assigned[1]) === assigned[2].trim())) return 'constant';
  if (!assigned && !/^\w+(?:\.\w+)*\s*\(/.test(s.code) && parsePython(s.code)) return 'report';
  return /^(?:[A-Za-z_][\w\s,]*=\s*)?(?:print\s*\(|\w+\.(?:summary|evaluate)\s*\(|plt\.)|\.numpy\s*\(|\.predict\s*\(/.test(s.code) ? 'report' : 'other';
}
