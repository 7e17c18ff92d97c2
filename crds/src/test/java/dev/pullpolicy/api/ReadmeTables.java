package dev.pullpolicy.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tables of crds/README.md, read as test vectors: the documented rules are the ones tested, so
 * the two cannot drift apart.
 */
public final class ReadmeTables {
  private ReadmeTables() {}

  /** The README (the module's own; surefire passes its path). */
  public static String readme() {
    Path path = Path.of(System.getProperty("pullpolicy.readme", "README.md"));
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The body rows of the first table after the heading that starts with {@code heading}; each row
   * as its cells, trimmed, with enclosing backticks removed.
   */
  public static List<List<String>> rows(String heading) {
    List<String> lines = readme().lines().toList();
    int i = 0;
    while (i < lines.size() && !lines.get(i).startsWith(heading)) {
      i++;
    }
    if (i == lines.size()) {
      throw new IllegalStateException("no heading " + heading + " in the README");
    }
    while (i < lines.size() && !lines.get(i).startsWith("|")) {
      i++;
    }
    i += 2; // the header and the separator
    List<List<String>> rows = new ArrayList<>();
    for (; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String line = lines.get(i).trim();
      String inner = line.substring(1, line.length() - 1);
      rows.add(Arrays.stream(inner.split(" \\| ")).map(ReadmeTables::cell).toList());
    }
    if (rows.isEmpty()) {
      throw new IllegalStateException("no table rows after " + heading);
    }
    return rows;
  }

  private static String cell(String raw) {
    String c = raw.trim();
    if (c.length() >= 2 && c.startsWith("`") && c.endsWith("`")) {
      c = c.substring(1, c.length() - 1);
    }
    return c;
  }
}
