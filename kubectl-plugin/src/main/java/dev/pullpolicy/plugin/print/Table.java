package dev.pullpolicy.plugin.print;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A borderless table as kubectl prints one: upper-case headers, columns padded to the widest cell
 * plus three spaces, no trailing blanks. Colour codes in cells do not count for width.
 */
public final class Table {
  private final List<String> headers;
  private final List<String[]> rows = new ArrayList<>();
  private final List<UnaryOperator<String>[]> styles = new ArrayList<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row of plain cells. */
  public Table row(String... cells) {
    return styledRow(cells, null);
  }

  /** Adds a row whose cells are styled after padding (so colour does not shift columns). */
  @SuppressWarnings("unchecked")
  public Table styledRow(String[] cells, UnaryOperator<String>[] cellStyles) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells");
    }
    rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c).toArray(String[]::new));
    styles.add(cellStyles == null ? new UnaryOperator[cells.length] : cellStyles);
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Renders the table, one line per row, each ending in a newline. */
  public String render(boolean withHeaders) {
    int n = headers.size();
    int[] width = new int[n];
    if (withHeaders) {
      for (int i = 0; i < n; i++) {
        width[i] = headers.get(i).length();
      }
    }
    for (String[] r : rows) {
      for (int i = 0; i < n; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    if (withHeaders) {
      line(out, headers.toArray(String[]::new), null, width);
    }
    for (int j = 0; j < rows.size(); j++) {
      line(out, rows.get(j), styles.get(j), width);
    }
    return out.toString();
  }

  private static void line(
      StringBuilder out, String[] cells, UnaryOperator<String>[] cellStyles, int[] width) {
    StringBuilder line = new StringBuilder();
    int pending = 0;
    for (int i = 0; i < cells.length; i++) {
      String cell = cells[i];
      if (i > 0) {
        line.append(" ".repeat(pending));
      }
      line.append(
          cellStyles != null && cellStyles[i] != null && !cell.isEmpty()
              ? cellStyles[i].apply(cell)
              : cell);
      pending = width[i] - cell.length() + 3;
    }
    String s = line.toString();
    out.append(s.stripTrailing()).append('\n');
  }
}
