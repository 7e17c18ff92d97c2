package dev.pullpolicy.plugin.print;

import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.diagnose.PolicyStatus;
import dev.pullpolicy.plugin.diagnose.PolicyStatus.CopyState;
import dev.pullpolicy.plugin.diagnose.PolicyStatus.Row;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Prints {@code kubectl pullpolicy status}. */
public final class StatusPrinter {
  private StatusPrinter() {}

  public static String print(
      List<PolicyStatus> statuses, Format format, boolean noHeaders, Style style) {
    if (Structured.isStructured(format)) {
      Object value =
          statuses.size() == 1
              ? asMap(statuses.get(0))
              : Map.of("items", statuses.stream().map(StatusPrinter::asMap).toList());
      return Structured.render(value, format);
    }
    StringBuilder out = new StringBuilder();
    for (PolicyStatus s : statuses) {
      if (out.length() > 0) {
        out.append('\n');
      }
      String ready = s.ready();
      String readyText =
          "True".equals(ready)
              ? style.good(ready)
              : "False".equals(ready) ? style.bad(ready) : ready;
      out.append("Policy:      ").append(style.bold(s.policy())).append('\n');
      out.append("Ready:       ").append(readyText);
      if (s.reason() != null) {
        out.append(" (").append(s.reason()).append(')');
      }
      if (s.message() != null && !s.message().isEmpty()) {
        out.append(": ").append(s.message());
      }
      out.append('\n');
      out.append("Sources:     ").append(String.join(", ", s.sources())).append('\n');
      out.append("Secret:      ").append(s.secretName()).append('\n');
      out.append("Registries:  ")
          .append(s.registries().isEmpty() ? "-" : String.join(", ", s.registries()))
          .append('\n');
      out.append("Admission:   ").append(admission(s.admission(), style)).append('\n');
      if (!s.hashPublished()) {
        out.append(
            "Note:        the operator has not published the sources' hash yet: copy states are"
                + " Unknown\n");
      } else if (!s.secretsReadable()) {
        out.append(
            "Note:        Secrets may not be read with these credentials where the copy is"
                + " Unknown\n");
      }
      out.append('\n');
      if (s.namespaces().isEmpty()) {
        out.append("No namespace is selected.\n");
        continue;
      }
      boolean wide = format == Format.WIDE;
      Table t =
          wide
              ? new Table("NAMESPACE", "COPY", "SERVICEACCOUNTS", "ERROR", "LACKING")
              : new Table("NAMESPACE", "COPY", "SERVICEACCOUNTS", "ERROR");
      for (Row r : s.namespaces()) {
        String sas =
            r.copy() == CopyState.Ignored || r.copy() == CopyState.Terminating
                ? "-"
                : r.serviceAccountsPatched() + "/" + r.serviceAccountsSelected();
        String error = r.error() == null ? "" : r.error();
        UnaryOperator<String> copyStyle = copyStyle(r.copy(), style);
        if (wide) {
          t.styledRow(
              new String[] {
                r.namespace(), r.copy().name(), sas, error, String.join(",", r.lacking())
              },
              ListPrinter.styles(5, 1, copyStyle));
        } else {
          t.styledRow(
              new String[] {r.namespace(), r.copy().name(), sas, error},
              ListPrinter.styles(4, 1, copyStyle));
        }
      }
      out.append(t.render(!noHeaders));
    }
    return out.toString();
  }

  /**
   * Whether ServiceAccounts are born with the entry, in one line: the AdmissionActive condition's
   * status, reason and message.
   */
  static String admission(PolicyStatus.Admission a, Style style) {
    if (a == null) {
      return "Unknown: not reported by the operator";
    }
    String status =
        "True".equals(a.status())
            ? style.good(a.status())
            : "False".equals(a.status()) ? style.warn(a.status()) : a.status();
    return status
        + (a.reason() == null ? "" : " (" + a.reason() + ")")
        + (a.message() == null || a.message().isEmpty() ? "" : ": " + a.message());
  }

  private static UnaryOperator<String> copyStyle(CopyState state, Style style) {
    return switch (state) {
      case Synced -> style::good;
      case Missing, Stale, Conflict -> style::bad;
      case Unknown -> style::warn;
      default -> style::dim;
    };
  }

  static Map<String, Object> asMap(PolicyStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("policy", s.policy());
    m.put("ready", s.ready());
    m.put("reason", s.reason());
    m.put("message", s.message());
    m.put("sources", s.sources());
    m.put("secretName", s.secretName());
    m.put("registries", s.registries());
    m.put("sourceHashPublished", s.hashPublished());
    m.put("secretsReadable", s.secretsReadable());
    if (s.admission() != null) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("status", s.admission().status());
      a.put("reason", s.admission().reason());
      a.put("message", s.admission().message());
      m.put("admission", a);
    }
    m.put(
        "namespaces",
        s.namespaces().stream()
            .map(
                r -> {
                  Map<String, Object> n = new LinkedHashMap<>();
                  n.put("namespace", r.namespace());
                  n.put("copy", r.copy().name());
                  n.put(
                      "serviceAccounts",
                      Map.of(
                          "patched", r.serviceAccountsPatched(),
                          "selected", r.serviceAccountsSelected()));
                  n.put("lacking", r.lacking());
                  if (r.error() != null) {
                    n.put("error", r.error());
                  }
                  return n;
                })
            .toList());
    return m;
  }
}
