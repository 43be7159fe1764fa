// kubectl's PrefixWriter (pkg/describe): text at an indent level of two spaces per level,
// into a tab writer that aligns the `Name:\tvalue` cells. Terminal control characters in
// values are escaped as kubectl's printers.WriteEscaped does, so an object cannot drive
// the user's terminal.
import { TabWriter } from './tab-writer.ts';

export const LEVEL_0 = 0;
export const LEVEL_1 = 1;
export const LEVEL_2 = 2;
export const LEVEL_3 = 3;
export const LEVEL_4 = 4;

export interface PrefixWriter {
  /** `text` indented by `level` × two spaces. */
  write(level: number, text: string): void;
  /** The parts joined by spaces and a newline, not indented (fmt.Sprintln). */
  writeLine(...parts: string[]): void;
  /** Ends the current column blocks (the Events table aligns on its own). */
  flush(): void;
}

const escapeTerminal = (s: string): string => s.replaceAll('\x1b', '^[').replaceAll('\r', '\\r');

class TabbedPrefixWriter implements PrefixWriter {
  constructor(private readonly out: TabWriter) {}
  write(level: number, text: string): void {
    this.out.write(escapeTerminal('  '.repeat(level) + text));
  }
  writeLine(...parts: string[]): void {
    this.out.write(escapeTerminal(`${parts.join(' ')}\n`));
  }
  flush(): void {
    this.out.flush();
  }
}

/** A writer whose levels start `indent` levels deeper (kubectl's nestedPrefixWriter). */
export function nestedPrefixWriter(w: PrefixWriter, indent: number): PrefixWriter {
  return {
    write: (level, text) => w.write(level + indent, text),
    writeLine: (...parts) => w.write(indent, `${parts.join(' ')}\n`),
    flush: () => w.flush(),
  };
}

/** kubectl's tabbedString: what `describe` writes, aligned. */
export function tabbedString(describe: (w: PrefixWriter) => void): string {
  const out = new TabWriter();
  describe(new TabbedPrefixWriter(out));
  return out.toString();
}
