import type { Diagnoser } from "./diagnoser.js";
import { BUILTIN_DIAGNOSERS } from "./diagnosers/index.js";

/** Diagnosers by name; insertion order is the order they are tried on a line. */
export class DiagnoserRegistry {
  private readonly byName = new Map<string, Diagnoser>();

  constructor(diagnosers: Iterable<Diagnoser> = []) {
    for (const diagnoser of diagnosers) this.register(diagnoser);
  }

  register(diagnoser: Diagnoser): void {
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(diagnoser.name)) {
      throw new Error(`diagnoser name '${diagnoser.name}' must be kebab-case`);
    }
    if (this.byName.has(diagnoser.name))
      throw new Error(`a diagnoser named '${diagnoser.name}' is already registered`);
    if (diagnoser.triggers.length === 0 || diagnoser.triggers.some((t) => t.length < 3)) {
      throw new Error(
        `diagnoser '${diagnoser.name}' needs triggers of at least 3 characters (they gate every line)`,
      );
    }
    this.byName.set(diagnoser.name, diagnoser);
  }

  get(name: string): Diagnoser | undefined {
    return this.byName.get(name);
  }

  list(): Diagnoser[] {
    return [...this.byName.values()];
  }
}

/** The process-wide registry, holding the built-in diagnosers. */
export const registry = new DiagnoserRegistry(BUILTIN_DIAGNOSERS);

export function register(diagnoser: Diagnoser): void {
  registry.register(diagnoser);
}

export function list(): Diagnoser[] {
  return registry.list();
}
