// Go's text/tabwriter as kubectl's describers set it up (tabbedString: minwidth 0,
// tabwidth 8, padding 2, padchar ' ', no flags). Hand-written because no npm library has
// its column blocks: a tab-terminated cell is aligned only with the cells of the same
// column on the consecutive lines that have one, so `Labels:\tapp=web` and its
// continuation `\ttier=db` line up while a line without tabs starts fresh blocks. The
// text after a line's last tab is not part of any column.

/** Go counts a cell's width in runes (utf8.RuneCount). */
const width = (cell: string): number => [...cell].length;

export class TabWriter {
  private lines: string[][] = [[]];
  private cell = '';
  private out = '';

  constructor(
    private readonly padding = 2,
    private readonly minWidth = 0,
  ) {}

  write(text: string): void {
    for (const ch of text) {
      if (ch === '\t') {
        this.lines[this.lines.length - 1]!.push(this.cell);
        this.cell = '';
      } else if (ch === '\n') {
        this.lines[this.lines.length - 1]!.push(this.cell);
        this.cell = '';
        this.lines.push([]);
      } else {
        this.cell += ch;
      }
    }
  }

  /** Formats what is buffered; text written after it forms new column blocks. */
  flush(): void {
    if (this.cell.length > 0) this.lines[this.lines.length - 1]!.push(this.cell);
    this.cell = '';
    this.format(0, this.lines.length, []);
    this.lines = [[]];
  }

  /** Everything written, formatted. */
  toString(): string {
    this.flush();
    return this.out;
  }

  // tabwriter.Writer.format: `widths` are the columns to the left of the block at hand.
  private format(line0: number, line1: number, widths: readonly number[]): void {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= this.lines[i]!.length - 1) continue;
      // A cell in this column: print the lines before the block, then size the block.
      this.writeLines(line0, i, widths);
      line0 = i;
      let w = this.minWidth;
      for (; i < line1; i++) {
        const line = this.lines[i]!;
        if (column >= line.length - 1) break;
        w = Math.max(w, width(line[column]!) + this.padding);
      }
      this.format(line0, i, [...widths, w]);
      line0 = i;
    }
    this.writeLines(line0, line1, widths);
  }

  private writeLines(line0: number, line1: number, widths: readonly number[]): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      line.forEach((cell, j) => {
        this.out += j < widths.length ? cell + ' '.repeat(Math.max(0, widths[j]! - width(cell))) : cell;
      });
      // The last buffered line is the open one: it has no newline yet.
      if (i + 1 < this.lines.length) this.out += '\n';
    }
  }
}
