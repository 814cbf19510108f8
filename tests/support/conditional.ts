import { contains, type Analysis, type ModelGraph } from '../../dsl';

/**
 * The checker warned that the model's shapes are one only for some values of its symbolic
 * sizes (`equalOnlyIf`): it builds and runs for those values and not for others, so the
 * suites that run every model with made-up sizes expect it to fail, or leave it out.
 */
export function runsForSomeSizesOnly(analysis: Analysis, g: ModelGraph): boolean {
  return analysis.diagnostics.some((d) => d.code === 'shape-mismatch' && d.severity === 'warning' && contains(g.range, d.range.start));
}
