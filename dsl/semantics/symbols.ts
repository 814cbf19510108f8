/** Declarations and their references, for definition, references, rename and highlights. */
import { comparePositions, contains, type Position, type Range } from '../syntax/range';
import type { Shape } from './shape';

/**
 * Identifiers never overlap, so a start position identifies one. The key is a small
 * integer (V8 stores it unboxed, and Maps hash it cheaply) for the first 4,096 columns
 * of 262,144 lines; farther out it is a string.
 */
const positionKey = (r: Range): number | string => (r.start.character < 4096 && r.start.line < 262_144 ? r.start.line * 4096 + r.start.character : `${r.start.line}:${r.start.character}`);

export type SymbolKind = 'model' | 'block' | 'dataset' | 'tensor' | 'param';

export interface SymbolInfo {
  name: string;
  kind: SymbolKind;
  /** The identifier that declares it. */
  nameRange: Range;
  /** The whole declaration or statement. */
  declRange: Range;
  /** The model or block a tensor or parameter belongs to. */
  container?: string;
  refs: Range[];
  shape?: Shape;
}

export interface Occurrence {
  range: Range;
  symbol: SymbolInfo;
  isDefinition: boolean;
}

export class SymbolTable {
  readonly symbols: SymbolInfo[] = [];
  private readonly byKey = new Map<number | string, SymbolInfo>();
  /** kind → container ('' at top level) → name → the first symbol so defined; nested, so a lookup builds no key string. */
  private readonly byName = new Map<SymbolKind, Map<string, Map<string, SymbolInfo>>>();
  private readonly seen = new Set<number | string>();
  private readonly occurrences: Occurrence[] = [];
  private sorted = true;

  /** Defines a symbol once per declaring identifier (blocks are walked once per use). */
  define(name: string, kind: SymbolKind, nameRange: Range, declRange: Range, container?: string): SymbolInfo {
    const key = positionKey(nameRange);
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const symbol: SymbolInfo = { name, kind, nameRange, declRange, container, refs: [] };
    this.byKey.set(key, symbol);
    let containers = this.byName.get(kind);
    if (!containers) this.byName.set(kind, (containers = new Map()));
    let names = containers.get(container ?? '');
    if (!names) containers.set(container ?? '', (names = new Map()));
    if (!names.has(name)) names.set(name, symbol);
    this.symbols.push(symbol);
    this.occurrences.push({ range: nameRange, symbol, isDefinition: true });
    this.sorted = false;
    return symbol;
  }

  reference(symbol: SymbolInfo, range: Range): void {
    const key = positionKey(range);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    symbol.refs.push(range);
    this.occurrences.push({ range, symbol, isDefinition: false });
    this.sorted = false;
  }

  /** The symbol occurrence under a position, if any. */
  at(position: Position): Occurrence | undefined {
    if (!this.sorted) {
      this.occurrences.sort((a, b) => comparePositions(a.range.start, b.range.start));
      this.sorted = true;
    }
    let lo = 0;
    let hi = this.occurrences.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = this.occurrences[mid];
      if (contains(o.range, position)) return o;
      if (comparePositions(o.range.start, position) > 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return undefined;
  }

  /** The first symbol of a kind with this name in a container (top-level symbols have none). */
  find(kind: SymbolKind, name: string, container?: string): SymbolInfo | undefined {
    return this.byName.get(kind)?.get(container ?? '')?.get(name);
  }
}
