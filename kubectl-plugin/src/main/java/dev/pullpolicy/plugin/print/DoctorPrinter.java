package dev.pullpolicy.plugin.print;

import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.diagnose.Doctor.Lacking;
import dev.pullpolicy.plugin.diagnose.Finding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints {@code kubectl pullpolicy doctor}. */
public final class DoctorPrinter {
  private DoctorPrinter() {}

  public static String print(
      String scope,
      List<Finding> findings,
      List<Lacking> lacking,
      List<String> notes,
      Format format,
      boolean noHeaders,
      Style style) {
    if (Structured.isStructured(format)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scope", scope);
      m.put(
          "pods",
          findings.stream()
              .map(
                  f -> {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("namespace", f.namespace());
                    p.put("pod", f.pod());
                    p.put("container", f.container());
                    p.put("image", f.image());
                    p.put("waiting", f.waiting());
                    p.put("cause", f.cause().name());
                    p.put("detail", f.detail());
                    p.put("fix", f.fix());
                    return p;
                  })
              .toList());
      m.put(
          "serviceAccounts",
          lacking.stream()
              .map(
                  l -> {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("namespace", l.namespace());
                    s.put("serviceAccount", l.serviceAccount());
                    s.put("policy", l.policy());
                    s.put("secret", l.secret());
                    return s;
                  })
              .toList());
      m.put("notes", notes);
      return Structured.render(m, format);
    }
    StringBuilder out = new StringBuilder();
    for (Finding f : findings) {
      out.append("Pod ")
          .append(style.bold(f.namespace() + "/" + f.pod()))
          .append(", container ")
          .append(f.container())
          .append(" (")
          .append(f.waiting())
          .append("): ")
          .append(style.bad(f.cause().name()))
          .append('\n');
      out.append("  image: ").append(f.image()).append('\n');
      out.append("  why:   ").append(f.detail()).append('\n');
      out.append("  fix:   ").append(f.fix()).append('\n');
      out.append('\n');
    }
    if (!lacking.isEmpty()) {
      out.append("ServiceAccounts without their policy's imagePullSecrets entry:\n");
      Table t = new Table("NAMESPACE", "SERVICEACCOUNT", "POLICY", "SECRET");
      lacking.forEach(l -> t.row(l.namespace(), l.serviceAccount(), l.policy(), l.secret()));
      out.append(t.render(!noHeaders));
      out.append('\n');
    }
    for (String note : notes) {
      out.append("Note: ").append(note).append('\n');
    }
    if (findings.isEmpty() && lacking.isEmpty()) {
      out.append(style.good("No problem found"))
          .append(": no Pod in ")
          .append(scope)
          .append(" waits on an image pull, and every selected ServiceAccount has its entry.\n");
    } else {
      out.append(
          plural(findings.size(), "container")
              + " cannot pull, "
              + plural(lacking.size(), "ServiceAccount")
              + " without its entry.\n");
    }
    return out.toString();
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
