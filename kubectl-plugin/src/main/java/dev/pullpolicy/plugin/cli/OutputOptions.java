package dev.pullpolicy.plugin.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/** kubectl's output flags. */
public class OutputOptions {

  /** The output formats. */
  public enum Format {
    TABLE,
    WIDE,
    JSON,
    YAML
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Output format: table (default), wide, json or yaml.",
      converter = FormatConverter.class,
      completionCandidates = FormatCandidates.class)
  Format format = Format.TABLE;

  @Option(names = "--no-headers", description = "Print tables without their header line.")
  boolean noHeaders;

  @Option(
      names = "--no-color",
      description =
          "Never colour the output (colour is used only on a terminal, and never"
              + " when NO_COLOR is set).")
  boolean noColor;

  public Format format() {
    return format;
  }

  public boolean noHeaders() {
    return noHeaders;
  }

  /** Colour only on a terminal, never with --no-color or NO_COLOR. */
  public Style style() {
    return Style.of(!noColor && Style.terminalWantsColour());
  }

  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "unknown output format \"" + value + "\" (use table, wide, json or yaml)");
      }
    }
  }

  static final class FormatCandidates extends java.util.ArrayList<String> {
    FormatCandidates() {
      super(java.util.List.of("table", "wide", "json", "yaml"));
    }
  }
}
